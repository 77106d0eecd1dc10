using System.Collections.Concurrent;
using System.Net;
using System.Text;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.DependencyInjection;
using PerceptronApi.Infrastructure;
using Serilog.Core;
using Serilog.Events;

namespace PerceptronApi.Tests.Infrastructure;

/// <summary>
/// The request line as the real server logs it: besides its own fields, the caller's trace and the server's request and
/// connection ids, which reach it through the host's logging scopes (and so through Serilog's log-context enricher).
/// </summary>
public class RequestLogLineOnKestrelTests
{
    private const string CallerTraceId = "0af7651916cd43dd8448eb211c80319c";
    private const string CallerSpanId = "b7ad6b7169203331";

    /// <summary>The service on a loopback port, logging at Information, with every event also kept for the test.</summary>
    private sealed class CapturingFactory(ConcurrentQueue<LogEvent> events)
        : PerceptronApiFactory(new() { ["Serilog:MinimumLevel:Default"] = "Information" }, kestrel: true)
    {
        protected override void ConfigureWebHost(IWebHostBuilder builder)
        {
            base.ConfigureWebHost(builder);
            // The logger takes sinks registered as services as well as its own.
            builder.ConfigureServices(services => services.AddSingleton<ILogEventSink>(new LogEventCapture(events.Enqueue)));
        }
    }

    [Fact]
    public async Task APrediction_IsLoggedWithTheCallersTraceAndTheServersRequestAndConnectionIds()
    {
        var events = new ConcurrentQueue<LogEvent>();
        await using var factory = new CapturingFactory(events);
        factory.StartServer();
        var address = factory.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
        using var client = new HttpClient { BaseAddress = new Uri(address) };
        using var request = new HttpRequestMessage(HttpMethod.Post, "/api/v1/predict")
        {
            Content = new StringContent("""{"bias": -0.5, "weights": [0.6, 0.6]}""", Encoding.UTF8, "application/json"),
        };
        request.Headers.Add("traceparent", $"00-{CallerTraceId}-{CallerSpanId}-01");

        using var response = await client.SendAsync(request);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        // The line is written when the pipeline has returned, which can be just after the client has the answer.
        var line = await RequestLineAsync(events);
        Assert.Equal(LogEventLevel.Information, line.Level);
        Assert.Equal(["RequestMethod", "RequestPath", "StatusCode", "Elapsed", "SourceContext", "RequestId", "ConnectionId"], line.Properties.Keys);
        // The line's dictionary is the smallest that holds the seven: no room made for nothing (asking for 8 makes 11).
        Assert.Equal(7, Assert.IsType<Dictionary<string, LogEventPropertyValue>>(line.Properties).EnsureCapacity(0));
        Assert.Equal("POST", Scalar(line, "RequestMethod"));
        Assert.Equal("/api/v1/predict", Scalar(line, "RequestPath"));
        Assert.Equal(200, Scalar(line, "StatusCode"));
        var connectionId = Assert.IsType<string>(Scalar(line, "ConnectionId"));
        Assert.Matches($"^{connectionId}:[0-9A-F]{{8}}$", Assert.IsType<string>(Scalar(line, "RequestId")));
        // The server's activity continues the caller's trace with a span of its own.
        Assert.Equal(CallerTraceId, line.TraceId?.ToHexString());
        Assert.Matches("^[0-9a-f]{16}$", line.SpanId?.ToHexString());
        Assert.NotEqual(CallerSpanId, line.SpanId?.ToHexString());
    }

    private static async Task<LogEvent> RequestLineAsync(ConcurrentQueue<LogEvent> events)
    {
        for (var attempt = 0; attempt < 100; attempt++)
        {
            var lines = events.Where(logEvent => Equals(Scalar(logEvent, "SourceContext"), RequestLogging.SourceContext)).ToList();
            if (lines.Count > 0)
            {
                return Assert.Single(lines);
            }

            await Task.Delay(50);
        }

        throw new TimeoutException("No request line was logged within 5 s.");
    }

    private static object? Scalar(LogEvent logEvent, string name) =>
        logEvent.Properties.TryGetValue(name, out var value) ? Assert.IsType<ScalarValue>(value).Value : null;
}
