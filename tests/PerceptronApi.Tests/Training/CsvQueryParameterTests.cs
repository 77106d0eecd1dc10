using System.Net;
using System.Text;
using System.Text.Json.Nodes;
using PerceptronApi.Tests.Infrastructure;

namespace PerceptronApi.Tests.Training;

/// <summary>A text/csv body takes every option of the JSON body as a query parameter, typed and checked by its name.</summary>
public class CsvQueryParameterTests(TrainingFactory factory) : IClassFixture<TrainingFactory>
{
    private const string XorCsv = "x1,x2,y\n0,0,0\n0,1,1\n1,0,1\n1,1,0\n";
    private const string XorJson = """ "inputs": [[0,0],[0,1],[1,0],[1,1]], "labels": [0,1,1,0] """;
    private const string Layers = """[[{"bias":0.1,"weights":[0.2,-0.3]},{"bias":-0.1,"weights":[0.4,0.1]}],[{"bias":0.05,"weights":[0.3,-0.2]}]]""";

    private readonly HttpClient _client = factory.CreateClient();

    public static TheoryData<string, string> SameJobs => new()
    {
        { """ "algorithm": "backpropagation", "hiddenLayers": [2], "seed": 1, "targetLoss": 0.05, "maxEpochs": 3000 """, "algorithm=backpropagation&hiddenLayers=2&seed=1&targetLoss=0.05&maxEpochs=3000" },
        { """ "algorithm": "backpropagation", "hiddenLayers": [3, 2], "seed": 2, "maxEpochs": 50, "tolerance": 1e-12 """, "algorithm=backpropagation&hiddenLayers=3,2&seed=2&maxEpochs=50&tolerance=1e-12" },
        { """ "algorithm": "backpropagation", "hiddenLayers": [3, 2], "seed": 2, "maxEpochs": 50 """, "algorithm=backpropagation&hiddenLayers=3&hiddenLayers=2&seed=2&maxEpochs=50" },
        { $$""" "algorithm": "backpropagation", "learningRate": 0.5, "maxEpochs": 2, "initialLayers": {{Layers}} """, $"algorithm=backpropagation&learningRate=0.5&maxEpochs=2&initialLayers={Uri.EscapeDataString(Layers)}" },
        { """ "stopOnCycle": false, "maxEpochs": 20 """, "stopOnCycle=false&maxEpochs=20" },
        { """ "algorithm": "pocket", "trace": true, "maxEpochs": 12 """, "algorithm=pocket&trace=true&maxEpochs=12" },
    };

    [Theory]
    [MemberData(nameof(SameJobs))]
    public async Task CsvWithQueryParameters_TrainsAsTheJsonBodyWithTheSameFields(string fields, string query)
    {
        var json = await _client.StartAndWaitAsync($$"""{ {{XorJson}}, {{fields}} }""");

        var csv = await StartCsvAndWaitAsync(query);

        Assert.Equal(json["parameters"]!.ToJsonString(), csv["parameters"]!.ToJsonString());
        Assert.Equal(json["result"]!.ToJsonString(), csv["result"]!.ToJsonString());
        Assert.True(JsonNode.DeepEquals(json["history"], csv["history"]));
    }

    [Fact]
    public async Task StopOnCycleFromTheQuery_IsWhatStopsXor()
    {
        var on = await StartCsvAndWaitAsync("maxEpochs=20");
        var off = await StartCsvAndWaitAsync("maxEpochs=20&stopOnCycle=false");

        Assert.Equal(("cycle", true), (on["result"]!["stopReason"]!.GetValue<string>(), on["parameters"]!["stopOnCycle"]!.GetValue<bool>()));
        Assert.Equal(("maxEpochsReached", false, 20), (off["result"]!["stopReason"]!.GetValue<string>(), off["parameters"]!["stopOnCycle"]!.GetValue<bool>(), off["result"]!["epochs"]!.GetValue<int>()));
    }

