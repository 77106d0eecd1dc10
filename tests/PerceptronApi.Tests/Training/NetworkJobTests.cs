using System.Net;
using System.Text.Json;
using System.Text.Json.Nodes;
using PerceptronApi.Core.Gates;
using PerceptronApi.Core.Training;
using PerceptronApi.Tests.Infrastructure;

namespace PerceptronApi.Tests.Training;

public class NetworkJobTests(TrainingFactory factory) : IClassFixture<TrainingFactory>
{
    private readonly HttpClient _client = factory.CreateClient();

    [Fact]
    public async Task XorByBackpropagation_LearnsItAndPredictsLikeLayers()
    {
        var job = await _client.StartAndWaitAsync("""{ "gate": "XOR", "algorithm": "backpropagation", "hiddenLayers": [2], "seed": 1 }""");

        // The same run in the core, number for number.
        Assert.True(GateCatalogue.TryGet("XOR", out var xor));
        var core = new List<NetworkEpochRecord>();
        var expected = NetworkTrainer.Train(new TrainingSet(xor.TruthTableInputs, xor.TruthTableOutputs), TrainingOptions.Defaults(TrainingAlgorithm.Backpropagation) with { HiddenLayers = [2], Seed = 1 }, core.Add);

        var parameters = job["parameters"]!;
        Assert.Equal(
            """{"algorithm":"backpropagation","activation":"sigmoid","threshold":null,"learningRate":4,"maxEpochs":5000,"initialization":"random","shuffle":false,"seed":1,"samples":4,"features":2,"gate":"XOR","hiddenLayers":[2]}""",
            parameters.ToJsonString());
        var result = job["result"]!;
        Assert.Equal((false, "maxEpochsReached", 5000, 0, 1.0), (result["converged"]!.GetValue<bool>(), result["stopReason"]!.GetValue<string>(), result["epochs"]!.GetValue<int>(), result["errors"]!.GetValue<int>(), result["accuracy"]!.GetValue<double>()));
        Assert.Equal(expected.Loss, result["loss"]!.GetValue<double>());
        Assert.Null(result["bias"]);
        Assert.Null(result["weights"]);
        var layers = result["layers"]!.AsArray();
        Assert.Equal([2, 1], layers.Select(layer => layer!.AsArray().Count));
        Assert.Equal(expected.Model.Layers[0][1].Weights, layers[0]![1]!["weights"]!.AsArray().Select(w => w!.GetValue<double>()));

        var history = job["history"]!.AsArray();
        Assert.Equal(5001, history.Count);
        Assert.Equal(
            $$"""{"epoch":0,"layers":[[{"bias":{{Json(core[0].Layers[0][0].Bias)}},"weights":[{{Json(core[0].Layers[0][0].Weights[0])}},{{Json(core[0].Layers[0][0].Weights[1])}}]},{"bias":{{Json(core[0].Layers[0][1].Bias)}},"weights":[{{Json(core[0].Layers[0][1].Weights[0])}},{{Json(core[0].Layers[0][1].Weights[1])}}]}],[{"bias":{{Json(core[0].Layers[1][0].Bias)}},"weights":[{{Json(core[0].Layers[1][0].Weights[0])}},{{Json(core[0].Layers[1][0].Weights[1])}}]}]],"updates":0,"errors":{{core[0].Errors}},"accuracy":{{Json(core[0].Accuracy)}},"loss":{{Json(core[0].Loss)}}}""",
            history[0]!.ToJsonString());
        Assert.Equal(1, history[1]!["updates"]!.GetValue<int>());

        // Predicting with the job runs the network: the same answer as posting its layers to /predict.
        var id = job["id"]!.GetValue<string>();
        var viaJob = await (await _client.PostJsonTextAsync($"{TrainingJobClient.Route}/{id}/predict", """{ "inputs": [[0,0],[0,1],[1,0],[1,1]] }""")).ReadJsonAsync();
        var viaLayers = await (await _client.PostJsonTextAsync("/api/v1/predict", $$"""{ "layers": {{layers.ToJsonString()}}, "activation": "sigmoid", "inputs": [[0,0],[0,1],[1,0],[1,1]] }""")).ReadJsonAsync();
        Assert.Equal(viaLayers.ToJsonString(), viaJob.ToJsonString());
        Assert.Equal([0.0, 1.0, 1.0, 0.0], viaJob["predictions"]!.AsArray().Select(p => Math.Round(p!["output"]!.GetValue<double>())));
    }

