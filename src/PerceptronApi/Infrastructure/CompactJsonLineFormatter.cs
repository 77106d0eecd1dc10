using System.Buffers;
using System.Globalization;
using System.Runtime.CompilerServices;
using System.Text;
using Serilog.Events;
using Serilog.Formatting;
using Serilog.Formatting.Compact;
using Serilog.Formatting.Json;
using Serilog.Parsing;

namespace PerceptronApi.Infrastructure;

/// <summary>
/// Writes exactly the line of Serilog's <see cref="CompactJsonFormatter"/> (the same fields, order, escaping and number
/// forms), as the UTF-8 bytes the console receives, with less work per event: the timestamp, trace and span ids and
/// numbers are formatted straight into the output instead of into strings, a template's JSON text and its formatted
/// tokens are found once per template instead of once per event, and a string is escaped character by character only
/// when a vectorised search finds something to escape. Every request writes a line, so the formatter is a good part of
/// what a small request costs: written as bytes (<see cref="Format(LogEvent, ArrayBufferWriter{byte})"/>, what
/// <see cref="BatchedConsoleSink"/> calls), a line needs no text writer and no second pass to encode it. Values other
/// than strings, integers, doubles and booleans, formatted tokens other than a number with a format, and strings that
/// need escaping are written by Serilog's own code.
/// </summary>
internal sealed class CompactJsonLineFormatter : ITextFormatter
{
    // The characters Serilog's JsonValueFormatter escapes.
    private static readonly SearchValues<char> Escaped = SearchValues.Create(
        "\u0000\u0001\u0002\u0003\u0004\u0005\u0006\u0007\u0008\u0009\u000a\u000b\u000c\u000d\u000e\u000f" +
        "\u0010\u0011\u0012\u0013\u0014\u0015\u0016\u0017\u0018\u0019\u001a\u001b\u001c\u001d\u001e\u001f\\\"");

    private static readonly byte[] NewLine = Encoding.UTF8.GetBytes(Environment.NewLine);

    // The compact formatter's default value formatter.
    private readonly JsonValueFormatter _values = new(typeTagName: "$type");

    // Most events come from a few templates (one for every request line); the last one's JSON text is kept.
    private TemplateParts? _last;

    // The text writer path formats into this buffer first (one per thread: formatting is synchronous).
    [ThreadStatic]
    private static ArrayBufferWriter<byte>? t_text;

    /// <summary>
    /// The line as text: formatted as UTF-8 and decoded, so it is the text of the bytes the console gets (a lone
    /// surrogate in a string, which no UTF-8 output can carry, is U+FFFD here as it is there).
    /// </summary>
    public void Format(LogEvent logEvent, TextWriter output)
    {
        ArgumentNullException.ThrowIfNull(output);
        var buffer = t_text ??= new ArrayBufferWriter<byte>(1024);
        buffer.ResetWrittenCount();
        Format(logEvent, buffer);
        var bytes = buffer.WrittenSpan;
        var chars = ArrayPool<char>.Shared.Rent(Encoding.UTF8.GetMaxCharCount(bytes.Length));
        var count = Encoding.UTF8.GetChars(bytes, chars);
        output.Write(chars, 0, count);
        ArrayPool<char>.Shared.Return(chars);
    }

