using Microsoft.Extensions.Options;

namespace PerceptronApi.Infrastructure;

/// <summary>A setting the service cannot start with (not an options-validation failure, which has its own type).</summary>
internal sealed class InvalidConfigurationException(string message) : Exception(message);

/// <summary>Words for configuration errors, one line each, naming the setting.</summary>
internal static class ConfigurationErrors
{
    public static string Describe(Exception exception) => exception switch
    {
        OptionsValidationException validation => string.Join(Environment.NewLine, validation.Failures.Select(failure => $"  {Section(validation.OptionsType)}: {failure}")),
        // ConfigurationCheck's lines are indented and named already.
        _ => exception.Message,
    };

    private static string Section(Type options) =>
        options.GetField("SectionName")?.GetRawConstantValue() as string ?? options.Name;
}
