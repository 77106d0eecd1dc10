using System.Diagnostics;
using Microsoft.AspNetCore.Http.Features;
using Serilog.Events;
using Serilog.Parsing;

namespace PerceptronApi.Infrastructure;

/// <summary>
/// One Serilog event per request, when it ends: method, path, status and elapsed milliseconds, with the request's trace
/// and span ids (the same line, message template and source context as Serilog.AspNetCore's request logging). Written
/// here because that middleware spends more on a request than a prediction does: it opens a diagnostic collection (an
/// async-local change) for every request, and without a logger of its own it makes a contextual logger for every line.
/// Here the template is parsed once, the source-context logger made once, and a request allocates its event alone.
/// </summary>
internal sealed class RequestLogging(RequestDelegate next, Serilog.ILogger logger)
{
    /// <summary>The source context the lines have always had, so log queries keep working.</summary>
    public const string SourceContext = "Serilog.AspNetCore.RequestLoggingMiddleware";

    private static readonly MessageTemplate Template =
        new MessageTemplateParser().Parse("HTTP {RequestMethod} {RequestPath} responded {StatusCode} in {Elapsed:0.0000} ms");

    private readonly Serilog.ILogger _logger = logger.ForContext(Serilog.Core.Constants.SourceContextPropertyName, SourceContext);

    public async Task InvokeAsync(HttpContext context)
    {
        var start = Stopwatch.GetTimestamp();
        try
        {
            await next(context);
        }
        catch (Exception exception) when (Log(context, StatusCodes.Status500InternalServerError, start, exception))
        {
            // Never reached: the filter logs and returns false, so the exception goes on up unchanged.
        }

        Log(context, context.Response.StatusCode, start, null);
    }

    private bool Log(HttpContext context, int statusCode, long start, Exception? exception)
    {
        var elapsed = Stopwatch.GetElapsedTime(start).TotalMilliseconds;
        var level = RequestLogLevel.For(context, elapsed, exception);
        if (!_logger.IsEnabled(level))
        {
            return false;
        }

        // The server's own decoded path string (no new string per request); the query is left out, as before.
        var path = context.Features.Get<IHttpRequestFeature>()?.Path is { Length: > 0 } raw ? raw : context.Request.Path.ToString();
        var activity = Activity.Current;
        _logger.Write(new LogEvent(
            DateTimeOffset.Now,
            level,
            exception,
            Template,
            [
                new LogEventProperty("RequestMethod", new ScalarValue(context.Request.Method)),
                new LogEventProperty("RequestPath", new ScalarValue(path)),
                new LogEventProperty("StatusCode", new ScalarValue(statusCode)),
                new LogEventProperty("Elapsed", new ScalarValue(elapsed)),
            ],
            activity?.TraceId ?? default,
            activity?.SpanId ?? default));
        return false;
    }
}

/// <summary>Adds <see cref="RequestLogging"/>.</summary>
internal static class RequestLoggingSetup
{
    public static IApplicationBuilder UseRequestLogging(this IApplicationBuilder app) =>
        app.UseMiddleware<RequestLogging>(app.ApplicationServices.GetRequiredService<Serilog.ILogger>());
}
