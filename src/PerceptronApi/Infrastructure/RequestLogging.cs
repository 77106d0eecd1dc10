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
/// Here the template is parsed once, the source-context logger made once, the common values made once, and a request
/// allocates its event, with a property dictionary that has room for all it gets, and no state machine unless it has to.
/// </summary>
internal sealed class RequestLogging(RequestDelegate next, Serilog.ILogger logger)
{
    /// <summary>The source context the lines have always had, so log queries keep working.</summary>
    public const string SourceContext = "Serilog.AspNetCore.RequestLoggingMiddleware";

    private static readonly MessageTemplate Template =
        new MessageTemplateParser().Parse("HTTP {RequestMethod} {RequestPath} responded {StatusCode} in {Elapsed:0.0000} ms");

    // Values most lines share, made once: the two methods of nearly every request (Kestrel names the methods with the
    // framework's own strings), and the statuses.
    private static readonly ScalarValue Get = new(HttpMethods.Get);
    private static readonly ScalarValue Post = new(HttpMethods.Post);
    private static readonly ScalarValue[] Statuses = [.. Enumerable.Range(0, 600).Select(status => new ScalarValue(status))];

    private readonly Serilog.ILogger _logger = logger.ForContext(Serilog.Core.Constants.SourceContextPropertyName, SourceContext);

    // Not async itself: a request whose pipeline finished synchronously is logged without a state machine of its own.
    public Task InvokeAsync(HttpContext context)
    {
        var start = Stopwatch.GetTimestamp();
        Task task;
        try
        {
            task = next(context);
        }
        catch (Exception exception) when (Log(context, StatusCodes.Status500InternalServerError, start, exception))
        {
            // Never reached: the filter logs and returns false, so the exception goes on up unchanged.
            throw;
        }

        if (!task.IsCompletedSuccessfully)
        {
            return LogWhenDone(task, context, start);
        }

        Log(context, context.Response.StatusCode, start, null);
        return Task.CompletedTask;
    }

    private async Task LogWhenDone(Task task, HttpContext context, long start)
    {
        try
        {
            await task;
        }
        catch (Exception exception) when (Log(context, StatusCodes.Status500InternalServerError, start, exception))
        {
            // Never reached, as above.
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
        var method = context.Request.Method;
        // Room for these four, the source context and the host's request and connection ids: with the default enrichers
        // it never grows (one that configuration adds makes it grow once, as any event's would).
        var properties = new Dictionary<string, LogEventPropertyValue>(PropertyCapacity)
        {
            ["RequestMethod"] = ReferenceEquals(method, HttpMethods.Post) ? Post : ReferenceEquals(method, HttpMethods.Get) ? Get : new ScalarValue(method),
            ["RequestPath"] = new ScalarValue(path),
            ["StatusCode"] = (uint)statusCode < Statuses.Length ? Statuses[statusCode] : new ScalarValue(statusCode),
            ["Elapsed"] = new ScalarValue(elapsed),
        };
        var activity = Activity.Current;
        _logger.Write(LogEvent.UnstableAssembleFromParts(
            DateTimeOffset.Now,
            level,
            exception,
            Template,
            properties,
            activity?.TraceId ?? default,
            activity?.SpanId ?? default));
        return false;
    }

    // Exactly those seven: a dictionary sizes its tables to a prime at least this large, and 7 is one (8 would take 11).
    private const int PropertyCapacity = 7;
}

/// <summary>Adds <see cref="RequestLogging"/>.</summary>
internal static class RequestLoggingSetup
{
    public static IApplicationBuilder UseRequestLogging(this IApplicationBuilder app) =>
        app.UseMiddleware<RequestLogging>(app.ApplicationServices.GetRequiredService<Serilog.ILogger>());
}