    /// <summary>Appends the event's line, newline included, to <paramref name="output"/> as UTF-8.</summary>
    public void Format(LogEvent logEvent, ArrayBufferWriter<byte> output)
    {
        ArgumentNullException.ThrowIfNull(logEvent);
        ArgumentNullException.ThrowIfNull(output);

        output.Write("{\"@t\":\""u8);
        WriteFormatted(logEvent.Timestamp.UtcDateTime, "O", output);
        output.Write("\",\"@mt\":"u8);
        var template = Parts(logEvent.MessageTemplate);
        output.Write(template.QuotedText);

        if (template.Formatted.Length > 0)
        {
            output.Write(",\"@r\":["u8);
            for (var i = 0; i < template.Formatted.Length; i++)
            {
                if (i > 0)
                {
                    output.Write(","u8);
                }

                WriteRendered(template.Formatted[i], logEvent.Properties, output);
            }

            output.Write("]"u8);
        }

        if (logEvent.Level != LogEventLevel.Information)
        {
            output.Write(",\"@l\":\""u8);
            WriteAscii(LevelName(logEvent.Level), output);
            output.Write("\""u8);
        }

        if (logEvent.Exception is { } exception)
        {
            output.Write(",\"@x\":"u8);
            WriteEscaped(exception.ToString(), output);
        }

        // The ids as the compact formatter writes them: their own lower-case hex strings, with nothing to escape. An id
        // made from an Activity holds that string: copying its bytes out (CopyTo) would parse the hex for nothing.
        if (logEvent.TraceId is { } traceId)
        {
            output.Write(",\"@tr\":\""u8);
            WriteAscii(traceId.ToHexString(), output);
            output.Write("\""u8);
        }

        if (logEvent.SpanId is { } spanId)
        {
            output.Write(",\"@sp\":\""u8);
            WriteAscii(spanId.ToHexString(), output);
            output.Write("\""u8);
        }

        // A LogEvent keeps its properties in a Dictionary: enumerated as one, without a boxed enumerator.
        if (logEvent.Properties is Dictionary<string, LogEventPropertyValue> properties)
        {
            foreach (var (name, value) in properties)
            {
                WriteProperty(name, value, output);
            }
        }
        else
        {
            foreach (var (name, value) in logEvent.Properties)
            {
                WriteProperty(name, value, output);
            }
        }

        output.Write("}"u8);
        output.Write(NewLine);
    }

    private void WriteProperty(string name, LogEventPropertyValue value, ArrayBufferWriter<byte> output)
    {
        output.Write(","u8);
        if (name.Length > 0 && name[0] == '@')
        {
            // Escaped by doubling, as the compact format does.
            WriteEscaped('@' + name, output);
        }
        else
        {
            WriteQuoted(name, output);
        }

        output.Write(":"u8);
        WriteValue(value, output);
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

        var parts = new TemplateParts(template, Encoding.UTF8.GetBytes(quoted.ToString()), [.. formatted]);
        _last = parts;
        return parts;
    }

    /// <summary>A token's rendering as the compact formatter's <c>@r</c> entry: a quoted JSON string.</summary>
    private static void WriteRendered(PropertyToken token, IReadOnlyDictionary<string, LogEventPropertyValue> properties, ArrayBufferWriter<byte> output)
    {
        // A number with a format and no alignment renders as formattable.ToString(format, invariant culture) (the UTF-8
        // formatting of the runtime's numbers is the same code as their text formatting), and digits need no escaping.
        if (token.Alignment is null
            && properties.TryGetValue(token.PropertyName, out var value)
            && value is ScalarValue { Value: IUtf8SpanFormattable number }
            && IsNumber(number))
        {
            var span = output.GetSpan(2 + FormattedBytes);
            if (TryFormatNumber(number, token.Format!, span[1..^1], out var written))
            {
                span[0] = (byte)'"';
                span[written + 1] = (byte)'"';
                output.Advance(written + 2);
                return;
            }
        }

        var rendered = new StringWriter(CultureInfo.InvariantCulture);
        token.Render(properties, rendered, CultureInfo.InvariantCulture);
        WriteEscaped(rendered.ToString(), output);
    }

    private static bool TryFormatNumber(IUtf8SpanFormattable number, string format, Span<byte> destination, out int written) =>
        // The request line's elapsed milliseconds, written from their whole number of ten-thousandths.
        number is double milliseconds && format == TenThousandths.FixedFormat && TenThousandths.TryCount(milliseconds, out var count)
            ? TenThousandths.TryWriteFixed(count, destination, out written)
            : number.TryFormat(destination, out written, format, CultureInfo.InvariantCulture);

