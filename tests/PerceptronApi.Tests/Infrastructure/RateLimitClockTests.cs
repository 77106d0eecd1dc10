using System.Net;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using PerceptronApi.Tests.Training;

namespace PerceptronApi.Tests.Infrastructure;

/// <summary>The rate limits on a clock the test moves: at most N requests in any window, and Retry-After to the second.</summary>
public class RateLimitClockTests
{
    private const string Predict = """{"bias": -0.5, "weights": [0.6, 0.6]}""";

    private static (WebApplicationFactoryScope Scope, HttpClient Client) Start(ManualClock clock, Dictionary<string, string?> settings)
    {
        var factory = new PerceptronApiFactory(settings);
        var withClock = factory.WithWebHostBuilder(builder => builder.ConfigureServices(services =>
        {
            services.RemoveAll<TimeProvider>();
            services.AddSingleton<TimeProvider>(clock);
        }));
        return (new WebApplicationFactoryScope(factory, withClock), withClock.CreateClient());
    }

    [Fact]
    public async Task AJobOverTheMinutesLimit_IsToldTheSecondsUntilItsOldestSubmissionLeavesTheWindow()
    {
        var clock = new ManualClock();
        var (scope, client) = Start(clock, new() { ["RateLimits:JobsPerMinute"] = "2" });
        await using var _ = scope;
        await client.StartAsync("""{ "gate": "NOR" }""");
        clock.Advance(TimeSpan.FromSeconds(15));
        await client.StartAsync("""{ "gate": "NOR" }""");
        clock.Advance(TimeSpan.FromSeconds(5.2));

        var refused = await client.PostJsonTextAsync(TrainingJobClient.Route, """{ "gate": "NOR" }""");

        // The first job was 20.2 s ago: a permit comes back in 39.8 s, said as 40.
        var problem = await refused.AssertProblemAsync(HttpStatusCode.TooManyRequests);
        Assert.Equal("40", refused.Headers.GetValues("Retry-After").Single());
        problem.AssertProblemBody("https://tools.ietf.org/html/rfc6585#section-4", "Too many requests", 429, "This client submitted 2 training job(s) in the last minute, the limit (RateLimits:JobsPerMinute). Retry after 40 s.", TrainingJobClient.Route);

        clock.Advance(TimeSpan.FromSeconds(39.7));
        Assert.Equal("1", (await client.PostJsonTextAsync(TrainingJobClient.Route, """{ "gate": "NOR" }""")).Headers.GetValues("Retry-After").Single());
        clock.Advance(TimeSpan.FromSeconds(0.1));
        await client.StartAsync("""{ "gate": "NOR" }""");

        // Now the second job (at 15 s) is the oldest in the window: 60 − (60 − 15) = 15 s to wait.
        var next = await client.PostJsonTextAsync(TrainingJobClient.Route, """{ "gate": "NOR" }""");
        await next.AssertProblemAsync(HttpStatusCode.TooManyRequests);
        Assert.Equal("15", next.Headers.GetValues("Retry-After").Single());
    }

    [Fact]
    public async Task ABurstAtTheEdgeOfASecond_DoesNotDoubleThePredictionsInAnySecond()
    {
        var clock = new ManualClock();
        var (scope, client) = Start(clock, new() { ["RateLimits:PredictionsPerSecond"] = "3" });
        await using var _ = scope;
        clock.Advance(TimeSpan.FromSeconds(0.9));
        for (var i = 0; i < 3; i++)
        {
            Assert.Equal(HttpStatusCode.OK, (await client.PostJsonTextAsync("/api/v1/predict", Predict)).StatusCode);
        }

        // 0.2 s later a fixed or segmented window has rolled over; these three are still inside one second.
        clock.Advance(TimeSpan.FromSeconds(0.2));
        var refused = await client.PostJsonTextAsync("/api/v1/predict", Predict);

        await refused.AssertProblemAsync(HttpStatusCode.TooManyRequests);
        Assert.Equal("1", refused.Headers.GetValues("Retry-After").Single());
        clock.Advance(TimeSpan.FromSeconds(0.8));
        Assert.Equal(HttpStatusCode.OK, (await client.PostJsonTextAsync("/api/v1/predict", Predict)).StatusCode);
    }

    /// <summary>Disposes the derived factory and then the one it came from.</summary>
    private sealed class WebApplicationFactoryScope(IAsyncDisposable outer, IAsyncDisposable inner) : IAsyncDisposable
    {
        public async ValueTask DisposeAsync()
        {
            await inner.DisposeAsync();
            await outer.DisposeAsync();
        }
    }
}
