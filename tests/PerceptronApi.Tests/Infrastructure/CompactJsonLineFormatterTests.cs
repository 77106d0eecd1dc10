using System.Buffers;
using System.Diagnostics;
using System.Globalization;
using System.Text;
using CsCheck;
using Microsoft.AspNetCore.Http;
using PerceptronApi.Infrastructure;
using Serilog;
using Serilog.Events;
using Serilog.Formatting.Compact;
using Serilog.Parsing;

namespace PerceptronApi.Tests.Infrastructure;

/// <summary>The service's JSON log lines are byte for byte those of Serilog's CompactJsonFormatter.</summary>
public class CompactJsonLineFormatterTests
{
    private static readonly MessageTemplateParser Parser = new();

    [Fact]
    public async Task RequestLine_IsTheCompactFormattersLine()
    {
        var events = new List<LogEvent>();
        var logger = new LoggerConfiguration().MinimumLevel.Verbose().WriteTo.Sink(new LogEventCapture(events.Add)).CreateLogger();
        var middleware = new RequestLogging(_ => Task.CompletedTask, logger);
        using var activity = new Activity("request").Start();
        var context = new DefaultHttpContext();
        context.Request.Method = "POST";
        context.Request.Path = "/api/v1/predict";

        await middleware.InvokeAsync(context);

        var line = Assert.Single(events);
        var formatted = Both(line);
        AssertSame(formatted);
        // The fields of the request line, so the comparison is over a line that has them all.
        Assert.StartsWith("{\"@t\":\"", formatted.Actual, StringComparison.Ordinal);
        Assert.Contains("\"@mt\":\"HTTP {RequestMethod} {RequestPath} responded {StatusCode} in {Elapsed:0.0000} ms\",\"@r\":[\"", formatted.Actual, StringComparison.Ordinal);
        Assert.Contains($"\"@tr\":\"{activity.TraceId.ToHexString()}\",\"@sp\":\"{activity.SpanId.ToHexString()}\"", formatted.Actual, StringComparison.Ordinal);
        Assert.Contains("\"RequestMethod\":\"POST\",\"RequestPath\":\"/api/v1/predict\",\"StatusCode\":200,\"Elapsed\":", formatted.Actual, StringComparison.Ordinal);
        Assert.EndsWith($"\"SourceContext\":\"{RequestLogging.SourceContext}\"}}{Environment.NewLine}", formatted.Actual, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(LogEventLevel.Verbose)]
    [InlineData(LogEventLevel.Debug)]
    [InlineData(LogEventLevel.Information)]
    [InlineData(LogEventLevel.Warning)]
    [InlineData(LogEventLevel.Error)]
    [InlineData(LogEventLevel.Fatal)]
    public void Levels_ExceptionsAndIds_AreWrittenAsByTheCompactFormatter(LogEventLevel level)
    {
        var exception = Record.Exception(Throw);
        var logEvent = new LogEvent(
            DateTimeOffset.Parse("2026-12-02T23:59:59.1234567+02:00", CultureInfo.InvariantCulture),
            level,
            level >= LogEventLevel.Error ? exception : null,
            Parser.Parse("HTTP {RequestMethod} {RequestPath} responded {StatusCode} in {Elapsed:0.0000} ms"),
            [
                new LogEventProperty("RequestMethod", new ScalarValue("GET")),
                new LogEventProperty("RequestPath", new ScalarValue("/api/v1/training-jobs/\"odd\"\\path")),
                new LogEventProperty("StatusCode", new ScalarValue(503)),
                new LogEventProperty("Elapsed", new ScalarValue(12345.678901)),
            ],
            ActivityTraceId.CreateRandom(),
            ActivitySpanId.CreateRandom());

        AssertSame(Both(logEvent));
    }

    [Fact]
    public void EveryKindOfValue_IsWrittenAsByTheCompactFormatter()
    {
        var logEvent = new LogEvent(
            DateTimeOffset.UnixEpoch,
            LogEventLevel.Information,
            null,
            Parser.Parse("{Text:l} {Number,8:0.00} {Missing:0.0} {Big:N0} {Flag:x} {When:yyyy} {Whole}"),
            [
                new LogEventProperty("Text", new ScalarValue("café\u0001\u001f\u2028")),
                new LogEventProperty("Number", new ScalarValue(1.5)),
                new LogEventProperty("Big", new ScalarValue(1234567L)),
                new LogEventProperty("Flag", new ScalarValue(true)),
                new LogEventProperty("When", new ScalarValue(new DateTime(2026, 12, 2, 0, 0, 0, DateTimeKind.Utc))),
                new LogEventProperty("Whole", new ScalarValue(42)),
                new LogEventProperty("@Odd", new ScalarValue("at sign")),
                new LogEventProperty("Nothing", new ScalarValue(null)),
                new LogEventProperty("NotANumber", new ScalarValue(double.NaN)),
                new LogEventProperty("Infinite", new ScalarValue(double.NegativeInfinity)),
                new LogEventProperty("NegativeZero", new ScalarValue(-0.0)),
                new LogEventProperty("Single", new ScalarValue(0.1f)),
                new LogEventProperty("Money", new ScalarValue(12.50m)),
                new LogEventProperty("Unsigned", new ScalarValue(7u)),
                new LogEventProperty("Character", new ScalarValue('"')),
                new LogEventProperty("Span", new ScalarValue(TimeSpan.FromMilliseconds(1.5))),
                new LogEventProperty("Guid", new ScalarValue(Guid.Empty)),
                new LogEventProperty("List", new SequenceValue([new ScalarValue(1), new ScalarValue("two")])),
                new LogEventProperty("Shape", new StructureValue([new LogEventProperty("Width", new ScalarValue(3))], "Box")),
                new LogEventProperty("Map", new DictionaryValue([new(new ScalarValue("k"), new ScalarValue(1.25))])),
            ]);

        AssertSame(Both(logEvent));
    }

    [Fact]
    public void TemplatesThatChange_AreEachWrittenWithTheirOwnText()
    {
        // The last template's JSON text is kept: events of other templates in between must not reuse it.
        var first = Parser.Parse("First {A:0.0}");
        var second = Parser.Parse("Second \"{B}\"");
        var formatter = new CompactJsonLineFormatter();
        foreach (var template in new[] { first, second, first, second })
        {
            var logEvent = new LogEvent(DateTimeOffset.UnixEpoch, LogEventLevel.Warning, null, template,
                [new LogEventProperty("A", new ScalarValue(2.25)), new LogEventProperty("B", new ScalarValue("b"))]);
            AssertSame(Both(logEvent, formatter));
        }
    }

    [Fact]
    public void AnyStringsAndNumbers_AreWrittenAsByTheCompactFormatter()
    {
        var formatter = new CompactJsonLineFormatter();
        var template = Parser.Parse("{Name} took {Elapsed:0.0000} ms, {Count} rows");
        // Any double, and (as a request's elapsed time is) any whole number of ten-thousandths.
        var elapsedTimes = Gen.OneOf(Gen.Double, Gen.Long[0, 99_999_999_999_999].Select(tenThousandths => tenThousandths / 10_000.0));
        Gen.Select(Gen.String, Gen.String, elapsedTimes, Gen.Long, Gen.Int).Sample((name, path, elapsed, count, status) =>
        {
            var logEvent = new LogEvent(
                DateTimeOffset.FromUnixTimeMilliseconds(Math.Abs(count % 4_000_000_000_000L)),
                LogEventLevel.Information,
                null,
                template,
                [
                    new LogEventProperty("Name", new ScalarValue(path)),
                    new LogEventProperty("Elapsed", new ScalarValue(elapsed)),
                    new LogEventProperty("Count", new ScalarValue(count)),
                    new LogEventProperty(string.IsNullOrEmpty(name) ? "Empty" : name, new ScalarValue(status)),
                ]);
            var (expected, actual, bytes) = Both(logEvent, formatter);
            return expected == actual && Encoding.UTF8.GetBytes(expected).AsSpan().SequenceEqual(bytes);
        });
    }

    // Thrown, so the exception has a stack trace to write.
    private static void Throw() => throw new InvalidOperationException("Broken \"quote\"\n\ttab");

    /// <summary>
    /// Serilog's line, as the UTF-8 console receives it, and this formatter's, as text and as the bytes it writes. (Text
    /// through UTF-8 and back: a lone surrogate in a random string reaches any UTF-8 output as U+FFFD, from both.)
    /// </summary>
    private static (string Expected, string Actual, byte[] Bytes) Both(LogEvent logEvent, CompactJsonLineFormatter? formatter = null)
    {
        formatter ??= new CompactJsonLineFormatter();
        var expected = new StringWriter(CultureInfo.InvariantCulture);
        new CompactJsonFormatter().Format(logEvent, expected);
        var actual = new StringWriter(CultureInfo.InvariantCulture);
        formatter.Format(logEvent, actual);
        var bytes = new ArrayBufferWriter<byte>();
        bytes.Write("before "u8);
        formatter.Format(logEvent, bytes);

        // Appended after what the buffer already holds.
        Assert.True(bytes.WrittenSpan.StartsWith("before "u8));
        return (Encoding.UTF8.GetString(Encoding.UTF8.GetBytes(expected.ToString())), actual.ToString(), bytes.WrittenSpan[7..].ToArray());
    }

    private static void AssertSame((string Expected, string Actual, byte[] Bytes) formatted)
    {
        Assert.Equal(formatted.Expected, formatted.Actual);
        Assert.Equal(Encoding.UTF8.GetBytes(formatted.Expected), formatted.Bytes);
    }
}
