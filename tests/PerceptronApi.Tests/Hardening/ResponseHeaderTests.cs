using System.Net;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.Extensions.DependencyInjection;
using PerceptronApi.Tests.Infrastructure;
using PerceptronApi.Tests.Training;

namespace PerceptronApi.Tests.Hardening;

/// <summary>What every answer tells a browser, and what it no longer tells a scanner.</summary>
public class ResponseHeaderTests(PerceptronApiFactory factory) : IClassFixture<PerceptronApiFactory>
{
    private readonly HttpClient _client = factory.CreateClient(new() { AllowAutoRedirect = false });

    [Theory]
    [InlineData("GET", "/api/v1/gates")]
    [InlineData("GET", "/api/v1/nothing-here")]
    [InlineData("GET", "/")]
    [InlineData("GET", "/swagger/index.html")]
    [InlineData("POST", "/api/v1/predict")]
    public async Task EveryAnswer_CarriesTheSecurityHeaders(string method, string path)
    {
        var response = await _client.SendAsync(new HttpRequestMessage(new HttpMethod(method), path));

        Assert.Equal("nosniff", Header(response, "X-Content-Type-Options"));
        Assert.Equal("no-referrer", Header(response, "Referrer-Policy"));
        Assert.Equal("DENY", Header(response, "X-Frame-Options"));
        // The page at / sets a policy of its own; every policy forbids framing.
        Assert.Contains("frame-ancestors 'none'", Header(response, "Content-Security-Policy"), StringComparison.Ordinal);
        if (path != "/")
        {
            Assert.Equal("frame-ancestors 'none'", Header(response, "Content-Security-Policy"));
        }
    }

    [Fact]
    public async Task AContentSecurityPolicySetByAPage_IsKept()
    {
        const string pagePolicy = "default-src 'self'; frame-ancestors 'none'";
        using var withPage = factory.WithWebHostBuilder(builder => builder.ConfigureServices(services =>
            services.AddTransient<IStartupFilter>(_ => new PagePolicy(pagePolicy))));
        var client = withPage.CreateClient();

        var response = await client.GetAsync("/api/v1/gates");

        Assert.Equal(pagePolicy, Header(response, "Content-Security-Policy"));
        Assert.Equal("nosniff", Header(response, "X-Content-Type-Options"));
    }

    [Theory]
    [InlineData("/api/v1/gates")]
    [InlineData("/api/v1/gates/nor")]
    [InlineData("/health/live")]
    [InlineData("/api/v1/training-jobs")]
    public async Task Head_OnAGetRoute_AnswersLikeGetWithoutABody(string path)
    {
        var get = await _client.GetAsync(path);
        var head = await _client.SendAsync(new HttpRequestMessage(HttpMethod.Head, path));

        Assert.Equal(HttpStatusCode.OK, get.StatusCode);
        Assert.Equal(get.StatusCode, head.StatusCode);
        Assert.Equal(get.Content.Headers.ContentType, head.Content.Headers.ContentType);
        Assert.Empty(await head.Content.ReadAsByteArrayAsync());
    }

    [Fact]
    public async Task Head_OnAnUnknownJob_Is404WithoutABody()
    {
        var head = await _client.SendAsync(new HttpRequestMessage(HttpMethod.Head, $"{TrainingJobClient.Route}/0123456789abcdef0123456789abcdef"));

        Assert.Equal(HttpStatusCode.NotFound, head.StatusCode);
        Assert.Empty(await head.Content.ReadAsByteArrayAsync());
    }

    [Fact]
    public async Task Head_OnTheEventsOfARunningJob_AnswersAtOnce()
    {
        var id = await _client.StartAsync(TrainingJobClient.LongJob(repeats: 2_000, maxEpochs: 5_000));
        try
        {
            using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(10));
            var head = await _client.SendAsync(new HttpRequestMessage(HttpMethod.Head, $"{TrainingJobClient.Route}/{id}/events"), timeout.Token);

            Assert.Equal(HttpStatusCode.OK, head.StatusCode);
            Assert.Equal("text/event-stream", head.Content.Headers.ContentType?.MediaType);
            Assert.Empty(await head.Content.ReadAsByteArrayAsync(timeout.Token));
        }
        finally
        {
            await _client.DeleteAsync($"{TrainingJobClient.Route}/{id}");
        }
    }

    [Fact]
    public async Task Head_OnAPostOnlyRoute_IsStill405()
    {
        var head = await _client.SendAsync(new HttpRequestMessage(HttpMethod.Head, "/api/v1/predict"));

        // HEAD is answered like GET only where GET is: here it is refused, naming the one method the route takes.
        Assert.Equal(HttpStatusCode.MethodNotAllowed, head.StatusCode);
        Assert.Equal(["POST"], head.Content.Headers.Allow);
        Assert.Equal("application/problem+json", head.Content.Headers.ContentType?.MediaType);
    }

    [Fact]
    public async Task A404ForAHugePath_EchoesOnlyABoundedPieceOfIt()
    {
        var path = "/api/v1/" + new string('a', 8000);

        var response = await _client.GetAsync(path);

        var problem = await response.AssertProblemAsync(HttpStatusCode.NotFound);
        var detail = problem["detail"]!.GetValue<string>();
        Assert.StartsWith($"No route matches GET /api/v1/{new string('a', 92)}…", detail, StringComparison.Ordinal);
        Assert.True(detail.Length < 200, detail);
        Assert.Equal($"/api/v1/{new string('a', 92)}…", problem["instance"]!.GetValue<string>());
    }

    [Fact]
    public async Task A404ForAHugeGateName_EchoesOnlyABoundedPieceOfIt()
    {
        var response = await _client.GetAsync("/api/v1/gates/" + new string('x', 8000));

        var problem = await response.AssertProblemAsync(HttpStatusCode.NotFound);
        Assert.True(problem.ToJsonString().Length < 700, problem.ToJsonString());
    }

    private static string? Header(HttpResponseMessage response, string name) =>
        response.Headers.TryGetValues(name, out var values) || response.Content.Headers.TryGetValues(name, out values)
            ? string.Join(",", values)
            : null;

    /// <summary>Stands for a page that sets its own policy on its response.</summary>
    private sealed class PagePolicy(string policy) : IStartupFilter
    {
        public Action<IApplicationBuilder> Configure(Action<IApplicationBuilder> next) => app =>
        {
            app.Use((context, following) =>
            {
                context.Response.Headers.ContentSecurityPolicy = policy;
                return following(context);
            });
            next(app);
        };
    }
}
