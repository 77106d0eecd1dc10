using System.Net;
using PerceptronApi.Tests.Infrastructure;

namespace PerceptronApi.Tests.Training;

/// <summary>Predicting with a classes job answers with its class labels: two classes by θ, one-vs-rest by the largest z.</summary>
public class ClassPredictionTests(TrainingFactory factory) : IClassFixture<TrainingFactory>
{
    private readonly HttpClient _client = factory.CreateClient();

    private async Task<string> TrainAsync(string labels) =>
        (await _client.StartAndWaitAsync($$"""{ "inputs": [[0,0],[0,1],[1,0],[1,1]], "labels": {{labels}}, "maxEpochs": 50 }"""))["id"]!.GetValue<string>();

    private async Task<HttpResponseMessage> PredictAsync(string id, string body) =>
        await _client.PostJsonTextAsync($"{TrainingJobClient.Route}/{id}/predict", body);

    [Fact]
    public async Task OneVsRestWithNames_AnswersEveryUnitsZ_TheLargestsClass_AndTheFirstOnATie()
    {
        // Trained units: high 0.2 + 0.2·x1 + 0.2·x2, low 0.5 − 0.1·x1 − 0.1·x2, mid 0.5 − 0.1·x1 (see the job's result).
        var id = await TrainAsync("""["low", "mid", "mid", "high"]""");

        var response = await PredictAsync(id, """{ "expected": ["low", "mid", "mid", "high"] }""");

        // (0,0): low and mid tie at 0.5, low comes first; (1,0): all three tie at 0.4, high comes first — wrong, mid was expected.
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal(
            """{"activation":"step","threshold":null,"classes":["high","low","mid"],"predictions":[{"inputs":[0,0],"z":[0.2,0.5,0.5],"output":"low","expected":"low","correct":true},{"inputs":[0,1],"z":[0.4,0.4,0.5],"output":"mid","expected":"mid","correct":true},{"inputs":[1,0],"z":[0.4,0.4,0.4],"output":"high","expected":"mid","correct":false},{"inputs":[1,1],"z":[0.6000000000000001,0.30000000000000004,0.4],"output":"high","expected":"high","correct":true}],"summary":{"count":4,"correct":3,"misclassified":1,"accuracy":0.75}}""",
            await response.Content.ReadAsStringAsync());
    }

    [Fact]
    public async Task OneVsRestWithNumbers_AnswersNumericLabels()
    {
        // The same problem with 3, 7, 9 in place of high, low, mid (the same sorted order).
        var id = await TrainAsync("[7, 9, 9, 3]");

        var response = await PredictAsync(id, """{ "inputs": [[0, 0], [1, 0]] }""");

        Assert.Equal(
            """{"activation":"step","threshold":null,"classes":[3,7,9],"predictions":[{"inputs":[0,0],"z":[0.2,0.5,0.5],"output":7},{"inputs":[1,0],"z":[0.4,0.4,0.4],"output":3}]}""",
            await response.Content.ReadAsStringAsync());
    }

    [Theory]
    [InlineData("""["yes", "no", "no", "no"]""", """["no","yes"]""", "\"yes\"", "\"no\"", """["yes", "no", "no", "yes"]""")]
    [InlineData("[5, 2, 2, 2]", "[2,5]", "5", "2", "[5, 2, 2, 5]")]
    public async Task TwoClasses_AnswerTheUnitsZ_AndTheSecondClassWhenZReachesTheta(string labels, string classes, string positive, string negative, string expected)
    {
        // NOR in other words: from zeros the unit learns bias 0.5, weights −0.1, −0.1; θ 0.5.
        var id = await TrainAsync(labels);

        var response = await PredictAsync(id, $$"""{ "expected": {{expected}} }""");

        Assert.Equal(
            $$$"""{"activation":"step","threshold":0.5,"classes":{{{classes}}},"predictions":[{"inputs":[0,0],"z":0.5,"output":{{{positive}}},"expected":{{{positive}}},"correct":true},{"inputs":[0,1],"z":0.4,"output":{{{negative}}},"expected":{{{negative}}},"correct":true},{"inputs":[1,0],"z":0.4,"output":{{{negative}}},"expected":{{{negative}}},"correct":true},{"inputs":[1,1],"z":0.30000000000000004,"output":{{{negative}}},"expected":{{{positive}}},"correct":false}],"summary":{"count":4,"correct":3,"misclassified":1,"accuracy":0.75}}""",
            await response.Content.ReadAsStringAsync());
    }