    public static TheoryData<string, string, string> BadQueries => new()
    {
        { "stopOnCycle=maybe", "stopOnCycle", "must be true or false (got \"maybe\")." },
        { "algorithm=backpropagation&hiddenLayers=two", "hiddenLayers[0]", "must be an integer (got \"two\")." },
        { "algorithm=backpropagation&hiddenLayers=2,,3", "hiddenLayers[1]", "is empty: separate the values with single commas." },
        { "algorithm=backpropagation&hiddenLayers=0", "hiddenLayers[0]", "must be between 1 and 4096 units (got 0)." },
        { "hiddenLayers=2", "hiddenLayers", "applies only to the backpropagation algorithm; leave it out for perceptron." },
        { "algorithm=backpropagation&hiddenLayers=2&targetLoss=low", "targetLoss", "must be a finite number (got \"low\")." },
        { "algorithm=backpropagation&hiddenLayers=2&targetLoss=-1", "targetLoss", "must be a finite number of at least 0 (got -1)." },
        { "algorithm=backpropagation&initialLayers=%5B%5B1%5D%5D", "initialLayers[0][0]", "must be an object." },
        { "algorithm=backpropagation&initialLayers=%5B%5B%7B%22bias%22%3A0%7D%5D%5D", "initialLayers[0][0].weights", "is required." },
        { "algorithm=backpropagation&initialLayers=%5B%5B%7B%22bias%22%3A0%2C%22weights%22%3A%5B%5D%7D%5D%5D", "initialLayers[0][0].weights", "must have at least one weight." },
        { "algorithm=backpropagation&initialLayers=%5B%5B", "initialLayers", "ends before its JSON is complete" },
        { "initialWeights.bias=0.5&initialWeights.weights=0.1,,0.2", "initialWeights.weights[1]", "is empty: separate the values with single commas." },
        { "initialWeights.bias=0.5&initialWeights.weights=0.1,x", "initialWeights.weights[1]", "must be a finite number (got \"x\")." },
        { "initialWeights.bias=0.5&initialWeights.weights=", "initialWeights.weights", "is required with the other initialWeights parameter." },
        { "initialWeights.bias=&initialWeights.weights=0.1,0.2", "initialWeights.bias", "is required with the other initialWeights parameter." },
    };

    [Theory]
    [MemberData(nameof(BadQueries))]
    public async Task ABadQueryParameter_Is400NamingIt(string query, string field, string message)
    {
        var response = await _client.PostAsync($"{TrainingJobClient.Route}?{query}", new StringContent(XorCsv, Encoding.UTF8, "text/csv"));

        var problem = await response.AssertProblemAsync(HttpStatusCode.BadRequest);
        Assert.Contains(problem.ErrorsFor(field), m => m.Contains(message, StringComparison.Ordinal));
    }

    [Fact]
    public async Task TheDocument_DeclaresEveryQueryParameter_WithItsType()
    {
        var document = await (await _client.GetAsync("/swagger/v1/swagger.json")).ReadJsonAsync();
        var parameters = document["paths"]!["/api/v1/training-jobs"]!["post"]!["parameters"]!.AsArray()
            .Where(p => p!["in"]!.GetValue<string>() == "query")
            .ToDictionary(p => p!["name"]!.GetValue<string>(), p => p!);

        Assert.Equal(
            ["activation", "algorithm", "hiddenLayers", "initialLayers", "initialWeights.bias", "initialWeights.weights", "initialization", "learningRate", "maxEpochs", "seed", "shuffle", "stopOnCycle", "targetLoss", "threshold", "tolerance", "trace"],
            parameters.Keys.Order(StringComparer.Ordinal));
        Assert.Equal("""{"type":"boolean"}""", parameters["stopOnCycle"]["schema"]!.ToJsonString());
        Assert.Equal("""{"type":"boolean"}""", parameters["trace"]["schema"]!.ToJsonString());
        Assert.Equal("""{"type":"number","format":"double"}""", parameters["targetLoss"]["schema"]!.ToJsonString());
        // Comma-separated lists: the query's default style (form, left out of the document) without explode.
        Assert.Equal("""{"type":"array","items":{"minimum":1,"type":"integer","format":"int32"}}""", parameters["hiddenLayers"]["schema"]!.ToJsonString());
        Assert.Equal(("form", false), (parameters["hiddenLayers"]["style"]?.GetValue<string>() ?? "form", parameters["hiddenLayers"]["explode"]!.GetValue<bool>()));
        Assert.Equal("""{"type":"array","items":{"type":"number","format":"double"}}""", parameters["initialWeights.weights"]["schema"]!.ToJsonString());
        Assert.Equal(("form", false), (parameters["initialWeights.weights"]["style"]?.GetValue<string>() ?? "form", parameters["initialWeights.weights"]["explode"]!.GetValue<bool>()));
        Assert.Equal("string", parameters["initialLayers"]["schema"]!["type"]!.GetValue<string>());
    }

    private async Task<JsonNode> StartCsvAndWaitAsync(string query)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, $"{TrainingJobClient.Route}?{query}") { Content = new StringContent(XorCsv, Encoding.UTF8, "text/csv") };
        request.Headers.Add("Prefer", "wait=20");
        var response = await _client.SendAsync(request);
        var body = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == HttpStatusCode.Created, $"{(int)response.StatusCode}: {body}");
        return JsonNode.Parse(body)!;
    }
}
