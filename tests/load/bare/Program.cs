using System.Text.Json;
using System.Text.Json.Serialization;

// A bare minimal-API route that answers POST /api/v1/predict for a single step perceptron exactly as the service does
// (the same rows, z summed bias first, the same JSON bytes), without logging, validation, limits or metrics: the
// yardstick of tests/load/predict-vs-bare.sh.
var builder = WebApplication.CreateSlimBuilder(args);
builder.Logging.ClearProviders();
builder.Services.ConfigureHttpJsonOptions(options => options.SerializerOptions.TypeInfoResolverChain.Insert(0, BareJson.Default));
var app = builder.Build();
app.MapPost("/api/v1/predict", (BareRequest request) =>
{
    var width = request.Weights.Length;
    var rows = new BareRow[1 << width];
    for (var r = 0; r < rows.Length; r++)
    {
        var inputs = new double[width];
        var z = request.Bias;
        for (var j = 0; j < width; j++)
        {
            inputs[j] = (r >> (width - 1 - j)) & 1;
            z += request.Weights[j] * inputs[j];
        }

        rows[r] = new BareRow(inputs, z, z >= 0.5 ? 1 : 0);
    }

    return TypedResults.Ok(new BareResponse("step", 0.5, rows));
});
app.Run();

internal sealed record BareRequest(double Bias, double[] Weights);

internal sealed record BareRow(double[] Inputs, double Z, double Output);

internal sealed record BareResponse(string Activation, double Threshold, BareRow[] Predictions);

[JsonSourceGenerationOptions(JsonSerializerDefaults.Web)]
[JsonSerializable(typeof(BareRequest))]
[JsonSerializable(typeof(BareResponse))]
internal sealed partial class BareJson : JsonSerializerContext;
