using System.Text.Json;
using System.Text.Json.Serialization;

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
    }
}
