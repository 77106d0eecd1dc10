using System.Net;

namespace PerceptronApi.Tests.Infrastructure;

/// <summary>RateLimits:PredictionsPerSecond: a sliding window per client, a 429 problem with Retry-After above it.</summary>
public class RateLimitTests
{
    private const string Predict = """{"bias": -0.5, "weights": [0.6, 0.6]}""";

    private static Dictionary<string, string?> Settings(int perSecond) => new()
    {
        ["RateLimits:PredictionsPerSecond"] = perSecond.ToString(System.Globalization.CultureInfo.InvariantCulture),
        ["Auth:ApiKeys:0:Name"] = "alice",
        ["Auth:ApiKeys:0:Key"] = "alice-key-0123456789",
        ["Auth:ApiKeys:1:Name"] = "bob",
        ["Auth:ApiKeys:1:Key"] = "bob-key-0123456789ab",
    };

    [Fact]
    public async Task PredictionsOverTheLimit_Get429WithRetryAfter()
    {
        using var factory = new PerceptronApiFactory(Settings(3));
        var client = factory.CreateClient();

        var responses = await Task.WhenAll(Enumerable.Range(0, 4).Select(_ => client.PostJsonTextAsync("/api/v1/predict", Predict)));

        Assert.Equal(3, responses.Count(response => response.StatusCode == HttpStatusCode.OK));
        var refused = responses.Single(response => response.StatusCode == HttpStatusCode.TooManyRequests);
        var problem = await refused.AssertProblemAsync(HttpStatusCode.TooManyRequests);
        Assert.Equal("1", refused.Headers.GetValues("Retry-After").Single());
        problem.AssertProblemBody("https://tools.ietf.org/html/rfc6585#section-4", "Too many requests", 429, "This client sent 3 prediction request(s) in the last second, the limit (RateLimits:PredictionsPerSecond). Retry after 1 s.", "/api/v1/predict");
    }

    [Fact]
    public async Task GatePredictionsCountTowardTheSameLimit()
    {
        using var factory = new PerceptronApiFactory(Settings(1));
        var client = factory.CreateClient();

        Assert.Equal(HttpStatusCode.OK, (await client.PostAsync("/api/v1/gates/AND/predict", null)).StatusCode);
        await (await client.PostAsync("/api/v1/gates/AND/predict", null)).AssertProblemAsync(HttpStatusCode.TooManyRequests);
        await (await client.PostJsonTextAsync("/api/v1/predict", Predict)).AssertProblemAsync(HttpStatusCode.TooManyRequests);
    }

    [Fact]
    public async Task EachKeyHasItsOwnWindow_AndAnonymousClientsTheirAddress()
    {
        using var factory = new PerceptronApiFactory(Settings(1));
        var client = factory.CreateClient();

        Assert.Equal(HttpStatusCode.OK, (await SendAsync(client, "Authorization", "Bearer alice-key-0123456789")).StatusCode);
        await (await SendAsync(client, "X-Api-Key", "alice-key-0123456789")).AssertProblemAsync(HttpStatusCode.TooManyRequests);
        Assert.Equal(HttpStatusCode.OK, (await SendAsync(client, "X-Api-Key", "bob-key-0123456789ab")).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await client.PostJsonTextAsync("/api/v1/predict", Predict)).StatusCode);
        await (await client.PostJsonTextAsync("/api/v1/predict", Predict)).AssertProblemAsync(HttpStatusCode.TooManyRequests);
    }

    [Fact]
    public async Task ASpoofedForwardedFor_FromAnUnconfiguredProxy_DoesNotChangeThePartition()
    {
        using var factory = new PerceptronApiFactory(Settings(1), kestrel: true);
        var client = factory.CreateClient();

        Assert.Equal(HttpStatusCode.OK, (await SendAsync(client, "X-Forwarded-For", "203.0.113.1")).StatusCode);
        await (await SendAsync(client, "X-Forwarded-For", "203.0.113.2")).AssertProblemAsync(HttpStatusCode.TooManyRequests);
    }

    [Fact]
    public async Task TheForwardedAddress_FromAConfiguredProxy_IsTheClient()
    {
        var settings = Settings(1);
        settings["ForwardedHeaders:KnownProxies:0"] = "127.0.0.1";
        using var factory = new PerceptronApiFactory(settings, kestrel: true);
        var client = factory.CreateClient();

        Assert.Equal(HttpStatusCode.OK, (await SendAsync(client, "X-Forwarded-For", "203.0.113.1")).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await SendAsync(client, "X-Forwarded-For", "203.0.113.2")).StatusCode);
        await (await SendAsync(client, "X-Forwarded-For", "203.0.113.1")).AssertProblemAsync(HttpStatusCode.TooManyRequests);
    }

    [Fact]
    public async Task WithoutALimit_NothingIsRefused()
    {
        using var factory = new PerceptronApiFactory(Settings(0));
        var client = factory.CreateClient();

        var responses = await Task.WhenAll(Enumerable.Range(0, 20).Select(_ => client.PostJsonTextAsync("/api/v1/predict", Predict)));

        Assert.All(responses, response => Assert.Equal(HttpStatusCode.OK, response.StatusCode));
    }

    private static Task<HttpResponseMessage> SendAsync(HttpClient client, string header, string value)
    {
        var request = new HttpRequestMessage(HttpMethod.Post, "/api/v1/predict") { Content = new StringContent(Predict, System.Text.Encoding.UTF8, "application/json") };
        request.Headers.TryAddWithoutValidation(header, value);
        return client.SendAsync(request);
    }
}