    [Fact]
    public async Task TargetLoss_StopsTheNetworkAndIsEchoed()
    {
        var job = await _client.StartAndWaitAsync("""{ "gate": "XOR", "algorithm": "backpropagation", "hiddenLayers": [2], "seed": 1, "targetLoss": 0.01 }""");

        Assert.Equal(("targetLoss", true), (job["result"]!["stopReason"]!.GetValue<string>(), job["result"]!["converged"]!.GetValue<bool>()));
        Assert.True(job["result"]!["loss"]!.GetValue<double>() <= 0.01);
        Assert.Equal(0.01, job["parameters"]!["targetLoss"]!.GetValue<double>());
    }

    [Fact]
    public async Task InitialLayers_StartTheNetworkThere()
    {
        var job = await _client.StartAndWaitAsync("""
            { "inputs": [[0,1],[1,1]], "labels": [1, 0], "algorithm": "backpropagation", "learningRate": 0.5, "maxEpochs": 1,
              "initialLayers": [[{ "bias": 0.1, "weights": [0.2, -0.3] }, { "bias": -0.1, "weights": [0.4, 0.1] }], [{ "bias": 0.05, "weights": [0.3, -0.2] }]] }
            """);

        // The first epoch worked out by hand in the core's tests.
        var history = job["history"]!.AsArray();
        Assert.Equal(0.12491473840938991, history[0]!["loss"]!.GetValue<double>());
        Assert.Equal(
            """[[{"bias":0.09978400127882374,"weights":[0.19756616471681268,-0.30021599872117627]},{"bias":-0.09993404575570333,"weights":[0.4015593468804017,0.10006595424429668]}],[{"bias":0.047416715612935895,"weights":[0.2972199233141853,-0.20449416898282385]}]]""",
            history[1]!["layers"]!.ToJsonString());
        Assert.Equal("[2]", job["parameters"]!["hiddenLayers"]!.ToJsonString());
    }

    [Fact]
    public async Task ANetworksThreshold_IsNullInItsParameters_AsInItsPredictions()
    {
        var job = await _client.StartAndWaitAsync("""{ "gate": "XOR", "algorithm": "backpropagation", "hiddenLayers": [2], "seed": 1, "maxEpochs": 10 }""");
        var id = job["id"]!.GetValue<string>();

        var predicted = await (await _client.PostJsonTextAsync($"{TrainingJobClient.Route}/{id}/predict", """{ "inputs": [[0, 1]] }""")).ReadJsonAsync();

        // A sigmoid output has no θ: its class is 1 when it is at least 0.5, a fixed rule, not a parameter.
        Assert.Equal(JsonValueKind.Null, job["parameters"]!.AsObject()["threshold"]?.GetValueKind() ?? JsonValueKind.Null);
        Assert.True(job["parameters"]!.AsObject().ContainsKey("threshold"));
        Assert.True(predicted.AsObject().ContainsKey("threshold"));
        Assert.Null(predicted["threshold"]);
        Assert.Equal("sigmoid", predicted["activation"]!.GetValue<string>());
    }

    [Fact]
    public async Task ATwoClassNetworkFromInitialLayers_ReportsThemAndNoInitialization_AndDrawsNoSeed()
    {
        var job = await _client.StartAndWaitAsync("""
            { "inputs": [[0,1],[1,1]], "labels": ["yes", "no"], "algorithm": "backpropagation", "learningRate": 0.5, "maxEpochs": 1,
              "initialLayers": [[{ "bias": 0.1, "weights": [0.2, -0.3] }, { "bias": -0.1, "weights": [0.4, 0.1] }], [{ "bias": 0.05, "weights": [0.3, -0.2] }]] }
            """);

        // The given layers replaced the random initialization: it did not run, so none is reported, and nothing was drawn.
        var parameters = job["parameters"]!;
        Assert.Null(parameters["initialization"]);
        Assert.Null(parameters["seed"]);
        Assert.Equal(
            """[[{"bias":0.1,"weights":[0.2,-0.3]},{"bias":-0.1,"weights":[0.4,0.1]}],[{"bias":0.05,"weights":[0.3,-0.2]}]]""",
            parameters["initialLayers"]!.ToJsonString());
        Assert.Equal("""["no","yes"]""", parameters["classes"]!.ToJsonString());
    }

