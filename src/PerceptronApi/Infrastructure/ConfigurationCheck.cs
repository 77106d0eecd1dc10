using System.ComponentModel;
using System.ComponentModel.DataAnnotations;
using System.Globalization;
using System.Reflection;
using System.Text.RegularExpressions;
using Microsoft.Extensions.Options;

namespace PerceptronApi.Infrastructure;

/// <summary>
/// Checks every setting of the service's own sections at start and reports all bad ones together, one line each
/// (the setting, its value, what it must be). The framework stops at the first setting it cannot convert, with a stack
/// trace, and at the first section that fails validation; an operator fixing a deployment wants the whole list at once.
/// </summary>
internal static partial class ConfigurationCheck
{
    /// <summary>
    /// Finds the settings that cannot be converted to their type (<c>Training:Workers=abc</c>) and sets them aside, so
    /// the host can still be built and every other section validated; the list is reported by <see cref="ThrowIfInvalid"/>.
    /// </summary>
    public static IReadOnlyList<string> SetAsideUnreadableSettings(ConfigurationManager configuration)
    {
        var problems = new List<string>();
        var setAside = new Dictionary<string, string?>(StringComparer.OrdinalIgnoreCase);
        foreach (var (section, types) in Sections())
        {
            foreach (var setting in configuration.GetSection(section).GetChildren())
            {
                if (setting.Value is not { } value || Property(types, setting.Key) is not { } property)
                {
                    continue;
                }

                var type = Nullable.GetUnderlyingType(property.PropertyType) ?? property.PropertyType;
                if (type == typeof(string) || Converts(type, value))
                {
                    continue;
                }

                problems.Add(Line(setting.Path, value, Expected(type, property)));
                // The default, in the last source, hides the unreadable value while the other settings are checked.
                setAside[setting.Path] = Convert.ToString(property.GetValue(Activator.CreateInstance(property.DeclaringType!)), CultureInfo.InvariantCulture);
            }
        }

        if (setAside.Count > 0)
        {
            configuration.AddInMemoryCollection(setAside);
        }

        return problems;
    }

    /// <summary>
    /// Validates every section as the running service would read it and throws <see cref="InvalidConfigurationException"/>
    /// listing the unreadable settings and every validation failure, when there is any.
    /// </summary>
    public static void ThrowIfInvalid(IServiceCollection registrations, IConfiguration configuration, IReadOnlyList<string> unreadable)
    {
        // A provider of its own, for the options alone: building the host already creates the server, which reads them.
        using var services = registrations.BuildServiceProvider();
        var problems = new List<string>(unreadable);
        foreach (var (section, types) in Sections())
        {
            foreach (var type in types)
            {
                var options = typeof(IOptions<>).MakeGenericType(type);
                try
                {
                    _ = options.GetProperty(nameof(IOptions<object>.Value))!.GetValue(services.GetRequiredService(options));
                }
                catch (TargetInvocationException invocation) when (invocation.InnerException is OptionsValidationException)
                {
                    problems.AddRange(((OptionsValidationException)invocation.InnerException).Failures.Select(failure => Describe(section, failure, configuration)));
                }
            }
        }

        if (problems.Count > 0)
        {
            throw new InvalidConfigurationException(string.Join(Environment.NewLine, problems.Distinct(StringComparer.Ordinal)));
        }
    }

    /// <summary>One line for a validation failure: the data-annotation wording is turned into "setting = value: rule".</summary>
    public static string Describe(string section, string failure, IConfiguration configuration)
    {
        var match = DataAnnotationFailure().Match(failure);
        var error = match.Success ? match.Groups["error"].Value : failure;
        if (match.Success && match.Groups["member"].Value is { Length: > 0 } member
            && error.StartsWith($"The field {member} ", StringComparison.Ordinal)
            && configuration[$"{section}:{member}"] is { } value)
        {
            return Line($"{section}:{member}", value, error[$"The field {member} ".Length..]);
        }

        // Messages written for this service name their setting already; the others get their section.
        return error.StartsWith($"{section}:", StringComparison.OrdinalIgnoreCase) ? $"  {error}" : $"  {section}: {error}";
    }

    private static string Line(string path, string value, string expected) =>
        $"  {path} = \"{Echo.Bounded(value)}\": {expected}";

    /// <summary>The service's option types by configuration section: every type in this assembly with a <c>SectionName</c>.</summary>
    private static IEnumerable<(string Section, Type[] Types)> Sections() =>
        typeof(ConfigurationCheck).Assembly.GetTypes()
            .Select(type => (Type: type, Section: type.GetField("SectionName", BindingFlags.Public | BindingFlags.Static)?.GetRawConstantValue() as string))
            .Where(entry => entry.Section is not null && entry.Type.IsClass && !entry.Type.IsAbstract)
            .GroupBy(entry => entry.Section!, StringComparer.OrdinalIgnoreCase)
            .Select(group => (group.Key, group.Select(entry => entry.Type).ToArray()));

    private static PropertyInfo? Property(Type[] types, string key) => types
        .Select(type => type.GetProperty(key, BindingFlags.Public | BindingFlags.Instance | BindingFlags.IgnoreCase))
        .FirstOrDefault(property => property is { CanWrite: true });

    private static bool Converts(Type type, string value)
    {
        var converter = TypeDescriptor.GetConverter(type);
        if (!converter.CanConvertFrom(typeof(string)))
        {
            // Lists and objects are bound from child keys, not from one value.
            return true;
        }

        try
        {
            // As the configuration binder converts.
            _ = converter.ConvertFromString(null, CultureInfo.InvariantCulture, value);
            return true;
        }
        catch (Exception exception) when (exception is FormatException or ArgumentException or OverflowException or NotSupportedException)
        {
            return false;
        }
    }

    private static string Expected(Type type, PropertyInfo property)
    {
        var range = property.GetCustomAttribute<RangeAttribute>();
        string Between(string what) => range is null ? $"must be {what}." : $"must be {what} from {range.Minimum} to {range.Maximum}.";
        return type switch
        {
            _ when type == typeof(int) || type == typeof(long) => Between("a whole number"),
            _ when type == typeof(double) => Between("a number"),
            _ when type == typeof(bool) => "must be true or false.",
            _ when type == typeof(TimeSpan) => "must be a duration as [d.]hh:mm:ss, such as 00:00:30 or 1.00:00:00.",
            { IsEnum: true } => $"must be one of {string.Join(", ", Enum.GetNames(type))}.",
            _ => $"must be a {type.Name}.",
        };
    }

    [GeneratedRegex(@"^DataAnnotation validation failed for '[^']*' members: '(?<member>[^',]*)' with the error: '(?<error>.*)'\.$", RegexOptions.Singleline)]
    private static partial Regex DataAnnotationFailure();
}
