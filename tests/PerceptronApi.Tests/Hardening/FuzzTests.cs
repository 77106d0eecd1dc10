using System.Globalization;
using System.Net;
using System.Text.Json.Nodes;
using CsCheck;
using PerceptronApi.Tests.Infrastructure;
using PerceptronApi.Tests.Training;
using Xunit.Abstractions;

namespace PerceptronApi.Tests.Hardening;

/// <summary>Room for many small jobs, so a full queue (503) is never what the fuzz sees.</summary>
public sealed class FuzzFactory() : PerceptronApiFactory(new()
{
    ["Training:MaxQueuedJobs"] = "50000",
    ["Training:MaxRetainedJobs"] = "100000",
    ["Training:MaxWork"] = "2000000",
});

/// <summary>
/// Requests generated around the contract on every POST route: each answer is a 2xx or a 4xx problem, never a 5xx, and
/// the service answers correctly afterwards. FUZZ_CASES sets how many cases run (default 600, a few seconds).
/// </summary>
public class FuzzTests(FuzzFactory factory, ITestOutputHelper output) : IClassFixture<FuzzFactory>
{
    private readonly HttpClient _client = factory.CreateClient();

    private static long Cases => long.TryParse(Environment.GetEnvironmentVariable("FUZZ_CASES"), NumberStyles.None, CultureInfo.InvariantCulture, out var cases) && cases > 0 ? cases : 600;

    [Fact]
    public async Task GeneratedRequests_AreAnsweredWith2xxOr4xxProblems_AndTheServiceStaysHealthy()
    {
        var finished = (await _client.StartAndWaitAsync("""{ "gate": "NOR" }"""))["id"]!.GetValue<string>();
        var statuses = new System.Collections.Concurrent.ConcurrentDictionary<int, int>();

        await Gen.Int.SampleAsync(
            async seed =>
            {
                var fuzz = RequestFuzz.Make(seed, finished);
                using var content = new ByteArrayContent(RequestFuzz.Bytes(fuzz));
                if (fuzz.ContentType is { } type)
                {
                    content.Headers.TryAddWithoutValidation("Content-Type", type);
                }

                var response = await _client.PostAsync(fuzz.Route, content);
                var status = (int)response.StatusCode;
                statuses.AddOrUpdate(status, 1, (_, count) => count + 1);
                var body = await response.Content.ReadAsStringAsync();
                Assert.True(status is >= 200 and < 500, $"{status} for {fuzz}: {body}");
                if (status >= 400)
                {
                    Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
                    Assert.Equal(status, JsonNode.Parse(body)!["status"]!.GetValue<int>());
                    Assert.DoesNotContain("   at ", body, StringComparison.Ordinal);
                }
            },
            iter: Cases,
            print: seed => RequestFuzz.Make(seed, finished).ToString());

        var ran = statuses.Values.Sum();
        output.WriteLine($"{ran} generated requests: {string.Join(", ", statuses.OrderBy(s => s.Key).Select(s => $"{s.Key} × {s.Value}"))}");
        Assert.Equal(Cases, ran);

        // Healthy afterwards: ready, and the tutorial's numbers still come out.
        Assert.Equal(HttpStatusCode.OK, (await _client.GetAsync("/health/ready")).StatusCode);
        var guess = await (await _client.PostJsonTextAsync("/api/v1/predict", """{ "bias": 0.4, "weights": [0.7, -0.2], "target": "NOR" }""")).ReadJsonAsync();
        Assert.Equal(0.25, guess["summary"]!["accuracy"]!.GetValue<double>());
    }
}
