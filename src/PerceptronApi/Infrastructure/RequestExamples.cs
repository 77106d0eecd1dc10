using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.Json.Serialization;
using Microsoft.AspNetCore.Http.Json;
using Microsoft.Extensions.Options;
using Microsoft.OpenApi;
using Swashbuckle.AspNetCore.SwaggerGen;

namespace PerceptronApi.Infrastructure;

/// <summary>A named example request body, shown in Swagger UI's example picker.</summary>
/// <param name="Name">The key of the example.</param>
/// <param name="Summary">One line saying what it shows.</param>
/// <param name="Value">The body; serialized with the contract's JSON settings.</param>
internal sealed record RequestExample(string Name, string Summary, object Value);

/// <summary>Endpoint metadata carrying example request bodies.</summary>
internal sealed record RequestExamplesMetadata(IReadOnlyList<RequestExample> Examples);

/// <summary>Endpoint metadata for a body that is text, not JSON (a CSV upload): its media type and an example.</summary>
internal sealed record TextBodyMetadata(string MediaType, string Example);

/// <summary>Endpoint metadata describing a request body the handler reads itself (no parameter carries its description).</summary>
internal sealed record RequestBodyDescriptionMetadata(string Description);

/// <summary>Endpoint metadata carrying an example answer of one status, made when the document is.</summary>
/// <param name="Status">The status code it answers.</param>
/// <param name="Value">Makes the answer; serialized with the contract's JSON settings.</param>
internal sealed record ResponseExampleMetadata(int Status, Func<object> Value);

/// <summary>Extensions to attach examples to an endpoint.</summary>
internal static class RequestExamplesExtensions
{
    public static TBuilder WithRequestExamples<TBuilder>(this TBuilder builder, params RequestExample[] examples)
        where TBuilder : IEndpointConventionBuilder =>
        builder.WithMetadata(new RequestExamplesMetadata(examples));

    public static TBuilder WithResponseExample<TBuilder>(this TBuilder builder, int status, Func<object> value)
        where TBuilder : IEndpointConventionBuilder =>
        builder.WithMetadata(new ResponseExampleMetadata(status, value));

    public static TBuilder WithRequestBodyDescription<TBuilder>(this TBuilder builder, string description)
        where TBuilder : IEndpointConventionBuilder =>
        builder.WithMetadata(new RequestBodyDescriptionMetadata(description));

    public static TBuilder WithTextBody<TBuilder>(this TBuilder builder, string mediaType, string example)
        where TBuilder : IEndpointConventionBuilder =>
        builder.WithMetadata(new TextBodyMetadata(mediaType, example));
}

/// <summary>
/// Copies <see cref="RequestExamplesMetadata"/> (and <see cref="RequestBodyDescriptionMetadata"/>) into the operation's
/// JSON request body and
/// <see cref="ResponseExampleMetadata"/> into its answer, and describes a
/// <see cref="TextBodyMetadata"/> media type as a string with its example.
/// </summary>
internal sealed class RequestExamplesOperationFilter(IOptions<JsonOptions> json) : IOperationFilter
{
    // An example shows only the fields it sets.
    private readonly JsonSerializerOptions _exampleOptions = new(json.Value.SerializerOptions)
    {
        DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
    };

    public void Apply(OpenApiOperation operation, OperationFilterContext context)
    {
        var endpointMetadata = context.ApiDescription.ActionDescriptor.EndpointMetadata;
        foreach (var answer in endpointMetadata.OfType<ResponseExampleMetadata>())
        {
            if (operation.Responses?.TryGetValue(answer.Status.ToString(System.Globalization.CultureInfo.InvariantCulture), out var response) == true
                && response.Content?.TryGetValue("application/json", out var json) == true)
            {
                json.Example = JsonSerializer.SerializeToNode(answer.Value(), _exampleOptions);
            }
        }

        if (operation.RequestBody?.Content is not { } content)
        {
            return;
        }

        if (operation.RequestBody is OpenApiRequestBody body
            && endpointMetadata.OfType<RequestBodyDescriptionMetadata>().FirstOrDefault() is { } described)
        {
            body.Description = described.Description;
        }

        foreach (var text in endpointMetadata.OfType<TextBodyMetadata>())
        {
            content[text.MediaType] = new OpenApiMediaType
            {
                Schema = new OpenApiSchema { Type = JsonSchemaType.String },
                Example = JsonValue.Create(text.Example),
            };
        }

        var metadata = endpointMetadata.OfType<RequestExamplesMetadata>().FirstOrDefault();
        if (metadata is null)
        {
            return;
        }

        foreach (var (mediaTypeName, mediaType) in content)
        {
            if (!mediaTypeName.Contains("json", StringComparison.OrdinalIgnoreCase))
            {
                continue;
            }

            mediaType.Examples ??= new Dictionary<string, IOpenApiExample>();
            foreach (var example in metadata.Examples)
            {
                mediaType.Examples[example.Name] = new OpenApiExample
                {
                    Summary = example.Summary,
                    Value = JsonSerializer.SerializeToNode(example.Value, example.Value.GetType(), _exampleOptions),
                };
            }
        }
    }
}
