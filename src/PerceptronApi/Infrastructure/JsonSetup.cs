using System.Text.Json;
using System.Text.Json.Serialization;
using System.Text.Json.Serialization.Metadata;

namespace PerceptronApi.Infrastructure;

/// <summary>The JSON conventions of the contract: camelCase, lower-case enum strings, numbers only as JSON numbers.</summary>
internal static class JsonSetup
{
    public static IServiceCollection AddContractJson(this IServiceCollection services) =>
        services.ConfigureHttpJsonOptions(options => Apply(options.SerializerOptions));

    /// <summary>Applies the contract's settings to <paramref name="options"/> (also used by tests and the OpenAPI generator).</summary>
    public static void Apply(JsonSerializerOptions options)
    {
        options.PropertyNamingPolicy = JsonNamingPolicy.CamelCase;

        // The contract's names are camelCase and only camelCase: "BIAS" or "Weights" is not a field (the web defaults
        // would match them case-insensitively), so one request has one spelling everywhere it is read or logged.
        options.PropertyNameCaseInsensitive = false;

        // The web defaults accept "0.5" for a number; the contract says a number must be a JSON number.
        options.NumberHandling = JsonNumberHandling.Strict;

        // "stopReason": "maxEpochsReached", "algorithm": "perceptron"; integers are not enum values.
        options.Converters.Add(new FiniteDoubleConverter());
        options.Converters.Add(new Training.ClassLabelConverter());
        options.Converters.Add(new JsonStringEnumConverter(JsonNamingPolicy.CamelCase, allowIntegerValues: false));

        // A misspelt field ("learning_rate") would otherwise be ignored silently and the default used.
        options.UnmappedMemberHandling = JsonUnmappedMemberHandling.Disallow;
        options.AllowDuplicateProperties = false;
        options.RespectNullableAnnotations = true;
        options.MaxDepth = 16;

        // Generated metadata first; reflection for the rest.
        options.TypeInfoResolver = JsonTypeInfoResolver.Combine(ContractJsonContext.Default, options.TypeInfoResolver ?? new DefaultJsonTypeInfoResolver());
    }
}
