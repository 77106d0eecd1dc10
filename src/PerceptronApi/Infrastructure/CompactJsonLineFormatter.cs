using System.Buffers;
using System.Globalization;
using System.Runtime.CompilerServices;
using Serilog.Events;
using Serilog.Formatting;
using Serilog.Formatting.Compact;
using Serilog.Formatting.Json;
using Serilog.Parsing;

namespace PerceptronApi.Infrastructure;

/// <summary>
/// Writes exactly the line of Serilog's <see cref="CompactJsonFormatter"/> (the same fields, order, escaping and number
/// forms), with less work per event: the timestamp, trace and span ids and numbers are formatted into a stack buffer
/// instead of strings, a template's JSON text and its formatted tokens are found once per template instead of once per
/// event, and a string is escaped character by character only when a vectorised search finds something to escape.
/// Every request writes a line, so the compact formatter's per-event strings were a good part of what a small request
/// costs. Values other than strings, integers, doubles and booleans, and formatted tokens other than a number with a
/// format, are written by Serilog's own code.
/// </summary>
internal sealed class CompactJsonLineFormatter : ITextFormatter
{
    // The characters Serilog's JsonValueFormatter escapes.
    private static readonly SearchValues<char> Escaped = SearchValues.Create(
        "\u0000\u0001\u0002\u0003\u0004\u0005\u0006\u0007\u0008\u0009\u000a\u000b\u000c\u000d\u000e\u000f" +
        "\u0010\u0011\u0012\u0013\u0014\u0015\u0016\u0017\u0018\u0019\u001a\u001b\u001c\u001d\u001e\u001f\\\"");

    // The compact formatter's default value formatter.
    private readonly JsonValueFormatter _values = new(typeTagName: "$type");

    // Most events come from a few templates (one for every request line); the last one's JSON text is kept.
    private TemplateParts? _last;

    public void Format(LogEvent logEvent, TextWriter output)
    {
        ArgumentNullException.ThrowIfNull(logEvent);
        ArgumentNullException.ThrowIfNull(output);

        Span<char> buffer = stackalloc char[64];
        output.Write("{\"@t\":\"");
        output.Write(Formatted(logEvent.Timestamp.UtcDateTime, buffer, "O"));
        output.Write("\",\"@mt\":");
        var template = Parts(logEvent.MessageTemplate);
        output.Write(template.QuotedText);

        if (template.Formatted.Length > 0)
        {
            output.Write(",\"@r\":[");
            for (var i = 0; i < template.Formatted.Length; i++)
            {
                if (i > 0)
                {
                    output.Write(',');
                }

                WriteRendered(template.Formatted[i], logEvent.Properties, output, buffer);
            }

            output.Write(']');
        }

        if (logEvent.Level != LogEventLevel.Information)
        {
            output.Write(",\"@l\":\"");
            output.Write(LevelName(logEvent.Level));
            output.Write('"');
        }

        if (logEvent.Exception is { } exception)
        {
            output.Write(",\"@x\":");
            JsonValueFormatter.WriteQuotedJsonString(exception.ToString(), output);
        }

        if (logEvent.TraceId is { } traceId)
        {
            Span<byte> bytes = stackalloc byte[16];
            traceId.CopyTo(bytes);
            WriteId(",\"@tr\":\"", bytes, output, buffer);
        }

        if (logEvent.SpanId is { } spanId)
        {
            Span<byte> bytes = stackalloc byte[8];
            spanId.CopyTo(bytes);
            WriteId(",\"@sp\":\"", bytes, output, buffer);
        }

        // A LogEvent keeps its properties in a Dictionary: enumerated as one, without a boxed enumerator.
        if (logEvent.Properties is Dictionary<string, LogEventPropertyValue> properties)
        {
            foreach (var (name, value) in properties)
            {
                WriteProperty(name, value, output, buffer);
            }
        }
        else
        {
            foreach (var (name, value) in logEvent.Properties)
            {
                WriteProperty(name, value, output, buffer);
            }
        }

        output.Write('}');
        output.WriteLine();
    }

    private void WriteProperty(string name, LogEventPropertyValue value, TextWriter output, Span<char> buffer)
    {
        output.Write(',');
        if (name.Length > 0 && name[0] == '@')
        {
            // Escaped by doubling, as the compact format does.
            JsonValueFormatter.WriteQuotedJsonString('@' + name, output);
        }
        else
        {
            WriteQuoted(name, output);
        }

        output.Write(':');
        WriteValue(value, output, buffer);
    }

