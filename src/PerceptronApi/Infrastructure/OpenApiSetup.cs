using Microsoft.AspNetCore.Http.Json;
using Microsoft.Extensions.Options;
using Swashbuckle.AspNetCore.SwaggerGen;
using Microsoft.OpenApi;
using PerceptronApi.Core.Model;

namespace PerceptronApi.Infrastructure;

/// <summary>Settings of the interactive documentation (configuration section <c>OpenApi</c>).</summary>
internal sealed class OpenApiOptions
{
    public const string SectionName = "OpenApi";

    /// <summary>Serve Swagger UI at /swagger and the document at /swagger/v1/swagger.json (default true, in every environment).</summary>
    public bool Enabled { get; set; } = true;
}

/// <summary>The OpenAPI document (Swashbuckle) and Swagger UI.</summary>
internal static class OpenApiSetup
{
    public static IServiceCollection AddContractOpenApi(this IServiceCollection services)
    {
        services.AddOptions<OpenApiOptions>().BindConfiguration(OpenApiOptions.SectionName);
        services.AddEndpointsApiExplorer();

        // Describe schemas with the contract's serializer settings (enums as lower-case strings), not the defaults.
        services.AddTransient<ISerializerDataContractResolver>(provider => new StoredRecordContractResolver(new JsonSerializerDataContractResolver(
            provider.GetRequiredService<IOptions<JsonOptions>>().Value.SerializerOptions)));
        services.AddSwaggerGen(options =>
        {
            options.SwaggerDoc("v1", new OpenApiInfo
            {
                Title = "PerceptronApi",
                Version = "v1",
                Description = """
                    The single-layer perceptron, made tangible. Look up logic gates as perceptrons, run your own weights on
                    any inputs and see every net input `z = w0 + w1*x1 + ... + wn*xn` and output, and train on a gate's truth
                    table or your own data. Conventions follow the tutorial "Neural Networks with NumPy for Absolute
                    Beginners, Part 1": the step activation outputs 1 when `z >= θ`, with θ = 0.5 by default.
                    """,
            });
            options.IncludeXmlComments(typeof(OpenApiSetup).Assembly);
            options.IncludeXmlComments(typeof(Activation).Assembly);
            options.SupportNonNullableReferenceTypes();

            // A null "result" or "error" is described as a nullable reference, as clients generated from it need.
            options.UseAllOfToExtendReferenceSchemas();
            options.SchemaFilter<OpenResponseSchemaFilter>();
            options.DocumentFilter<NullableReferenceTypeFilter>();

            // A page of stored records is named as the records it describes are.
            var schemaId = options.SchemaGeneratorOptions.SchemaIdSelector;
            options.CustomSchemaIds(type => schemaId(type == typeof(Training.Page<Training.RecordJson>) ? typeof(Training.Page<Core.Training.EpochRecord>) : type));
            options.OperationFilter<RequestExamplesOperationFilter>();
            options.OperationFilter<AlternativeAnswersFilter>();

            // A class label is a number or a string; a classes prediction's z one number or one per class.
            options.MapType<Core.Classes.ClassLabel>(() => new OpenApiSchema
            {
                Description = "A class label: a number (2) or a string (\"setosa\"), as the training data named it.",
                OneOf = [new OpenApiSchema { Type = JsonSchemaType.Number }, new OpenApiSchema { Type = JsonSchemaType.String }],
            });
            options.MapType<Training.NetInputs>(() => new OpenApiSchema
            {
                Description = "A net input: one number (two classes), or one per class in the order of classes (one-vs-rest).",
                OneOf = [new OpenApiSchema { Type = JsonSchemaType.Number }, new OpenApiSchema { Type = JsonSchemaType.Array, Items = new OpenApiSchema { Type = JsonSchemaType.Number } }],
            });
            options.OperationFilter<ParameterSchemaOperationFilter>();
            options.OperationFilter<ResponseExamplesOperationFilter>();
        });
        return services;
    }

    private static readonly PathString SwaggerPath = new("/swagger");

    public static WebApplication UseContractOpenApi(this WebApplication app)
    {
        var settings = app.Services.GetRequiredService<IOptions<OpenApiOptions>>().Value;
        if (settings.Enabled)
        {
            // Both middlewares serve only /swagger...: every other request skips them with one path test instead of
            // passing through two async middlewares that match templates.
            app.UseWhen(context => context.Request.Path.StartsWithSegments(SwaggerPath), swagger =>
            {
                swagger.UseSwagger();
                swagger.UseSwaggerUI(options =>
                {
                    options.DocumentTitle = "PerceptronApi";
                    options.SwaggerEndpoint("/swagger/v1/swagger.json", "PerceptronApi v1");
                    options.DisplayRequestDuration();
                    options.EnableTryItOutByDefault();
                });
            });
        }
        return app;
    }
}

