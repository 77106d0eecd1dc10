using System.Net;
using PerceptronApi.Tests.Infrastructure;

namespace PerceptronApi.Tests.Gates;

public class GateEndpointsTests(PerceptronApiFactory factory) : IClassFixture<PerceptronApiFactory>
{
    private readonly HttpClient _client = factory.CreateClient();

    [Fact]
    public async Task ListingGates_ReturnsTheCatalogueWithLayers()
    {
        var response = await _client.GetAsync("/api/v1/gates");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var gates = (await response.ReadJsonAsync()).AsArray();
        Assert.Equal(["AND", "OR", "NAND", "NOR", "NOT", "XOR", "XNOR"], gates.Select(g => g!["name"]!.GetValue<string>()));
        var and = gates[0]!;
        Assert.Equal(2, and["arity"]!.GetValue<int>());
        Assert.True(and["linearlySeparable"]!.GetValue<bool>());
        Assert.Equal("step", and["activation"]!.GetValue<string>());
        Assert.Equal(0.5, and["threshold"]!.GetValue<double>());
        Assert.Equal(-0.5, and["layers"]![0]![0]!["bias"]!.GetValue<double>());
        Assert.Equal([0.6, 0.6], and["layers"]![0]![0]!["weights"].Doubles());
        Assert.Null(and["truthTable"]);
        var xor = gates[5]!;
        Assert.False(xor["linearlySeparable"]!.GetValue<bool>());
        Assert.Equal(2, xor["layers"]!.AsArray().Count);
    }

    [Theory]
    [InlineData("AND", new double[] { 0, 0, 0, 1 })]
    [InlineData("or", new double[] { 0, 1, 1, 1 })]
    [InlineData("Nand", new double[] { 1, 1, 1, 0 })]
    [InlineData("nor", new double[] { 1, 0, 0, 0 })]
    [InlineData("NOT", new double[] { 1, 0 })]
    [InlineData("xor", new double[] { 0, 1, 1, 0 })]
    [InlineData("XNOR", new double[] { 1, 0, 0, 1 })]
    public async Task GettingAGate_ReturnsItsTruthTableInCountingOrder(string name, double[] outputs)
    {
        var response = await _client.GetAsync($"/api/v1/gates/{name}");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var gate = await response.ReadJsonAsync();
        Assert.Equal(name.ToUpperInvariant(), gate["name"]!.GetValue<string>());
        var table = gate["truthTable"]!.AsArray();
        Assert.Equal(outputs, table.Select(row => row!["output"]!.GetValue<double>()));
        Assert.Equal(outputs.Length == 2 ? [0.0, 1.0] : [0.0, 0.0, 1.0, 1.0], table.Select(row => row!["inputs"]![0]!.GetValue<double>()));
    }

    [Fact]
    public async Task GettingAnUnknownGate_Returns404ListingTheKnownNames()
    {
        var response = await _client.GetAsync("/api/v1/gates/MAYBE");

        var problem = await response.AssertProblemAsync(HttpStatusCode.NotFound);
        Assert.Equal("Unknown gate \"MAYBE\". Known gates: AND, OR, NAND, NOR, NOT, XOR, XNOR.", problem["detail"]!.GetValue<string>());
    }

    [Fact]
    public async Task PredictingWithAGate_WithoutABody_PredictsTheTruthTable()
    {
        var response = await _client.PostAsync("/api/v1/gates/NOR/predict", content: null);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var body = await response.ReadJsonAsync();
        var predictions = body["predictions"]!.AsArray();
        Assert.Equal([0.5, -0.09999999999999998, -0.09999999999999998, -0.7], predictions.Select(p => p!["z"]!.GetValue<double>()));
        Assert.Equal([1.0, 0, 0, 0], predictions.Select(p => p!["output"]!.GetValue<double>()));
        Assert.Null(body["summary"]);
        Assert.Null(predictions[0]!["expected"]);
    }

    [Fact]
    public async Task PredictingWithAGate_OnChosenRowsWithExpectedOutputs_ShowsErrorsAndSummary()
    {
        var response = await _client.PostJsonTextAsync("/api/v1/gates/and/predict", """{ "inputs": [[1,1],[0,1]], "expected": [1, 1] }""");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var body = await response.ReadJsonAsync();
        var predictions = body["predictions"]!.AsArray();
        Assert.Equal([0.7, 0.09999999999999998], predictions.Select(p => p!["z"]!.GetValue<double>()));
        Assert.Equal([0.0, 1.0], predictions.Select(p => p!["error"]!.GetValue<double>()));
        Assert.Equal(1, body["summary"]!["correct"]!.GetValue<int>());
        Assert.Equal(0.5, body["summary"]!["accuracy"]!.GetValue<double>());
    }

    [Fact]
    public async Task PredictingWithAGateNetwork_ShowsTheHiddenLayer()
    {
        var response = await _client.PostJsonTextAsync("/api/v1/gates/XOR/predict", "{}");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var predictions = (await response.ReadJsonAsync())["predictions"]!.AsArray();
        Assert.Equal([0.0, 1, 1, 0], predictions.Select(p => p!["output"]!.GetValue<double>()));
        Assert.Equal([1.0, 0.0], predictions[3]!["hidden"]![0].Doubles());
    }

    [Fact]
    public async Task PredictingWithAnUnknownGate_Returns404()
    {
        var response = await _client.PostJsonTextAsync("/api/v1/gates/MAYBE/predict", "{}");

        var problem = await response.AssertProblemAsync(HttpStatusCode.NotFound);
        Assert.Contains("Known gates: AND", problem["detail"]!.GetValue<string>(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task PredictingWithAGate_RowsOfTheWrongWidth_Returns400()
    {
        var response = await _client.PostJsonTextAsync("/api/v1/gates/NOT/predict", """{ "inputs": [[1, 0]] }""");

        var problem = await response.AssertProblemAsync(HttpStatusCode.BadRequest);
        Assert.Equal(["has 2 values; the model takes 1 input."], problem.ErrorsFor("inputs[0]"));
    }
}
