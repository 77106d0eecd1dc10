using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.OpenApi;
using PerceptronApi.Core.Model;
using PerceptronApi.Core.Training;
using Swashbuckle.AspNetCore.SwaggerGen;

namespace PerceptronApi.Infrastructure;

/// <summary>
/// The handlers read query parameters as text, so a bad value gets a problem naming it rather than the framework's bare
/// 400; the document still describes each by what it takes (an integer, a number, true/false, one of a list), so Swagger
/// UI offers drop-downs and checks numbers. It also declares the headers the routes read (<c>Prefer</c>,
/// <c>Last-Event-ID</c>).
/// </summary>
internal sealed class ParameterSchemaOperationFilter : IOperationFilter
{
    private static readonly Dictionary<string, Func<OpenApiSchema>> QuerySchemas = new(StringComparer.Ordinal)
    {
        ["status"] = () => EnumSchema<Training.JobStatus>(),
        ["algorithm"] = () => EnumSchema<TrainingAlgorithm>(),
        ["activation"] = () => EnumSchema<Activation>(),
        ["initialization"] = () => EnumSchema<WeightInitialization>(),
        ["limit"] = () => new OpenApiSchema { Type = JsonSchemaType.Integer, Format = "int32", Minimum = "1" },
        ["from"] = () => new OpenApiSchema { Type = JsonSchemaType.Integer, Format = "int32", Minimum = "0" },
        ["cursor"] = () => new OpenApiSchema { Type = JsonSchemaType.Integer, Format = "int64", Minimum = "1" },
        ["maxEpochs"] = () => new OpenApiSchema { Type = JsonSchemaType.Integer, Format = "int32", Minimum = "1" },
        ["seed"] = () => new OpenApiSchema { Type = JsonSchemaType.Integer, Format = "int32" },
        ["threshold"] = () => new OpenApiSchema { Type = JsonSchemaType.Number, Format = "double" },
        ["learningRate"] = () => new OpenApiSchema { Type = JsonSchemaType.Number, Format = "double" },
        ["tolerance"] = () => new OpenApiSchema { Type = JsonSchemaType.Number, Format = "double" },
        ["initialWeights.bias"] = () => new OpenApiSchema { Type = JsonSchemaType.Number, Format = "double" },
        ["history"] = () => new OpenApiSchema { Type = JsonSchemaType.Boolean },
        ["shuffle"] = () => new OpenApiSchema { Type = JsonSchemaType.Boolean },
        ["trace"] = () => new OpenApiSchema { Type = JsonSchemaType.Boolean },
        ["stopOnCycle"] = () => new OpenApiSchema { Type = JsonSchemaType.Boolean },
        ["targetLoss"] = () => new OpenApiSchema { Type = JsonSchemaType.Number, Format = "double" },
        ["hiddenLayers"] = () => new OpenApiSchema { Type = JsonSchemaType.Array, Items = new OpenApiSchema { Type = JsonSchemaType.Integer, Format = "int32", Minimum = "1" } },
        ["initialWeights.weights"] = () => new OpenApiSchema { Type = JsonSchemaType.Array, Items = new OpenApiSchema { Type = JsonSchemaType.Number, Format = "double" } },
        ["initialLayers"] = () => new OpenApiSchema { Type = JsonSchemaType.String },
    };

    // Lists in one parameter, comma-separated (hiddenLayers=3,2), as the handler reads them.
    private static readonly HashSet<string> CommaSeparated = new(StringComparer.Ordinal) { "hiddenLayers", "initialWeights.weights" };

    private static readonly Dictionary<string, OpenApiParameter> HeadersByOperation = new(StringComparer.Ordinal)
    {
        ["StartTrainingJob"] = new()
        {
            Name = "Prefer",
            In = ParameterLocation.Header,
            Description = "`wait=N`: wait up to N seconds (at most Training:MaxWaitSeconds) and answer 201 with the finished job when it is done by then; otherwise 202.",
            Schema = new OpenApiSchema { Type = JsonSchemaType.String, Pattern = "^wait=[0-9]+$" },
            Example = JsonValue.Create("wait=10"),
        },
        ["StreamTrainingJobEvents"] = new()
        {
            Name = "Last-Event-ID",
            In = ParameterLocation.Header,
            Description = "The id (epoch) of the last event received: the stream resumes after it.",
            Schema = new OpenApiSchema { Type = JsonSchemaType.Integer, Format = "int32", Minimum = "0" },
        },
    };

    public void Apply(OpenApiOperation operation, OperationFilterContext context)
    {
        foreach (var parameter in operation.Parameters?.OfType<OpenApiParameter>() ?? [])
        {
            if (parameter.In == ParameterLocation.Query && parameter.Name is { } name && QuerySchemas.TryGetValue(name, out var schema))
            {
                parameter.Schema = schema();
                if (CommaSeparated.Contains(name))
                {
                    parameter.Style = ParameterStyle.Form;
                    parameter.Explode = false;
                }
            }
        }

        if (operation.OperationId is { } id && HeadersByOperation.TryGetValue(id, out var header))
        {
            operation.Parameters ??= [];
            operation.Parameters.Add(header);
        }
    }

    private static OpenApiSchema EnumSchema<TEnum>()
        where TEnum : struct, Enum => new()
        {
            Type = JsonSchemaType.String,
            Enum = [.. Enum.GetNames<TEnum>().Select(name => (JsonNode)JsonValue.Create(JsonNamingPolicy.CamelCase.ConvertName(name)))],
        };
}