/// <summary>
/// Requests refuse unknown fields (a typo must not fall back to a default), so their schemas say
/// <c>additionalProperties: false</c>; responses may gain fields (the contract adds, never renames), so theirs do not.
/// </summary>
internal sealed class OpenResponseSchemaFilter : ISchemaFilter
{
    private static readonly HashSet<Type> RequestTypes =
    [
        typeof(Predictions.PredictRequest),
        typeof(Predictions.PredictInputsRequest),
        typeof(Training.TrainingJobRequest),
        typeof(Models.UnitDto),
    ];

    public void Apply(IOpenApiSchema schema, SchemaFilterContext context)
    {
        if (schema is OpenApiSchema concrete && !RequestTypes.Contains(context.Type))
        {
            // Said explicitly, so example checkers accept the members a schema does not list (a problem's traceId).
            concrete.AdditionalPropertiesAllowed = true;
            concrete.AdditionalProperties = new OpenApiSchema();
        }
    }
}

/// <summary>
/// Describes the tags. A nullable reference is written <c>allOf: [$ref], nullable: true</c>; OpenAPI 3.0 wants a <c>type</c> beside
/// <c>nullable</c>, so this copies the referenced schema's type there (object for records, string for enums).
/// </summary>
internal sealed class NullableReferenceTypeFilter : IDocumentFilter
{
    private static readonly (string Name, string Description)[] Tags =
    [
        ("Gates", "The logic gates as perceptrons: AND, OR, NAND, NOR, NOT, and XOR and XNOR as two-layer networks."),
        ("Predict", "Any perceptron or network on any inputs: every net input z, every output, and the error against expected outputs."),
        ("Training jobs", "Train on a gate's truth table or your own data and follow the weights, errors and loss of every epoch."),
        ("Health", "Liveness and readiness probes."),
    ];

    public void Apply(OpenApiDocument swaggerDoc, DocumentFilterContext context)
    {
        swaggerDoc.Tags = new HashSet<OpenApiTag>(Tags.Select(tag => new OpenApiTag { Name = tag.Name, Description = tag.Description }));
        if (swaggerDoc.Components?.Schemas is not { } schemas)
        {
            return;
        }

        foreach (var property in schemas.Values.SelectMany(schema => schema.Properties?.Values ?? []))
        {
            if (property is OpenApiSchema { AllOf: [OpenApiSchemaReference reference], Type: var type } concrete
                && (type is null || type == JsonSchemaType.Null)
                && reference.Reference.Id is { } id
                && schemas.TryGetValue(id, out var target)
                && target.Type is { } targetType)
            {
                // Only the null flag marks a nullable reference; a required one stays non-nullable.
                concrete.Type = type == JsonSchemaType.Null ? targetType | JsonSchemaType.Null : targetType;
            }
            else if (property is OpenApiSchema { OneOf.Count: > 0, Type: JsonSchemaType.Null } alternatives)
            {
                // A number-or-string (a class label) has no one type to put beside the null flag. Such members are
                // left out of an answer when they have no value, so the flag says nothing: drop it.
                alternatives.Type = null;
            }
        }
    }
}

/// <summary>
/// A route that answers one of several shapes with one status (predicting with a job: a binary model's or a classes
/// job's answer) declares each; the document describes that status as one of them, instead of the last declared.
/// </summary>
internal sealed class AlternativeAnswersFilter : IOperationFilter
{
    public void Apply(OpenApiOperation operation, OperationFilterContext context)
    {
        var answers = context.ApiDescription.ActionDescriptor.EndpointMetadata
            .OfType<Microsoft.AspNetCore.Http.Metadata.IProducesResponseTypeMetadata>()
            .Where(answer => answer.Type is { } type && type != typeof(void) && !typeof(Microsoft.AspNetCore.Http.HttpValidationProblemDetails).IsAssignableFrom(type) && !typeof(Microsoft.AspNetCore.Mvc.ProblemDetails).IsAssignableFrom(type))
            .GroupBy(answer => answer.StatusCode);
        foreach (var status in answers)
        {
            var types = status.Select(answer => answer.Type!).Distinct().ToList();
            if (types.Count < 2
                || operation.Responses?.TryGetValue(status.Key.ToString(System.Globalization.CultureInfo.InvariantCulture), out var response) != true
                || response!.Content?.TryGetValue("application/json", out var json) != true)
            {
                continue;
            }

            json!.Schema = new OpenApiSchema { OneOf = [.. types.Select(type => context.SchemaGenerator.GenerateSchema(type, context.SchemaRepository))] };
        }
    }
}

/// <summary>
/// Epoch records are answered as the JSON they were stored as (<see cref="Training.RecordJson"/>); the document
/// describes them as what that JSON is, an <see cref="Core.Training.EpochRecord"/>.
/// </summary>
internal sealed class StoredRecordContractResolver(ISerializerDataContractResolver inner) : ISerializerDataContractResolver
{
    public DataContract GetDataContractForType(Type type) =>
        inner.GetDataContractForType(type == typeof(Training.RecordJson) ? typeof(Core.Training.EpochRecord) : type);
}
