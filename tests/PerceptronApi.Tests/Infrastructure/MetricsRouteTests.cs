using System.Net;
using System.Text.RegularExpressions;
using PerceptronApi.Tests.Training;

namespace PerceptronApi.Tests.Infrastructure;

/// <summary>The HTTP server's request duration carries each route's template, as a scraper groups requests by it.</summary>
[Collection(MetricsReaders.Name)]
public partial class MetricsRouteTests(PerceptronApiFactory factory) : IClassFixture<PerceptronApiFactory>
{
    private readonly HttpClient _client = factory.CreateClient();

    [Fact]
    public async Task EveryRoute_IsLabelledWithItsTemplate_WithoutATrailingSlash()
    {
        var id = await _client.StartAsync("""{ "gate": "NOR", "trace": true }""");
        await _client.WaitForStatusAsync(id, "succeeded");
        var requests = new (HttpMethod Method, string Path, string Template)[]
        {
            (HttpMethod.Get, "/api/v1/gates", "/api/v1/gates"),
            (HttpMethod.Get, "/api/v1/gates/", "/api/v1/gates"),
            (HttpMethod.Get, "/api/v1/gates/and", "/api/v1/gates/{name}"),
            (HttpMethod.Post, "/api/v1/gates/and/predict", "/api/v1/gates/{name}/predict"),
            (HttpMethod.Post, "/api/v1/predict", "/api/v1/predict"),
            (HttpMethod.Get, "/api/v1/training-jobs", "/api/v1/training-jobs"),
            (HttpMethod.Get, "/api/v1/training-jobs/", "/api/v1/training-jobs"),
            (HttpMethod.Get, $"/api/v1/training-jobs/{id}", "/api/v1/training-jobs/{id}"),
            (HttpMethod.Get, $"/api/v1/training-jobs/{id}/history", "/api/v1/training-jobs/{id}/history"),
            (HttpMethod.Get, $"/api/v1/training-jobs/{id}/epochs/1/steps", "/api/v1/training-jobs/{id}/epochs/{epoch}/steps"),
            (HttpMethod.Get, $"/api/v1/training-jobs/{id}/events", "/api/v1/training-jobs/{id}/events"),
            (HttpMethod.Post, $"/api/v1/training-jobs/{id}/predict", "/api/v1/training-jobs/{id}/predict"),
            (HttpMethod.Post, $"/api/v1/training-jobs/{id}/cancel", "/api/v1/training-jobs/{id}/cancel"),
            (HttpMethod.Delete, $"/api/v1/training-jobs/{id}", "/api/v1/training-jobs/{id}"),
            (HttpMethod.Get, "/health/live", "/health/live"),
            (HttpMethod.Get, "/health/ready", "/health/ready"),
        };
        foreach (var (method, path, _) in requests)
        {
            using var request = new HttpRequestMessage(method, path);
            if (method == HttpMethod.Post)
            {
                request.Content = new StringContent("{}", System.Text.Encoding.UTF8, "application/json");
            }

            var response = await _client.SendAsync(request);
            Assert.True((int)response.StatusCode < 500, $"{method} {path}: {(int)response.StatusCode}");
        }

        var started = await _client.PostJsonTextAsync(TrainingJobClient.Route, """{ "gate": "AND" }""");
        Assert.Equal(HttpStatusCode.Accepted, started.StatusCode);

        var metrics = await (await _client.GetAsync("/metrics")).Content.ReadAsStringAsync();
        var routes = Route().Matches(metrics).Select(match => match.Groups[1].Value).ToHashSet();
        Assert.All(routes, route => Assert.True(route == "/" || !route.EndsWith('/'), $"http_route=\"{route}\" ends with a slash"));
        var templates = requests.Select(r => r.Template).ToHashSet();
        Assert.Superset(templates, routes);
        Assert.Subset(routes, templates);
    }

    [GeneratedRegex("""^http_server_request_duration_seconds_count\{[^}]*http_route="([^"]*)"[^}]*\}""", RegexOptions.Multiline)]
    private static partial Regex Route();
}
