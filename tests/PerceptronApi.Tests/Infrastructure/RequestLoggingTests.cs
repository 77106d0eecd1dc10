using System.Diagnostics;
using Microsoft.AspNetCore.Http;
using PerceptronApi.Infrastructure;
using Serilog;
using Serilog.Events;

namespace PerceptronApi.Tests.Infrastructure;

/// <summary>One event per request, whichever way the rest of the pipeline ends.</summary>
public class RequestLoggingTests
{
    [Fact]
    public async Task APipelineThatFinishesLater_IsLoggedWithTheStatusItEndedWith()
    {
        var (middleware, events) = Middleware(async context =>
        {
            await Task.Yield();
            context.Response.StatusCode = StatusCodes.Status201Created;
        });
        var context = Request("PUT", "/api/v1/training-jobs");

        var running = middleware.InvokeAsync(context);
        await running;

        var logEvent = Assert.Single(events);
        Assert.Equal(LogEventLevel.Information, logEvent.Level);
        Assert.Equal(new[] { "RequestMethod", "RequestPath", "StatusCode", "Elapsed", "SourceContext" }, logEvent.Properties.Keys);
        Assert.Equal("PUT", Scalar(logEvent, "RequestMethod"));
        Assert.Equal("/api/v1/training-jobs", Scalar(logEvent, "RequestPath"));
        Assert.Equal(201, Scalar(logEvent, "StatusCode"));
        Assert.Equal(RequestLogging.SourceContext, Scalar(logEvent, "SourceContext"));
        Assert.IsType<double>(Scalar(logEvent, "Elapsed"));
    }

    [Fact]
    public async Task APipelineThatFinishesAtOnce_IsLoggedBeforeItReturns()
    {
        var (middleware, events) = Middleware(context =>
        {
            context.Response.StatusCode = StatusCodes.Status404NotFound;
            return Task.CompletedTask;
        });

        var task = middleware.InvokeAsync(Request("GET", "/nothing"));

        Assert.True(task.IsCompletedSuccessfully);
        var logEvent = Assert.Single(events);
        Assert.Equal(404, Scalar(logEvent, "StatusCode"));
        Assert.Equal("GET", Scalar(logEvent, "RequestMethod"));
        await task;
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public async Task AnExceptionThatGetsThrough_IsLoggedAsAnErrorWith500_AndGoesOnUp(bool later)
    {
        var broken = new InvalidOperationException("broken");
        var (middleware, events) = Middleware(async _ =>
        {
            if (later)
            {
                await Task.Yield();
            }

            throw broken;
        });

        var thrown = await Assert.ThrowsAsync<InvalidOperationException>(() => middleware.InvokeAsync(Request("POST", "/api/v1/predict")));

        Assert.Same(broken, thrown);
        var logEvent = Assert.Single(events);
        Assert.Equal(LogEventLevel.Error, logEvent.Level);
        Assert.Same(broken, logEvent.Exception);
        Assert.Equal(500, Scalar(logEvent, "StatusCode"));
    }

    [Fact]
    public async Task AnExceptionThrownBeforeATaskExists_IsLoggedAndGoesOnUp()
    {
        var events = new List<LogEvent>();
        var middleware = new RequestLogging(_ => throw new ArgumentException("at once"), Logger(events));

        await Assert.ThrowsAsync<ArgumentException>(() => middleware.InvokeAsync(Request("POST", "/api/v1/predict")));

        Assert.Equal(LogEventLevel.Error, Assert.Single(events).Level);
    }

    [Fact]
    public async Task TheRequestLinesOwnLevelSetting_IsHonoured()
    {
        var events = new List<LogEvent>();
        var logger = new LoggerConfiguration()
            .MinimumLevel.Information()
            .MinimumLevel.Override(RequestLogging.SourceContext, LogEventLevel.Warning)
            .WriteTo.Sink(new LogEventCapture(events.Add))
            .CreateLogger();
        var middleware = new RequestLogging(_ => Task.CompletedTask, logger);

        await middleware.InvokeAsync(Request("GET", "/api/v1/gates"));

        Assert.Empty(events);
    }

    [Fact]
    public async Task TheLine_CarriesTheRequestsTraceAndSpan()
    {
        var (middleware, events) = Middleware(_ => Task.CompletedTask);
        using var activity = new Activity("request").Start();

        await middleware.InvokeAsync(Request("GET", "/api/v1/gates"));

        var logEvent = Assert.Single(events);
        Assert.Equal(activity.TraceId, logEvent.TraceId);
        Assert.Equal(activity.SpanId, logEvent.SpanId);
    }

    private static (RequestLogging Middleware, List<LogEvent> Events) Middleware(RequestDelegate next)
    {
        var events = new List<LogEvent>();
        return (new RequestLogging(next, Logger(events)), events);
    }

    private static Serilog.ILogger Logger(List<LogEvent> events) =>
        new LoggerConfiguration().MinimumLevel.Verbose().WriteTo.Sink(new LogEventCapture(events.Add)).CreateLogger();

    private static DefaultHttpContext Request(string method, string path)
    {
        var context = new DefaultHttpContext();
        context.Request.Method = method;
        context.Request.Path = path;
        return context;
    }

    private static object? Scalar(LogEvent logEvent, string name) => Assert.IsType<ScalarValue>(logEvent.Properties[name]).Value;
}
