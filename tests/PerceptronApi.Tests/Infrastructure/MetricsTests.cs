using System.Globalization;
using System.Net;
using System.Text.RegularExpressions;

namespace PerceptronApi.Tests.Infrastructure;

[Collection(MetricsReaders.Name)]
public partial class MetricsTests(PerceptronApiFactory factory) : IClassFixture<PerceptronApiFactory>
{
    private readonly HttpClient _client = factory.CreateClient();

    [Fact]
    public async Task Metrics_CountPredictedRowsAndTheHttpServerDurationByRouteAndStatus()
    {
        var before = await ReadAsync();

        var response = await _client.PostJsonTextAsync("/api/v1/predict", """{"bias": -0.5, "weights": [0.6, 0.6, 0.6]}""");
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var after = await ReadAsync();

        // Eight rows (2^3); other tests of this process may predict at the same time, so at least eight.
        Assert.True(Value(after, "perceptron_prediction_rows_total") - Value(before, "perceptron_prediction_rows_total") >= 8, after);
        Assert.Matches(DurationOfPredict(), after);
        Assert.Contains("# TYPE http_server_request_duration_seconds histogram", after, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Metrics_AreServedAsPrometheusText()
    {
        // A counter is exported from its first measurement on: one prediction, so this test does not depend on the order.
        Assert.Equal(HttpStatusCode.OK, (await _client.PostJsonTextAsync("/api/v1/predict", """{"gate": "AND"}""")).StatusCode);

        var response = await _client.GetAsync("/metrics");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("text/plain", response.Content.Headers.ContentType?.MediaType);
        Assert.Contains("# TYPE perceptron_prediction_rows_total counter", await response.Content.ReadAsStringAsync(), StringComparison.Ordinal);
    }

    private async Task<string> ReadAsync()
    {
        var response = await _client.GetAsync("/metrics");
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        return await response.Content.ReadAsStringAsync();
    }

    /// <summary>The sum of a series over its labels (0 when it has not been written yet).</summary>
    internal static double Value(string metrics, string name, string? labels = null) =>
        metrics.Split('\n')
            .Where(line => line.StartsWith(name + "{", StringComparison.Ordinal) || line.StartsWith(name + " ", StringComparison.Ordinal))
            .Where(line => labels is null || line.Contains(labels, StringComparison.Ordinal))
            .Sum(line => double.Parse(line.Split(' ')[^1], CultureInfo.InvariantCulture));

    [GeneratedRegex("""http_server_request_duration_seconds_count\{[^}]*http_response_status_code="200"[^}]*http_route="/api/v1/predict"[^}]*\} [1-9]""")]
    private static partial Regex DurationOfPredict();
}

public class MetricsDisabledTests
{
    public sealed class Factory() : PerceptronApiFactory(new() { ["Metrics:Enabled"] = "false" });

    [Fact]
    public async Task WithMetricsDisabled_MetricsAreNotServed()
    {
        using var factory = new Factory();
        var client = factory.CreateClient();

        var response = await client.GetAsync("/metrics");

        var problem = await response.AssertProblemAsync(HttpStatusCode.NotFound);
        Assert.Equal("No route matches GET /metrics. The routes are listed at /swagger.", problem["detail"]!.GetValue<string>());
    }
}