    [Fact]
    public async Task ATwoClassNetwork_AnswersItsOutputUnitsZ_AndTheClassOfOutputAtLeastHalf()
    {
        var job = await _client.StartAndWaitAsync("""
            { "inputs": [[0,1],[1,1]], "labels": ["up", "down"], "algorithm": "backpropagation", "learningRate": 0.5, "maxEpochs": 1,
              "initialLayers": [[{ "bias": 0.1, "weights": [0.2, -0.3] }, { "bias": -0.1, "weights": [0.4, 0.1] }], [{ "bias": 0.05, "weights": [0.3, -0.2] }]] }
            """);
        var id = job["id"]!.GetValue<string>();
        var layers = job["result"]!["layers"]!.ToJsonString();
        var viaLayers = await (await _client.PostJsonTextAsync("/api/v1/predict", $$"""{ "layers": {{layers}}, "activation": "sigmoid", "inputs": [[0,1],[1,1]] }""")).ReadJsonAsync();

        var response = await (await PredictAsync(id, """{ "inputs": [[0,1],[1,1]], "expected": ["up", "up"] }""")).ReadJsonAsync();

        // "down" is classes[0] (class 0), "up" classes[1]: the network's own class of each row, named.
        var names = viaLayers["predictions"]!.AsArray().Select(p => p!["class"]!.GetValue<double>() == 1 ? "up" : "down").ToList();
        Assert.Equal("""["down","up"]""", response["classes"]!.ToJsonString());
        Assert.Equal(viaLayers["predictions"]!.AsArray().Select(p => p!["z"]!.GetValue<double>()), response["predictions"]!.AsArray().Select(p => p!["z"]!.GetValue<double>()));
        Assert.Equal(names, response["predictions"]!.AsArray().Select(p => p!["output"]!.GetValue<string>()));
        Assert.Equal(names.Select(n => n == "up"), response["predictions"]!.AsArray().Select(p => p!["correct"]!.GetValue<bool>()));
        Assert.Equal(("sigmoid", null), (response["activation"]!.GetValue<string>(), response["threshold"]));
    }

    [Theory]
    [InlineData("""{ "expected": ["low", "mid", "mid", "top"] }""", "expected[3]", "must be one of the job's classes (high, low, mid); got \"top\".")]
    [InlineData("""{ "expected": ["low", "mid", "mid", 1] }""", "expected[3]", "must be one of the job's classes (high, low, mid); got 1.")]
    [InlineData("""{ "expected": ["low"] }""", "expected", "has 1 labels; there are 4 input rows.")]
    [InlineData("""{ "target": "NOR" }""", "target", "names a gate, whose outputs are 0 and 1; this job predicts its classes (high, low, mid). Give the expected classes in \"expected\" instead.")]
    [InlineData("""{ "inputs": [[1, 2, 3]] }""", "inputs[0]", null)]
    public async Task BadRowsOrLabels_ForAClassesJob_Are400NamingTheField(string body, string field, string? message)
    {
        var id = await TrainAsync("""["low", "mid", "mid", "high"]""");

        var problem = await (await PredictAsync(id, body)).AssertProblemAsync(HttpStatusCode.BadRequest);

        var messages = problem.ErrorsFor(field);
        if (message is not null)
        {
            Assert.Equal([message], messages);
        }
    }

    [Fact]
    public async Task ABinaryJob_RefusesANamedExpectedLabel()
    {
        var id = (await _client.StartAndWaitAsync("""{ "gate": "NOR" }"""))["id"]!.GetValue<string>();

        var problem = await (await PredictAsync(id, """{ "expected": [1, 0, 0, "no"] }""")).AssertProblemAsync(HttpStatusCode.BadRequest);

        Assert.Equal(["must be a number: this job trained on numeric labels (got \"no\")."], problem.ErrorsFor("expected[3]"));
    }
}

/// <summary>A classes job in the shared store: trained by one replica's worker as one-vs-rest, predicted by another.</summary>
public sealed class SharedStoreClassesTests(PerceptronApi.Tests.Redis.RedisServer server) : IClassFixture<PerceptronApi.Tests.Redis.RedisServer>
{
    [SkippableFact]
    public async Task AOneVsRestJob_TrainsAsInMemory_AndPredictsItsClassesFromAnyReplica()
    {
        var prefix = $"test{Guid.NewGuid():N}:";
        await using var api = PerceptronApi.Tests.Redis.RedisTrainingFactory.Create(server, new() { ["Training:Workers"] = "0" }, prefix);
        await using var worker = PerceptronApi.Tests.Redis.RedisTrainingFactory.Create(server, new() { ["Training:Workers"] = "1" }, prefix);
        await using var memory = new TrainingFactory();

        // A factory's host starts with its first client: the worker replica must be up before the job is queued.
        var back = worker.CreateClient();
        const string Job = """{ "inputs": [[0,0],[0,1],[1,0],[1,1]], "labels": ["low", "mid", "mid", "high"], "maxEpochs": 50 }""";

        var shared = await api.CreateClient().StartAndWaitAsync(Job);
        var local = await memory.CreateClient().StartAndWaitAsync(Job);

        Assert.Equal(local["result"]!.ToJsonString(), shared["result"]!.ToJsonString());
        Assert.Equal(local["history"]!.ToJsonString(), shared["history"]!.ToJsonString());
        var predicted = await (await back.PostJsonTextAsync($"{TrainingJobClient.Route}/{shared["id"]!.GetValue<string>()}/predict", """{ "inputs": [[0, 0], [1, 1]] }""")).ReadJsonAsync();
        Assert.Equal(
            """{"activation":"step","threshold":null,"classes":["high","low","mid"],"predictions":[{"inputs":[0,0],"z":[0.2,0.5,0.5],"output":"low"},{"inputs":[1,1],"z":[0.6000000000000001,0.30000000000000004,0.4],"output":"high"}]}""",
            predicted.ToJsonString());
    }
}