    private static bool IsNumber(IUtf8SpanFormattable value) =>
        value is double or float or decimal or int or long or uint or ulong or short or ushort or byte or sbyte;

    private void WriteValue(LogEventPropertyValue value, ArrayBufferWriter<byte> output)
    {
        if (value is not ScalarValue scalar)
        {
            WriteSerilogs(value, output);
            return;
        }

        switch (scalar.Value)
        {
            case null:
                output.Write("null"u8);
                break;
            case string text:
                WriteQuoted(text, output);
                break;
            case int integer:
                WriteFormatted(integer, null, output);
                break;
            case long integer:
                WriteFormatted(integer, null, output);
                break;
            case bool flag:
                output.Write(flag ? "true"u8 : "false"u8);
                break;
            case double number when double.IsFinite(number):
                WriteDouble(number, output);
                break;
            default:
                WriteSerilogs(value, output);
                break;
        }
    }

    /// <summary>A finite double as <c>R</c> writes it; an elapsed time in milliseconds from its whole ten-thousandths.</summary>
    private static void WriteDouble(double number, ArrayBufferWriter<byte> output)
    {
        if (TenThousandths.TryCount(number, out var count) && TenThousandths.TryWriteShortest(count, output.GetSpan(FormattedBytes), out var written))
        {
            output.Advance(written);
            return;
        }

        WriteFormatted(number, "R", output);
    }

    /// <summary>As <see cref="JsonValueFormatter.WriteQuotedJsonString"/>, which is called only when there is something to escape.</summary>
    private static void WriteQuoted(string text, ArrayBufferWriter<byte> output)
    {
        if (text.AsSpan().ContainsAny(Escaped))
        {
            WriteEscaped(text, output);
            return;
        }

        var span = output.GetSpan(Encoding.UTF8.GetMaxByteCount(text.Length) + 2);
        span[0] = (byte)'"';
        var written = Encoding.UTF8.GetBytes(text, span[1..]);
        span[written + 1] = (byte)'"';
        output.Advance(written + 2);
    }

    /// <summary>A string quoted and escaped by Serilog's <see cref="JsonValueFormatter"/>.</summary>
    private static void WriteEscaped(string text, ArrayBufferWriter<byte> output)
    {
        var escaped = new StringWriter(CultureInfo.InvariantCulture);
        JsonValueFormatter.WriteQuotedJsonString(text, escaped);
        WriteText(escaped.ToString(), output);
    }

    /// <summary>A value Serilog's own <see cref="JsonValueFormatter"/> writes (structures, sequences, other scalars).</summary>
    private void WriteSerilogs(LogEventPropertyValue value, ArrayBufferWriter<byte> output)
    {
        var text = new StringWriter(CultureInfo.InvariantCulture);
        _values.Format(value, text);
        WriteText(text.ToString(), output);
    }

    private static void WriteText(string text, ArrayBufferWriter<byte> output)
    {
        var written = Encoding.UTF8.GetBytes(text, output.GetSpan(Encoding.UTF8.GetMaxByteCount(text.Length)));
        output.Advance(written);
    }

    /// <summary>Text known to be ASCII (ids, level names): one byte per character.</summary>
    private static void WriteAscii(string text, ArrayBufferWriter<byte> output)
    {
        var written = Encoding.ASCII.GetBytes(text, output.GetSpan(text.Length));
        output.Advance(written);
    }

    // Enough for any number or timestamp the runtime formats with a standard or short custom format.
    private const int FormattedBytes = 128;

    private static void WriteFormatted<T>(T value, string? format, ArrayBufferWriter<byte> output)
        where T : IUtf8SpanFormattable, IFormattable
    {
        if (value.TryFormat(output.GetSpan(FormattedBytes), out var written, format, CultureInfo.InvariantCulture))
        {
            output.Advance(written);
            return;
        }

        WriteText(value.ToString(format, CultureInfo.InvariantCulture), output);
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

    private sealed record TemplateParts(MessageTemplate Template, byte[] QuotedText, PropertyToken[] Formatted);
}
