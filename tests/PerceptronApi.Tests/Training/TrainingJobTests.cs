using System.Globalization;
using System.Net;
using System.Text;
using System.Text.Json.Nodes;
using PerceptronApi.Core.Gates;
using PerceptronApi.Core.Model;
using PerceptronApi.Core.Training;
using PerceptronApi.Tests.Infrastructure;

namespace PerceptronApi.Tests.Training;

public class TrainingJobTests(TrainingFactory factory) : IClassFixture<TrainingFactory>
{
    private readonly HttpClient _client = factory.CreateClient();

    /// <summary>The API.md worked example: NOR from zeros, perceptron, η 0.1, θ 0.5.</summary>
    private static readonly (double Bias, double[] Weights, int Updates, int Errors)[] NorTable =
    [
        (0, [0, 0], 0, 1),
        (0.1, [0, 0], 1, 1),
        (0.2, [0, 0], 1, 1),
        (0.30000000000000004, [0, 0], 1, 1),
        (0.4, [0, 0], 1, 1),
        (0.4, [0, -0.1], 2, 1),
        (0.4, [-0.1, -0.1], 2, 1),
        (0.5, [-0.1, -0.1], 1, 0),
        (0.5, [-0.1, -0.1], 0, 0),
    ];

    private static void AssertHistoryEqualsCore(JsonNode history, IReadOnlyList<EpochRecord> expected)
    {
        var records = history.AsArray();
        Assert.Equal(expected.Count, records.Count);
        for (var i = 0; i < expected.Count; i++)
        {
            var record = records[i]!;
            Assert.Equal(expected[i].Epoch, record["epoch"]!.GetValue<int>());
            Assert.Equal(expected[i].Bias, record["bias"]!.GetValue<double>());
            Assert.Equal(expected[i].Weights.ToArray(), record["weights"].Doubles());
            Assert.Equal(expected[i].Updates, record["updates"]!.GetValue<int>());
            Assert.Equal(expected[i].Errors, record["errors"]!.GetValue<int>());
            Assert.Equal(expected[i].Accuracy, record["accuracy"]!.GetValue<double>());
            Assert.Equal(expected[i].Loss, record["loss"]!.GetValue<double>());
        }
    }

    private static List<EpochRecord> CoreHistory(TrainingSet data, TrainingOptions options)
    {
        var records = new List<EpochRecord>();
        Trainer.Train(data, options, records.Add);
        return records;
    }

