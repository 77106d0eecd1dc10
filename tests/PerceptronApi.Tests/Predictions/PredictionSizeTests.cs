using System.Net;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.Extensions.Options;
using PerceptronApi.Infrastructure;
using PerceptronApi.Predictions;
using PerceptronApi.Tests.Infrastructure;

namespace PerceptronApi.Tests.Predictions;

/// <summary>What one prediction may cost: hidden outputs count as work, the answer's size is bounded, heavy ones are capped.</summary>
public class PredictionSizeTests(PerceptronApiFactory factory) : IClassFixture<PerceptronApiFactory>
{
    private readonly HttpClient _client = factory.CreateClient();

    [Fact]
    public async Task TenThousandRowsThrough256HiddenUnits_AreRefusedByTheDefaultWorkLimit()
    {
        // 10 000 rows × (256 × 2 + 257 weights and biases + 256 hidden outputs) = 10 250 000 > 10 000 000: without the
        // hidden outputs it would be 7 690 000, and the answer ~50 MB of JSON.
        var hidden = string.Join(",", Enumerable.Repeat("""{"bias":0,"weights":[1]}""", 256));
        var output = $$"""{"bias":0,"weights":[{{string.Join(",", Enumerable.Repeat("1", 256))}}]}""";
        var rows = string.Join(",", Enumerable.Repeat("[0.5]", 10_000));
        var body = $$"""{"layers":[[{{hidden}}],[{{output}}]],"activation":"sigmoid","inputs":[{{rows}}]}""";

        var response = await _client.PostJsonTextAsync("/api/v1/predict", body);

        var problem = await response.AssertProblemAsync(HttpStatusCode.BadRequest);
        Assert.Equal(["10000 rows × (769 weights and biases + 256 hidden outputs) = 10250000 exceeds the limit of 10000000 (Limits:MaxPredictionWork). Send fewer rows or a smaller network."], problem.ErrorsFor("inputs"));
    }

    [Fact]
    public async Task AnAnswerOverTheValuesLimit_IsRefusedNamingIt()
    {
        using var small = new PerceptronApiFactory(new() { ["Limits:MaxPredictionValues"] = "100" });
        var client = small.CreateClient();

        // AND: 4 rows × (2 inputs + 5) = 28 numbers, allowed; four inputs: 16 rows × (4 + 5) = 144.
        Assert.Equal(HttpStatusCode.OK, (await client.PostJsonTextAsync("/api/v1/predict", """{"bias": -0.5, "weights": [0.6, 0.6]}""")).StatusCode);
        var response = await client.PostJsonTextAsync("/api/v1/predict", """{"bias": -0.5, "weights": [0.6, 0.6, 0.6, 0.6]}""");

        var problem = await response.AssertProblemAsync(HttpStatusCode.BadRequest);
        Assert.Equal(["16 rows × 9 numbers each = 144 numbers in the answer exceeds the limit of 100 (Limits:MaxPredictionValues). Send fewer rows or a smaller network."], problem.ErrorsFor("inputs"));
    }

    [Fact]
    public void HeavyPredictionsOverTheCap_Get503WithRetryAfter_WhileLightOnesRun()
    {
        var limits = new LimitsOptions { HeavyPredictionWork = 16, MaxConcurrentHeavyPredictions = 1 };
        using var gate = new PredictionGate(Options.Create(limits));
        var metrics = new PerceptronMetrics(new TestMeterFactory());
        var heavy = Plan("""{"bias": -0.5, "weights": [0.6, 0.6, 0.6]}""", limits); // 8 rows × 4 = 32
        var light = Plan("""{"bias": -0.5, "weights": [0.6, 0.6]}""", limits); // 4 rows × 3 = 12

        // The first keeps its slot: its request has not ended.
        var first = gate.Answer(new DefaultHttpContext(), heavy, metrics);
        var refusedContext = new DefaultHttpContext();
        var second = gate.Answer(refusedContext, heavy, metrics);
        var third = gate.Answer(new DefaultHttpContext(), light, metrics);

        Assert.Equal(8, Assert.IsType<PredictionResult>(first.Result).Value.Predictions.Count);
        var problem = Assert.IsType<ProblemHttpResult>(second.Result).ProblemDetails;
        Assert.Equal(StatusCodes.Status503ServiceUnavailable, problem.Status);
        Assert.Equal("1 prediction(s) of 16 or more work are running (Limits:MaxConcurrentHeavyPredictions); this one needs 32. Retry after 1 s, or send fewer rows.", problem.Detail);
        Assert.Equal("1", refusedContext.Response.Headers.RetryAfter.ToString());
        Assert.Equal(4, Assert.IsType<PredictionResult>(third.Result).Value.Predictions.Count);
    }

    private static PredictionPlan Plan(string json, LimitsOptions limits)
    {
        var options = new System.Text.Json.JsonSerializerOptions();
        JsonSetup.Apply(options);
        var request = System.Text.Json.JsonSerializer.Deserialize<PredictRequest>(json, options)!;
        return PredictionPlanner.Plan(request, limits, out _)!;
    }

    private sealed class TestMeterFactory : System.Diagnostics.Metrics.IMeterFactory
    {
        private readonly List<System.Diagnostics.Metrics.Meter> _meters = [];

        public System.Diagnostics.Metrics.Meter Create(System.Diagnostics.Metrics.MeterOptions options)
        {
            var meter = new System.Diagnostics.Metrics.Meter(options);
            _meters.Add(meter);
            return meter;
        }

        public void Dispose() => _meters.ForEach(meter => meter.Dispose());
    }
}
