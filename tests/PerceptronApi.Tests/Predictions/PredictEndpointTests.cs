using System.Net;
using System.Text.Json.Nodes;
using PerceptronApi.Tests.Infrastructure;

namespace PerceptronApi.Tests.Predictions;

public class PredictEndpointTests(PerceptronApiFactory factory) : IClassFixture<PerceptronApiFactory>
{
    private readonly HttpClient _client = factory.CreateClient();

    private async Task<JsonNode> PredictOkAsync(string json)
    {
        var response = await _client.PostJsonTextAsync("/api/v1/predict", json);
        var body = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == HttpStatusCode.OK, body);
        Assert.Equal("application/json", response.Content.Headers.ContentType?.MediaType);
        return JsonNode.Parse(body)!;
    }

    private static double[] Column(JsonNode body, string field) =>
        [.. body["predictions"]!.AsArray().Select(p => p![field]!.GetValue<double>())];

    [Fact]
    public async Task TutorialAnd_OutputsZeroZeroZeroOne()
    {
        var body = await PredictOkAsync("""{ "bias": -0.5, "weights": [0.6, 0.6] }""");

        Assert.Equal("step", body["activation"]!.GetValue<string>());
        Assert.Equal(0.5, body["threshold"]!.GetValue<double>());
        Assert.Equal([-0.5, 0.09999999999999998, 0.09999999999999998, 0.7], Column(body, "z"));
        Assert.Equal([0.0, 0, 0, 1], Column(body, "output"));
        Assert.Equal([[0.0, 0], [0.0, 1], [1.0, 0], [1.0, 1]], body["predictions"]!.AsArray().Select(p => p!["inputs"].Doubles()));
    }

    [Fact]
    public async Task TutorialNor_OutputsOneAtTheBoundaryZOfOneHalf()
    {
        var body = await PredictOkAsync("""{ "bias": 0.5, "weights": [-0.6, -0.6] }""");

        Assert.Equal(0.5, Column(body, "z")[0]);
        Assert.Equal([1.0, 0, 0, 0], Column(body, "output"));
    }

    [Fact]
    public async Task TutorialGuessAgainstNor_ShowsThreeWrongRows()
    {
        var body = await PredictOkAsync("""{ "bias": 0.4, "weights": [0.7, -0.2], "target": "NOR" }""");

        Assert.Equal([0.4, 0.2, 1.1, 0.9000000000000001], Column(body, "z"));
        Assert.Equal([0.0, 0, 1, 1], Column(body, "output"));
        Assert.Equal([1.0, 0, 0, 0], Column(body, "expected"));
        Assert.Equal([1.0, 0, -1, -1], Column(body, "error"));
        var summary = body["summary"]!;
        Assert.Equal(4, summary["count"]!.GetValue<int>());
        Assert.Equal(1, summary["correct"]!.GetValue<int>());
        Assert.Equal(3, summary["misclassified"]!.GetValue<int>());
        Assert.Equal(0.25, summary["accuracy"]!.GetValue<double>());
    }

    [Fact]
    public async Task ExplicitExpected_GivesTheSameErrorsAsTarget()
    {
        var body = await PredictOkAsync("""{ "bias": 0.4, "weights": [0.7, -0.2], "expected": [1, 0, 0, 0] }""");

        Assert.Equal([1.0, 0, -1, -1], Column(body, "error"));
    }

    [Fact]
    public async Task Gate_PredictsWithTheCatalogueWeights()
    {
        var body = await PredictOkAsync("""{ "gate": "nand", "inputs": [[1, 1]] }""");

        Assert.Equal([0.30000000000000004], Column(body, "z"));
        Assert.Equal([0.0], Column(body, "output"));
    }

    [Fact]
    public async Task Layers_RunAsANetworkAndShowHiddenOutputs()
    {
        var body = await PredictOkAsync("""
            { "layers": [ [ { "bias": 0, "weights": [0.6, 0.6] }, { "bias": 1.5, "weights": [-0.6, -0.6] } ],
                          [ { "bias": -0.5, "weights": [0.6, 0.6] } ] ],
              "target": "XOR" }
            """);

        Assert.Equal([0.0, 1, 1, 0], Column(body, "output"));
        Assert.Equal([0.0, 1.0], body["predictions"]![0]!["hidden"]![0].Doubles());
        Assert.Equal(1.0, body["summary"]!["accuracy"]!.GetValue<double>());
    }

    [Fact]
    public async Task Sign_DefaultsToThresholdZero_AndTargetBecomesMinusOneOrOne()
    {
        var body = await PredictOkAsync("""{ "bias": -0.5, "weights": [0.6, 0.6], "activation": "sign", "target": "AND" }""");

        Assert.Equal(0.0, body["threshold"]!.GetValue<double>());
        Assert.Equal([-1.0, 1, 1, 1], Column(body, "output"));
        Assert.Equal([-1.0, -1, -1, 1], Column(body, "expected"));
        Assert.Equal(0.5, body["summary"]!["accuracy"]!.GetValue<double>());
    }

    [Fact]
    public async Task CustomThreshold_IsUsedWithGreaterOrEqual()
    {
        var body = await PredictOkAsync("""{ "bias": 0, "weights": [1], "threshold": 1, "inputs": [[0.999], [1]] }""");

        Assert.Equal(1.0, body["threshold"]!.GetValue<double>());
        Assert.Equal([0.0, 1], Column(body, "output"));
    }

    [Fact]
    public async Task Sigmoid_OutputsTheLogisticAndAClass()
    {
        var body = await PredictOkAsync("""{ "bias": 0, "weights": [1], "activation": "sigmoid", "inputs": [[0], [-2]], "expected": [1, 1] }""");

        Assert.True(body["threshold"] is null);
        Assert.Equal([0.5, 1 / (1 + Math.Exp(2))], Column(body, "output"));
        Assert.Equal([1.0, 0], Column(body, "class"));
        Assert.Equal([0.5, 1 - (1 / (1 + Math.Exp(2)))], Column(body, "error"));
        Assert.Equal(1, body["summary"]!["correct"]!.GetValue<int>());
    }

    [Fact]
    public async Task Linear_OutputsZ()
    {
        var body = await PredictOkAsync("""{ "bias": 0.4, "weights": [0.7, -0.2], "activation": "linear" }""");

        Assert.Equal(Column(body, "z"), Column(body, "output"));
        Assert.Equal([0.0, 0, 1, 1], Column(body, "class"));
    }

    [Fact]
    public async Task WideModelWithoutInputs_PredictsAllBinaryRows()
    {
        var body = await PredictOkAsync("""{ "bias": 0, "weights": [1, 1, 1] }""");

        Assert.Equal(8, body["predictions"]!.AsArray().Count);
        Assert.Equal([1.0, 1, 1], body["predictions"]![7]!["inputs"].Doubles());
        Assert.Equal(3.0, Column(body, "z")[7]);
    }
}