    [Fact]
    public async Task TrainingNorWithPreferWait_Returns201WithTheWorkedExampleHistory()
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, TrainingJobClient.Route) { Content = new StringContent("""{ "gate": "NOR" }""", Encoding.UTF8, "application/json") };
        request.Headers.Add("Prefer", "wait=10");

        var response = await _client.SendAsync(request);

        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        Assert.Equal("wait=10", response.Headers.GetValues("Preference-Applied").Single());
        var job = await response.ReadJsonAsync();
        var id = job["id"]!.GetValue<string>();
        Assert.Matches("^[0-9a-f]{32}$", id);
        Assert.Equal($"/api/v1/training-jobs/{id}", response.Headers.Location?.OriginalString);
        Assert.Equal("succeeded", job["status"]!.GetValue<string>());
        // An open service has no owners: the field is left out.
        Assert.False(job.AsObject().ContainsKey("owner"));
        var parameters = job["parameters"]!;
        Assert.Equal("perceptron", parameters["algorithm"]!.GetValue<string>());
        Assert.Equal("step", parameters["activation"]!.GetValue<string>());
        Assert.Equal(0.5, parameters["threshold"]!.GetValue<double>());
        Assert.Equal(0.1, parameters["learningRate"]!.GetValue<double>());
        Assert.Equal(100, parameters["maxEpochs"]!.GetValue<int>());
        Assert.Equal("zeros", parameters["initialization"]!.GetValue<string>());
        Assert.False(parameters["shuffle"]!.GetValue<bool>());
        Assert.Equal(4, parameters["samples"]!.GetValue<int>());
        Assert.Equal(2, parameters["features"]!.GetValue<int>());
        Assert.Equal("NOR", parameters["gate"]!.GetValue<string>());
        Assert.Equal(8, job["progress"]!["epoch"]!.GetValue<int>());
        var result = job["result"]!;
        Assert.Equal(0.5, result["bias"]!.GetValue<double>());
        Assert.Equal([-0.1, -0.1], result["weights"].Doubles());
        Assert.True(result["converged"]!.GetValue<bool>());
        Assert.Equal("converged", result["stopReason"]!.GetValue<string>());
        Assert.Equal(8, result["epochs"]!.GetValue<int>());
        Assert.Equal(0, result["errors"]!.GetValue<int>());
        Assert.Equal(1.0, result["accuracy"]!.GetValue<double>());
        Assert.Null(job["error"]);
        var history = job["history"]!.AsArray();
        Assert.Equal(9, history.Count);
        for (var epoch = 0; epoch < NorTable.Length; epoch++)
        {
            Assert.Equal(epoch, history[epoch]!["epoch"]!.GetValue<int>());
            Assert.Equal(NorTable[epoch].Bias, history[epoch]!["bias"]!.GetValue<double>());
            Assert.Equal(NorTable[epoch].Weights, history[epoch]!["weights"].Doubles());
            Assert.Equal(NorTable[epoch].Updates, history[epoch]!["updates"]!.GetValue<int>());
            Assert.Equal(NorTable[epoch].Errors, history[epoch]!["errors"]!.GetValue<int>());
            Assert.Equal(1 - (NorTable[epoch].Errors / 4.0), history[epoch]!["accuracy"]!.GetValue<double>());
        }

        GateCatalogue.TryGet("NOR", out var nor);
        AssertHistoryEqualsCore(history, CoreHistory(new TrainingSet(nor.TruthTableInputs, nor.TruthTableOutputs), new TrainingOptions()));
        Assert.Equal(0.125, history[0]!["loss"]!.GetValue<double>());
    }

    [Fact]
    public async Task TrainingWithoutPreferWait_Returns202WithLocationAndRetryAfter_ThenSucceeds()
    {
        var response = await _client.PostJsonTextAsync(TrainingJobClient.Route, """{ "gate": "AND" }""");

        Assert.Equal(HttpStatusCode.Accepted, response.StatusCode);
        Assert.Equal("1", response.Headers.GetValues("Retry-After").Single());
        var job = await response.ReadJsonAsync();
        Assert.Contains(job["status"]!.GetValue<string>(), new[] { "queued", "running", "succeeded" });
        Assert.Null(job["error"]);
        var id = job["id"]!.GetValue<string>();
        Assert.Equal($"/api/v1/training-jobs/{id}", response.Headers.Location?.OriginalString);

        var done = await _client.WaitForStatusAsync(id, "succeeded");

        Assert.True(done["result"]!["converged"]!.GetValue<bool>());
        Assert.Null(done["history"]);
        Assert.NotNull(done["startedAt"]);
        Assert.EndsWith("Z", done["finishedAt"]!.GetValue<string>(), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("respond-async, wait=600", "wait=30")]
    [InlineData("WAIT=2147483648", "wait=30")]
    [InlineData("wait=5;ignored=1", "wait=5")]
    public async Task PreferWait_AboveTheLimitIsCutToIt_AndIsReadCaseInsensitively(string prefer, string applied)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, TrainingJobClient.Route) { Content = new StringContent("""{ "gate": "NAND" }""", Encoding.UTF8, "application/json") };
        request.Headers.TryAddWithoutValidation("Prefer", prefer);

        var response = await _client.SendAsync(request);

        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        Assert.Equal(applied, response.Headers.GetValues("Preference-Applied").Single());
    }

    [Fact]
    public async Task TutorialGuessAsInitialWeights_ShowsThreeErrorsAtEpochZero()
    {
        var job = await _client.StartAndWaitAsync("""{ "gate": "NOR", "initialWeights": { "bias": 0.4, "weights": [0.7, -0.2] } }""");

        var first = job["history"]![0]!;
        Assert.Equal(0.4, first["bias"]!.GetValue<double>());
        Assert.Equal([0.7, -0.2], first["weights"].Doubles());
        Assert.Equal(3, first["errors"]!.GetValue<int>());
        Assert.Equal(0.25, first["accuracy"]!.GetValue<double>());
        Assert.Equal([0.7, -0.2], job["parameters"]!["initialWeights"]!["weights"].Doubles());
        Assert.True(job["result"]!["converged"]!.GetValue<bool>());
    }

    [Fact]
    public async Task XorWithoutTheCycleStop_NeverConverges_ButSucceeds()
    {
        var job = await _client.StartAndWaitAsync("""{ "gate": "XOR", "maxEpochs": 50, "stopOnCycle": false }""");

        Assert.Equal("succeeded", job["status"]!.GetValue<string>());
        Assert.False(job["result"]!["converged"]!.GetValue<bool>());
        Assert.Equal("maxEpochsReached", job["result"]!["stopReason"]!.GetValue<string>());
        Assert.Equal(51, job["history"]!.AsArray().Count);
        Assert.Null(job["result"]!["cycle"]);
        Assert.False(job["parameters"]!["stopOnCycle"]!.GetValue<bool>());
    }

    [Fact]
    public async Task Xor_StopsOnTheCycleAndSaysWhatItProves()
    {
        var job = await _client.StartAndWaitAsync("""{ "gate": "XOR", "maxEpochs": 50 }""");

        var result = job["result"]!;
        Assert.Equal("succeeded", job["status"]!.GetValue<string>());
        Assert.Equal(
            """{"bias":0.5,"weights":[-0.1,0],"converged":false,"stopReason":"cycle","epochs":8,"errors":2,"accuracy":0.5,"loss":0.1275,"cycle":{"from":7,"to":8},"explanation":"The weights at the end of epoch 8 are exactly those at the end of epoch 7, and epoch 8 made updates: with the samples in the same order, epoch 8 would repeat forever without reaching an epoch free of mistakes. By the perceptron convergence theorem the rule always reaches one on linearly separable data, so these data are not linearly separable: no single perceptron classifies every sample right."}""",
            result.ToJsonString());
        Assert.Equal(9, job["history"]!.AsArray().Count);
        Assert.Equal(job["history"]![7]!["weights"]!.ToJsonString(), job["history"]![8]!["weights"]!.ToJsonString());
    }

    [Fact]
    public async Task PocketOnXor_KeepsThreeOfFourRight()
    {
        var job = await _client.StartAndWaitAsync("""{ "gate": "XOR", "algorithm": "pocket", "maxEpochs": 30 }""");

        Assert.Equal(1, job["result"]!["errors"]!.GetValue<int>());
        Assert.Equal(0.75, job["result"]!["accuracy"]!.GetValue<double>());
    }

    [Theory]
    [InlineData("perceptron")]
    [InlineData("pocket")]
    [InlineData("averaged")]
    [InlineData("adaline")]
    public async Task ALargerDataset_HasTheCoresHistoryThroughHttp(string algorithm)
    {
        var random = new Random(12345);
        var rows = new List<double[]>();
        var labels = new List<double>();
        for (var i = 0; i < 300; i++)
        {
            double[] row = [.. Enumerable.Range(0, 6).Select(_ => Math.Round(random.NextDouble() * 4 - 2, 3))];
            rows.Add(row);
            labels.Add(row[0] + (0.5 * row[1]) - row[2] > 0.1 ? 1 : 0);
        }

        var json = $$"""
            { "inputs": [{{string.Join(",", rows.Select(r => "[" + string.Join(",", r.Select(v => v.ToString("R", CultureInfo.InvariantCulture))) + "]"))}}],
              "labels": [{{string.Join(",", labels)}}], "algorithm": "{{algorithm}}", "learningRate": 0.05, "maxEpochs": 40,
              "shuffle": true, "seed": 99 }
            """;

        var job = await _client.StartAndWaitAsync(json);

        var options = new TrainingOptions
        {
            Algorithm = Enum.Parse<TrainingAlgorithm>(algorithm, ignoreCase: true),
            LearningRate = 0.05,
            MaxEpochs = 40,
            Shuffle = true,
            Seed = 99,
        };
        var expected = CoreHistory(new TrainingSet(Matrix.FromRows([.. rows]), [.. labels]), options);
        AssertHistoryEqualsCore(job["history"]!, expected);
        Assert.Equal(99, job["parameters"]!["seed"]!.GetValue<int>());
    }

    [Fact]
    public async Task TheSameSeed_GivesTheSameHistory_AndADrawnSeedIsEchoedAndRepeatable()
    {
        var first = await _client.StartAndWaitAsync("""{ "gate": "NAND", "shuffle": true, "initialization": "random" }""");
        var seed = first["parameters"]!["seed"]!.GetValue<int>();

        var second = await _client.StartAndWaitAsync($$"""{ "gate": "NAND", "shuffle": true, "initialization": "random", "seed": {{seed}} }""");

        Assert.True(JsonNode.DeepEquals(first["history"], second["history"]));
        Assert.Equal("random", second["parameters"]!["initialization"]!.GetValue<string>());
    }

    [Fact]
    public async Task CsvAndJson_GiveTheSameHistory()
    {
        var json = await _client.StartAndWaitAsync("""
            { "inputs": [[5.1, 1.4], [7.0, 4.7], [4.9, 1.5], [6.4, 4.5], [5.0, 1.6]], "labels": [0, 1, 0, 1, 0],
              "algorithm": "averaged", "learningRate": 0.2, "maxEpochs": 30, "initialWeights": { "bias": 0.4, "weights": [0.7, -0.2] } }
            """);
        using var request = new HttpRequestMessage(
            HttpMethod.Post,
            $"{TrainingJobClient.Route}?algorithm=averaged&learningRate=0.2&maxEpochs=30&initialWeights.bias=0.4&initialWeights.weights=0.7,-0.2")
        {
            Content = new StringContent("sepal length, petal length, label\n5.1,1.4,0\n7.0,4.7,1\n4.9,1.5,0\n6.4,4.5,1\n5.0,1.6,0\n", Encoding.UTF8, "text/csv"),
        };
        request.Headers.Add("Prefer", "wait=10");

        var response = await _client.SendAsync(request);

        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        var csv = await response.ReadJsonAsync();
        Assert.True(JsonNode.DeepEquals(json["history"], csv["history"]));
        Assert.True(JsonNode.DeepEquals(json["result"], csv["result"]));
        Assert.Equal(5, csv["parameters"]!["samples"]!.GetValue<int>());
    }

    [Fact]
    public async Task AdalineWithTolerance_StopsOnTheLossAndConverges()
    {
        var job = await _client.StartAndWaitAsync("""{ "gate": "AND", "algorithm": "adaline", "learningRate": 0.1, "maxEpochs": 5000, "tolerance": 1e-9 }""");

        var result = job["result"]!;
        Assert.Equal("lossTolerance", result["stopReason"]!.GetValue<string>());
        Assert.True(result["converged"]!.GetValue<bool>());
        Assert.True(result["epochs"]!.GetValue<int>() < 5000);
        Assert.Equal(1e-9, job["parameters"]!["tolerance"]!.GetValue<double>());
    }

    [Fact]
    public async Task AdalineThatDiverges_FailsWithAProblem()
    {
        var job = await _client.StartAndWaitAsync("""{ "inputs": [[100, 200], [300, 400]], "labels": [0, 1], "algorithm": "adaline", "learningRate": 10, "maxEpochs": 1000 }""");

        Assert.Equal("failed", job["status"]!.GetValue<string>());
        Assert.Null(job["result"]);
        var error = job["error"]!;
        Assert.Equal("Training diverged", error["title"]!.GetValue<string>());
        Assert.Contains("learning rate", error["detail"]!.GetValue<string>(), StringComparison.Ordinal);
        Assert.Equal(error["detail"]!.GetValue<string>(), job["statusReason"]!.GetValue<string>());
    }

    [Fact]
    public async Task SignActivation_TrainsOnMinusOneAndOne()
    {
        var job = await _client.StartAndWaitAsync("""{ "gate": "OR", "activation": "sign" }""");

        Assert.Equal(0.0, job["parameters"]!["threshold"]!.GetValue<double>());
        Assert.True(job["result"]!["converged"]!.GetValue<bool>());
        var id = job["id"]!.GetValue<string>();
        var prediction = await (await _client.PostAsync($"{TrainingJobClient.Route}/{id}/predict", null)).ReadJsonAsync();
        Assert.Equal([-1.0, 1, 1, 1], prediction["predictions"]!.AsArray().Select(p => p!["output"]!.GetValue<double>()));
    }

    [Fact]
    public async Task PredictingWithATrainedJob_UsesItsModel()
    {
        var job = await _client.StartAndWaitAsync("""{ "gate": "NOR" }""");
        var id = job["id"]!.GetValue<string>();

        var response = await _client.PostJsonTextAsync($"{TrainingJobClient.Route}/{id}/predict", """{ "inputs": [[0, 0], [1, 1]], "target": "NOR" }""");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var body = await response.ReadJsonAsync();
        Assert.Equal([0.5, 0.30000000000000004], body["predictions"]!.AsArray().Select(p => p!["z"]!.GetValue<double>()));
        Assert.Equal([1.0, 0], body["predictions"]!.AsArray().Select(p => p!["output"]!.GetValue<double>()));
        Assert.Equal(1.0, body["summary"]!["accuracy"]!.GetValue<double>());
    }

    [Fact]
    public async Task HistoryPages_FollowNextToTheEnd()
    {
        var job = await _client.StartAndWaitAsync("""{ "gate": "NOR" }""");
        var url = $"{TrainingJobClient.Route}/{job["id"]}/history?from=0&limit=4";
        var epochs = new List<int>();

        while (url is not null)
        {
            var page = await (await _client.GetAsync(url)).ReadJsonAsync();
            epochs.AddRange(page["items"]!.AsArray().Select(r => r!["epoch"]!.GetValue<int>()));
            url = page["next"]?.GetValue<string>()!;
        }

        Assert.Equal(Enumerable.Range(0, 9), epochs);
    }

    [Theory]
    [InlineData("50")]
    [InlineData("99999999999")]
    public async Task HistoryFromPastTheLastRecord_IsAnEmptyLastPage_HoweverFar(string from)
    {
        var job = await _client.StartAndWaitAsync("""{ "gate": "NOR" }""");

        var response = await _client.GetAsync($"{TrainingJobClient.Route}/{job["id"]}/history?from={from}");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("""{"items":[],"next":null}""", await response.Content.ReadAsStringAsync());
    }

    [Fact]
    public async Task HistoryFromBeyondAnyEpoch_OfARunningJob_HasNoNextPage()
    {
        var id = await _client.StartAsync(TrainingJobClient.LongJob());
        await _client.WaitForStatusAsync(id, "running");

        var page = await (await _client.GetAsync($"{TrainingJobClient.Route}/{id}/history?from=99999999999")).ReadJsonAsync();

        // No job records an epoch past the integers (maxEpochs is one): there is nothing to wait for there.
        Assert.Equal("""{"items":[],"next":null}""", page.ToJsonString());
        await _client.DeleteAsync($"{TrainingJobClient.Route}/{id}");
    }

    [Fact]
    public async Task HistoryFalse_LeavesTheHistoryOut()
    {
        var job = await _client.StartAndWaitAsync("""{ "gate": "NOR" }""");

        var brief = await _client.GetJobAsync(job["id"]!.GetValue<string>(), history: false);

        Assert.Null(brief["history"]);
        Assert.Equal(8, brief["progress"]!["epoch"]!.GetValue<int>());
        Assert.Equal(0.5, brief["result"]!["bias"]!.GetValue<double>());
    }

    [Fact]
    public async Task Cancelling_AFinishedJob_Returns409()
    {
        var job = await _client.StartAndWaitAsync("""{ "gate": "NOR" }""");

        var response = await _client.PostAsync($"{TrainingJobClient.Route}/{job["id"]}/cancel", null);

        var problem = await response.AssertProblemAsync(HttpStatusCode.Conflict);
        Assert.Contains("has already finished (succeeded)", problem["detail"]!.GetValue<string>(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Deleting_RemovesTheJob()
    {
        var job = await _client.StartAndWaitAsync("""{ "gate": "NOR" }""");
        var url = $"{TrainingJobClient.Route}/{job["id"]}";

        var response = await _client.DeleteAsync(url);

        Assert.Equal(HttpStatusCode.NoContent, response.StatusCode);
        await (await _client.GetAsync(url)).AssertProblemAsync(HttpStatusCode.NotFound);
    }

    [Theory]
    [InlineData("GET", "")]
    [InlineData("GET", "/history")]
    [InlineData("GET", "/events")]
    [InlineData("POST", "/cancel")]
    [InlineData("POST", "/predict")]
    [InlineData("DELETE", "")]
    public async Task AnUnknownJobId_Returns404(string method, string suffix)
    {
        var response = await _client.SendAsync(new HttpRequestMessage(new HttpMethod(method), $"{TrainingJobClient.Route}/0123456789abcdef0123456789abcdef{suffix}"));

        var problem = await response.AssertProblemAsync(HttpStatusCode.NotFound);
        Assert.StartsWith("There is no training job 0123456789abcdef0123456789abcdef.", problem["detail"]!.GetValue<string>(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Listing_IsNewestFirst_FiltersByStatus_AndPages()
    {
        var a = (await _client.StartAndWaitAsync("""{ "gate": "AND" }"""))["id"]!.GetValue<string>();
        var b = (await _client.StartAndWaitAsync("""{ "inputs": [[100, 200], [300, 400]], "labels": [0, 1], "algorithm": "adaline", "learningRate": 10 }"""))["id"]!.GetValue<string>();
        var c = (await _client.StartAndWaitAsync("""{ "gate": "OR" }"""))["id"]!.GetValue<string>();

        var page = await (await _client.GetAsync($"{TrainingJobClient.Route}?limit=2")).ReadJsonAsync();
        var ids = page["items"]!.AsArray().Select(j => j!["id"]!.GetValue<string>()).ToList();
        Assert.Equal([c, b], ids);
        Assert.Null(page["items"]![0]!["history"]);
        var next = page["next"]!.GetValue<string>();
        var second = await (await _client.GetAsync(next)).ReadJsonAsync();
        Assert.Equal(a, second["items"]![0]!["id"]!.GetValue<string>());

        var failed = await (await _client.GetAsync($"{TrainingJobClient.Route}?status=failed")).ReadJsonAsync();
        Assert.Contains(b, failed["items"]!.AsArray().Select(j => j!["id"]!.GetValue<string>()));
        Assert.All(failed["items"]!.AsArray(), j => Assert.Equal("failed", j!["status"]!.GetValue<string>()));
    }

    [Fact]
    public async Task PredictingWhileTheJobHasNoResult_Returns409()
    {
        var id = await _client.StartAsync(TrainingJobClient.LongJob());

        var response = await _client.PostJsonTextAsync($"{TrainingJobClient.Route}/{id}/predict", "{}");

        var problem = await response.AssertProblemAsync(HttpStatusCode.Conflict);
        Assert.Contains("has no result", problem["detail"]!.GetValue<string>(), StringComparison.Ordinal);
        await _client.DeleteAsync($"{TrainingJobClient.Route}/{id}");
    }
}
