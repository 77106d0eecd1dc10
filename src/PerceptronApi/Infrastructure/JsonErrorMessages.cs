using System.Text.Json;
using System.Text.RegularExpressions;

namespace PerceptronApi.Infrastructure;

/// <summary>
/// Turns System.Text.Json's exceptions into messages that speak JSON: the field's path and what was expected
/// (<c>"inputs[0][1]": "must be a number"</c>), never a .NET type name.
/// </summary>
internal static partial class JsonErrorMessages
{
    /// <summary>The field path (<c>inputs[0][1]</c>, or <c>$</c> for the whole body) and the message.</summary>
    public static (string Field, string Message) Describe(JsonException exception)
    {
        var path = exception.Path is null or "$" ? "$" : exception.Path.StartsWith("$.", StringComparison.Ordinal) ? exception.Path[2..] : exception.Path.TrimStart('$');
        var message = exception.Message;

        if (UnmappedMember().Match(message) is { Success: true } unmapped)
        {
            var field = path == "$" ? unmapped.Groups["name"].Value : path;
            return (field, "is not a field of this request. Check the spelling against the documentation at /swagger.");
        }

        if (DuplicateProperty().Match(message) is { Success: true } duplicate)
        {
            return (path == "$" ? duplicate.Groups["name"].Value : path, "appears more than once.");
        }

        if (message.Contains("doesn't allow", StringComparison.Ordinal) && message.Contains("null", StringComparison.Ordinal))
        {
            return (NullPath(message, path), "must not be null.");
        }

        if (MissingRequired().Match(message) is { Success: true } missing)
        {
            var name = missing.Groups["name"].Value;
            return (path == "$" ? name : $"{path}.{name}", "is required.");
        }

        if (message.StartsWith(FiniteDoubleConverter.OutOfRange, StringComparison.Ordinal))
        {
            return (path, "must be a finite number (at most ±1.7976931348623157E+308).");
        }

        if (message.StartsWith(Training.ClassLabelConverter.NotALabel, StringComparison.Ordinal))
        {
            return (path, "must be a number or a string (a class label).");
        }

        if (message.Contains("maximum configured depth", StringComparison.Ordinal))
        {
            return (path, "nests too deeply.");
        }

        if (ConversionTarget().Match(message) is { Success: true } conversion)
        {
            return (path, Expected(conversion.Groups["type"].Value));
        }

        // Anything else is malformed JSON: say where, as the parser saw it.
        var position = Position().Match(message);
        var where = position.Success
            ? $"line {int.Parse(position.Groups["line"].Value) + 1}, byte {int.Parse(position.Groups["byte"].Value) + 1}"
            : null;

        // A body cut off (a truncated upload, a half-written file) is no fault of the field the parser was in: the
        // whole body is incomplete.
        if (message.Contains("reached end of data", StringComparison.Ordinal) || message.StartsWith("Expected depth to be zero at the end", StringComparison.Ordinal))
        {
            var inside = path == "$" ? "" : $", inside \"{path}\"";
            return ("$", $"ends before its JSON is complete ({where ?? "at its end"}{inside}): an array, object or string is left open.");
        }

        return (path, where is null ? "is not valid JSON." : $"is not valid JSON ({where}).");
    }

    private static string Expected(string dotnetType)
    {
        var type = NullableWrapper().Replace(dotnetType, "$1");
        return type switch
        {
            "System.Double" or "System.Single" or "System.Decimal" => "must be a number.",
            "System.Int32" or "System.Int64" => "must be an integer.",
            "System.Boolean" => "must be true or false.",
            "System.String" => "must be a string.",
            "System.TimeSpan" => "must be a duration such as \"00:00:30\".",
            _ when type.Contains("List", StringComparison.Ordinal) || type.EndsWith("[]", StringComparison.Ordinal) || type.Contains("Enumerable", StringComparison.Ordinal) => "must be an array.",
            _ when EnumValues(type) is { } values => $"must be one of {values}.",
            _ => "must be an object.",
        };
    }

    private static string? EnumValues(string typeName)
    {
        var type = typeof(Core.Model.Activation).Assembly.GetType(typeName);
        return type is { IsEnum: true }
            ? string.Join(", ", Enum.GetNames(type).Select(name => $"\"{JsonNamingPolicy.CamelCase.ConvertName(name)}\""))
            : null;
    }

    private static string NullPath(string message, string path)
    {
        var property = QuotedName().Match(message);
        if (!property.Success)
        {
            return path;
        }

        var name = JsonNamingPolicy.CamelCase.ConvertName(property.Groups["name"].Value);
        return path == "$" || !path.EndsWith(name, StringComparison.Ordinal) ? (path == "$" ? name : $"{path}.{name}") : path;
    }

    [GeneratedRegex(@"The JSON property '(?<name>[^']*)' could not be mapped")]
    private static partial Regex UnmappedMember();

    [GeneratedRegex(@"missing required properties including: '(?<name>[^']+)'")]
    private static partial Regex MissingRequired();

    [GeneratedRegex(@"[Dd]uplicate .*?'(?<name>[^']*)'")]
    private static partial Regex DuplicateProperty();

    [GeneratedRegex(@"could not be converted to (?<type>[^ ]+?)\.? Path")]
    private static partial Regex ConversionTarget();

    [GeneratedRegex(@"^System\.Nullable`1\[(.+)\]$")]
    private static partial Regex NullableWrapper();

    [GeneratedRegex(@"LineNumber: (?<line>\d+) \| BytePositionInLine: (?<byte>\d+)")]
    private static partial Regex Position();

    [GeneratedRegex(@"'(?<name>[^']+)'")]
    private static partial Regex QuotedName();
}