    private TemplateParts Parts(MessageTemplate template)
    {
        if (_last is { } last && ReferenceEquals(last.Template, template))
        {
            return last;
        }

        var quoted = new StringWriter(CultureInfo.InvariantCulture);
        JsonValueFormatter.WriteQuotedJsonString(template.Text, quoted);
        var formatted = new List<PropertyToken>();
        foreach (var token in template.Tokens)
        {
            if (token is PropertyToken { Format: not null } property)
            {
                formatted.Add(property);
            }
        }

        var parts = new TemplateParts(template, quoted.ToString(), [.. formatted]);
        _last = parts;
        return parts;
    }

    /// <summary>A token's rendering as the compact formatter's <c>@r</c> entry: a quoted JSON string.</summary>
    private static void WriteRendered(PropertyToken token, IReadOnlyDictionary<string, LogEventPropertyValue> properties, TextWriter output, Span<char> buffer)
    {
        // A number with a format and no alignment renders as formattable.ToString(format, invariant culture), and the
        // digits of a number need no escaping.
        if (token.Alignment is null
            && properties.TryGetValue(token.PropertyName, out var value)
            && value is ScalarValue { Value: ISpanFormattable number }
            && IsNumber(number)
            && number.TryFormat(buffer, out var written, token.Format, CultureInfo.InvariantCulture))
        {
            output.Write('"');
            output.Write(buffer[..written]);
            output.Write('"');
            return;
        }

        var rendered = new StringWriter(CultureInfo.InvariantCulture);
        token.Render(properties, rendered, CultureInfo.InvariantCulture);
        JsonValueFormatter.WriteQuotedJsonString(rendered.ToString(), output);
    }

    private static bool IsNumber(ISpanFormattable value) =>
        value is double or float or decimal or int or long or uint or ulong or short or ushort or byte or sbyte;

    private void WriteValue(LogEventPropertyValue value, TextWriter output, Span<char> buffer)
    {
        if (value is not ScalarValue scalar)
        {
            _values.Format(value, output);
            return;
        }

        switch (scalar.Value)
        {
            case null:
                output.Write("null");
                break;
            case string text:
                WriteQuoted(text, output);
                break;
            case int integer:
                output.Write(Formatted(integer, buffer, null));
                break;
            case long integer:
                output.Write(Formatted(integer, buffer, null));
                break;
            case bool flag:
                output.Write(flag ? "true" : "false");
                break;
            case double number when double.IsFinite(number):
                output.Write(Formatted(number, buffer, "R"));
                break;
            default:
                _values.Format(value, output);
                break;
        }
    }

    /// <summary>As <see cref="JsonValueFormatter.WriteQuotedJsonString"/>, which is called only when there is something to escape.</summary>
    private static void WriteQuoted(string text, TextWriter output)
    {
        if (text.AsSpan().ContainsAny(Escaped))
        {
            JsonValueFormatter.WriteQuotedJsonString(text, output);
            return;
        }

        output.Write('"');
        output.Write(text);
        output.Write('"');
    }

    private static ReadOnlySpan<char> Formatted<T>(T value, Span<char> buffer, string? format)
        where T : ISpanFormattable =>
        value.TryFormat(buffer, out var written, format, CultureInfo.InvariantCulture)
            ? buffer[..written]
            : value.ToString(format, CultureInfo.InvariantCulture);

    /// <summary>A trace or span id as lower-case hex, as its <c>ToHexString()</c> writes it.</summary>
    private static void WriteId(string field, ReadOnlySpan<byte> bytes, TextWriter output, Span<char> buffer)
    {
        output.Write(field);
        output.Write(Convert.TryToHexStringLower(bytes, buffer, out var written) ? buffer[..written] : Convert.ToHexStringLower(bytes));
        output.Write('"');
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static string LevelName(LogEventLevel level) => level switch
    {
        LogEventLevel.Verbose => nameof(LogEventLevel.Verbose),
        LogEventLevel.Debug => nameof(LogEventLevel.Debug),
        LogEventLevel.Information => nameof(LogEventLevel.Information),
        LogEventLevel.Warning => nameof(LogEventLevel.Warning),
        LogEventLevel.Error => nameof(LogEventLevel.Error),
        LogEventLevel.Fatal => nameof(LogEventLevel.Fatal),
        _ => level.ToString(),
    };

    private sealed record TemplateParts(MessageTemplate Template, string QuotedText, PropertyToken[] Formatted);
}