    [Fact]
    public async Task ATwoClassNetwork_CarriesItsClassesInTheResult_AsATwoClassUnitDoes()
    {
        var job = await _client.StartAndWaitAsync("""
            { "inputs": [[0,1],[1,1]], "labels": ["yes", "no"], "algorithm": "backpropagation", "hiddenLayers": [2], "seed": 3, "maxEpochs": 5 }
            """);

        // classes[0] ("no") is the negative label, classes[1] ("yes") the positive one, in the result as in the parameters.
        Assert.Equal("""["no","yes"]""", job["result"]!["classes"]!.ToJsonString());
        Assert.Equal("""["no","yes"]""", job["parameters"]!["classes"]!.ToJsonString());
        Assert.Equal([2, 1], job["result"]!["layers"]!.AsArray().Select(layer => layer!.AsArray().Count));
    }

    [Fact]
    public async Task ABinaryNetwork_HasNoClassesInItsResult()
    {
        var job = await _client.StartAndWaitAsync("""{ "gate": "XOR", "algorithm": "backpropagation", "hiddenLayers": [2], "seed": 1, "maxEpochs": 5 }""");

        Assert.False(job["result"]!.AsObject().ContainsKey("classes"));
    }

    [Theory]
    [InlineData("""{ "gate": "XOR", "algorithm": "backpropagation" }""", "hiddenLayers", "must list the sizes of 1 or more hidden layers for backpropagation, e.g. [2].")]
    [InlineData("""{ "gate": "XOR", "algorithm": "backpropagation", "hiddenLayers": [0] }""", "hiddenLayers[0]", "must be between 1 and 4096 units (got 0).")]
    [InlineData("""{ "gate": "XOR", "hiddenLayers": [2] }""", "hiddenLayers", "applies only to the backpropagation algorithm; leave it out for perceptron.")]
    [InlineData("""{ "inputs": [[0], [1]], "labels": [0, 1], "algorithm": "backpropagation", "hiddenLayers": [2], "activation": "sign" }""", "activation", "must be left out (or sigmoid) for backpropagation, whose units are sigmoid units (got sign).")]
    [InlineData("""{ "gate": "XOR", "algorithm": "backpropagation", "hiddenLayers": [2], "targetLoss": -1 }""", "targetLoss", "must be a finite number of at least 0 (got -1).")]
    [InlineData("""{ "gate": "XOR", "algorithm": "backpropagation", "initialLayers": [[{ "bias": 0, "weights": [1, 1] }], [{ "bias": 0, "weights": [1, 1] }]] }""", "initialLayers[1][0].weights", "must have 1 values, one per unit of initialLayers[0] (got 2).")]
    [InlineData("""{ "gate": "XOR", "algorithm": "backpropagation", "hiddenLayers": [2], "maxEpochs": 10000 }""", "maxEpochs", "is 10000: with a network of 9 biases and weights the history would hold 90009 numbers; the limit is 50000 (Training:MaxHistoryValues).")]
    public async Task BadNetworkRequest_Is400NamingTheField(string body, string field, string message)
    {
        using var factory = new PerceptronApiFactory(new() { ["Training:MaxHistoryValues"] = "50000" });
        var response = await factory.CreateClient().PostJsonTextAsync(TrainingJobClient.Route, body);

        var problem = await response.AssertProblemAsync(HttpStatusCode.BadRequest);
        Assert.Equal($$"""{"{{field}}":["{{message}}"]}""", problem["errors"]!.ToJsonString());
    }

    private static string Json(double value) => JsonValue.Create(value).ToJsonString();
}
