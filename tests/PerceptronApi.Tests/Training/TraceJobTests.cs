using System.Net;
using System.Net.Http.Headers;
using System.Text.Json.Nodes;
using PerceptronApi.Tests.Infrastructure;
using PerceptronApi.Tests.Redis;

namespace PerceptronApi.Tests.Training;

/// <summary>"trace": true keeps every sample step; …/epochs/{epoch}/steps serves them, the tutorial's table row by row.</summary>
public class TraceJobTests(TrainingFactory factory) : IClassFixture<TrainingFactory>
{
    /// <summary>The tutorial's NOR from its guess: bias 0.4, weights 0.7 and −0.2, step θ 0.5, η 0.1.</summary>
    public const string TracedGuess = """{ "gate": "NOR", "initialWeights": { "bias": 0.4, "weights": [0.7, -0.2] }, "trace": true }""";

    /// <summary>
    /// Epoch 1 of <see cref="TracedGuess"/>, worked by hand: (0,0) gives z 0.4 &lt; 0.5, output 0 against 1, so the bias
    /// rises to 0.5 (its inputs are 0: the weights stay); (0,1) gives 0.5 − 0.2 = 0.3, right; (1,0) gives 1.2, wrong
    /// the other way: bias 0.4, w1 0.6; (1,1) gives 0.4 + 0.6 − 0.2 = 0.8, wrong: everything falls by 0.1.
    /// </summary>
    public const string GuessEpoch1 = """{"epoch":1,"steps":[{"step":0,"sample":0,"inputs":[0,0],"z":0.4,"output":0,"expected":1,"error":1,"updated":true,"bias":0.5,"weights":[0.7,-0.2]},{"step":1,"sample":1,"inputs":[0,1],"z":0.3,"output":0,"expected":0,"error":0,"updated":false,"bias":0.5,"weights":[0.7,-0.2]},{"step":2,"sample":2,"inputs":[1,0],"z":1.2,"output":1,"expected":0,"error":-1,"updated":true,"bias":0.4,"weights":[0.6,-0.2]},{"step":3,"sample":3,"inputs":[1,1],"z":0.8,"output":1,"expected":0,"error":-1,"updated":true,"bias":0.30000000000000004,"weights":[0.5,-0.30000000000000004]}]}""";

    private readonly HttpClient _client = factory.CreateClient();

    private static string Steps(string id, object epoch) => $"{TrainingJobClient.Route}/{id}/epochs/{epoch}/steps";

    [Fact]
    public async Task TheTutorialsNorGuess_Epoch1_IsTheTableRowByRow_AndEndsOnItsRecord()
    {
        var job = await _client.StartAndWaitAsync(TracedGuess);
        var id = job["id"]!.GetValue<string>();

        var response = await _client.GetAsync(Steps(id, 1));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("application/json", response.Content.Headers.ContentType?.MediaType);
        var body = await response.Content.ReadAsStringAsync();
        Assert.Equal(GuessEpoch1, body);
        Assert.True(job["parameters"]!["trace"]!.GetValue<bool>());

        // The given weights replaced the initialization: none is reported.
        Assert.True(job["parameters"]!.AsObject().ContainsKey("initialization"));
        Assert.Null(job["parameters"]!["initialization"]);
        var record = job["history"]![1]!;
        Assert.Equal((0.30000000000000004, 0.5, -0.30000000000000004, 3), (record["bias"]!.GetValue<double>(), record["weights"]![0]!.GetValue<double>(), record["weights"]![1]!.GetValue<double>(), record["updates"]!.GetValue<int>()));
    }

    [Theory]
    [InlineData("perceptron", false)]
    [InlineData("pocket", false)]
    [InlineData("averaged", false)]
    [InlineData("perceptron", true)]
    public async Task EveryStepOfEveryEpoch_IsThePlainRulesStep_FromTheStepBefore(string algorithm, bool shuffle)
    {
        double[][] rows = [[5.1, 1.4], [7.0, 4.7], [4.9, 1.5], [6.4, 4.5], [5.0, 1.6], [5.9, 4.2]];
        double[] labels = [0, 1, 0, 1, 0, 1];
        var job = await _client.StartAndWaitAsync($$"""
            { "inputs": {{JsonNode.Parse(System.Text.Json.JsonSerializer.Serialize(rows))!.ToJsonString()}}, "labels": [0, 1, 0, 1, 0, 1],
              "algorithm": "{{algorithm}}", "learningRate": 0.2, "maxEpochs": 30, "shuffle": {{(shuffle ? "true" : "false")}}, "seed": 3,
              "initialWeights": { "bias": 0.4, "weights": [0.7, -0.2] }, "trace": true }
            """);
        var id = job["id"]!.GetValue<string>();
        var history = job["history"]!.AsArray();
        Assert.True(history.Count > 2, $"{history.Count} records");

        var bias = 0.4;
        double[] weights = [0.7, -0.2];
        for (var epoch = 1; epoch < history.Count; epoch++)
        {
            var trace = await (await _client.GetAsync(Steps(id, epoch))).ReadJsonAsync();
            Assert.Equal(epoch, trace["epoch"]!.GetValue<int>());
            var steps = trace["steps"]!.AsArray();
            Assert.Equal(rows.Length, steps.Count);
            Assert.Equal(Enumerable.Range(0, rows.Length), steps.Select(s => s!["sample"]!.GetValue<int>()).Order());
            for (var i = 0; i < steps.Count; i++)
            {
                var step = steps[i]!;
                var sample = step["sample"]!.GetValue<int>();
                var x = rows[sample];

                // The rule, in the contract's order: z from the weights before the step, then w ← w + η·error·x.
                var z = bias;
                for (var j = 0; j < x.Length; j++)
                {
                    z += weights[j] * x[j];
                }

                var output = z >= 0.5 ? 1.0 : 0.0;
                var error = labels[sample] - output;
                if (error != 0)
                {
                    bias += 0.2 * error;
                    for (var j = 0; j < x.Length; j++)
                    {
                        weights[j] += 0.2 * error * x[j];
                    }
                }

                Assert.Equal(i, step["step"]!.GetValue<int>());
                Assert.Equal(shuffle ? sample : i, sample);
                Assert.Equal(x, step["inputs"].Doubles());
                Assert.Equal((z, output, labels[sample], error, error != 0), (step["z"]!.GetValue<double>(), step["output"]!.GetValue<double>(), step["expected"]!.GetValue<double>(), step["error"]!.GetValue<double>(), step["updated"]!.GetValue<bool>()));
                Assert.Equal((bias, weights[0], weights[1]), (step["bias"]!.GetValue<double>(), step["weights"]![0]!.GetValue<double>(), step["weights"]![1]!.GetValue<double>()));
            }

            Assert.Equal(steps.Count(s => s!["updated"]!.GetValue<bool>()), history[epoch]!["updates"]!.GetValue<int>());
            if (algorithm != "averaged")
            {
                // The record is the running perceptron at the end of the epoch: the last step's.
                Assert.Equal(steps[^1]!["bias"]!.GetValue<double>(), history[epoch]!["bias"]!.GetValue<double>());
                Assert.Equal(steps[^1]!["weights"].Doubles(), history[epoch]!["weights"].Doubles());
            }
        }

        var after = await _client.GetAsync(Steps(id, history.Count));
        var problem = await after.AssertProblemAsync(HttpStatusCode.NotFound);
        Assert.Equal(("Epoch not trained", $"Training job {id} has no epoch {history.Count}: it stopped after epoch {history.Count - 1}."), (problem["title"]!.GetValue<string>(), problem["detail"]!.GetValue<string>()));
    }

    [Fact]
    public async Task AnUntracedJob_AndAMissingJob_Are404WithTheirOwnReason()
    {
        var plain = (await _client.StartAndWaitAsync("""{ "gate": "NOR" }"""))["id"]!.GetValue<string>();

        var untraced = await (await _client.GetAsync(Steps(plain, 1))).AssertProblemAsync(HttpStatusCode.NotFound);
        var missing = await (await _client.GetAsync(Steps("0123456789abcdef0123456789abcdef", 1))).AssertProblemAsync(HttpStatusCode.NotFound);

        Assert.Equal(
            ("No trace", $"Training job {plain} kept no sample steps: start a job with \"trace\": true (perceptron, pocket or averaged) to read its epochs step by step."),
            (untraced["title"]!.GetValue<string>(), untraced["detail"]!.GetValue<string>()));
        Assert.Equal("Training job not found", missing["title"]!.GetValue<string>());
        Assert.StartsWith("There is no training job 0123456789abcdef0123456789abcdef.", missing["detail"]!.GetValue<string>());
    }

    [Theory]
    [InlineData("99999999999")]
    [InlineData("2147483648")]
    [InlineData("123456789012345678901234567890")]
    public async Task AnEpochBeyondAnyJobsReach_Is404LikeAnyEpochNotTrained(string epoch)
    {
        var job = await _client.StartAndWaitAsync(TracedGuess);
        var id = job["id"]!.GetValue<string>();
        var last = job["progress"]!["epoch"]!.GetValue<int>();

        var problem = await (await _client.GetAsync(Steps(id, epoch))).AssertProblemAsync(HttpStatusCode.NotFound);

        Assert.Equal(("Epoch not trained", $"Training job {id} has no epoch {epoch}: it stopped after epoch {last}."), (problem["title"]!.GetValue<string>(), problem["detail"]!.GetValue<string>()));
    }

    [Fact]
    public async Task AnEpochBeyondReach_OfAnUntracedJob_IsItsNoTrace404()
    {
        var plain = (await _client.StartAndWaitAsync("""{ "gate": "NOR" }"""))["id"]!.GetValue<string>();

        var problem = await (await _client.GetAsync(Steps(plain, "99999999999"))).AssertProblemAsync(HttpStatusCode.NotFound);

        Assert.Equal("No trace", problem["title"]!.GetValue<string>());
    }

    [Theory]
    [InlineData("0", "must be 1 or more: epoch 0 is the initial weights, before any step (got 0).")]
    [InlineData("-3", "must be 1 or more: epoch 0 is the initial weights, before any step (got -3).")]
    [InlineData("one", "must be an integer (got \"one\").")]
    public async Task AnEpochBelowOne_OrNotANumber_Is400(string epoch, string message)
    {
        var id = (await _client.StartAndWaitAsync(TracedGuess))["id"]!.GetValue<string>();

        var problem = await (await _client.GetAsync(Steps(id, epoch))).AssertProblemAsync(HttpStatusCode.BadRequest);

        Assert.Equal([message], problem.ErrorsFor("epoch"));
    }

    [Theory]
    [InlineData("""{ "gate": "NOR", "algorithm": "adaline", "trace": true }""", "applies only to the perceptron, pocket and averaged algorithms, whose steps are per sample; leave it out for adaline.")]
    [InlineData("""{ "gate": "XOR", "algorithm": "backpropagation", "hiddenLayers": [2], "trace": true }""", "applies only to the perceptron, pocket and averaged algorithms, whose steps are per sample; leave it out for backpropagation.")]
    [InlineData("""{ "inputs": [[1], [2], [3]], "labels": ["a", "b", "c"], "trace": true }""", "applies to a single unit's steps: binary labels or two classes; these labels make 3 classes, trained one-vs-rest. Leave \"trace\" out, or train one class against the rest yourself.")]
    public async Task TraceWhereItDoesNotApply_OrTooLong_Is400NamingWhy(string request, string message)
    {
        var problem = await (await _client.PostJsonTextAsync(TrainingJobClient.Route, request)).AssertProblemAsync(HttpStatusCode.BadRequest);

        Assert.Equal([message], problem.ErrorsFor("trace"));
    }

    [Fact]
    public async Task MoreStepsThanTheLimit_Is400NamingIt_AndTheLimitItselfIsAllowed()
    {
        // 20 samples: 5000 epochs are 100 000 steps, the default Training:MaxTraceSteps.
        var rows = string.Join(", ", Enumerable.Range(0, 20).Select(i => $"[{i}]"));
        var labels = string.Join(", ", Enumerable.Range(0, 20).Select(i => i < 10 ? "0" : "1"));

        var over = await _client.PostJsonTextAsync(TrainingJobClient.Route, $$"""{ "inputs": [{{rows}}], "labels": [{{labels}}], "maxEpochs": 5001, "trace": true }""");
        var atLimit = await _client.PostJsonTextAsync(TrainingJobClient.Route, $$"""{ "inputs": [{{rows}}], "labels": [{{labels}}], "maxEpochs": 5000, "trace": true }""");

        var problem = await over.AssertProblemAsync(HttpStatusCode.BadRequest);
        Assert.Equal(["would keep 20 samples × 5001 epochs = 100020 steps; the limit is 100000 (Training:MaxTraceSteps). Ask for fewer epochs or send fewer samples."], problem.ErrorsFor("trace"));
        Assert.Equal(HttpStatusCode.Accepted, atLimit.StatusCode);
    }

    [Fact]
    public async Task ATwoClassJob_IsTracedOnItsUnitsLabels()
    {
        var twoClass = await _client.StartAndWaitAsync("""{ "inputs": [[0], [1]], "labels": ["off", "on"], "maxEpochs": 3, "trace": true }""");

        var steps = await (await _client.GetAsync(Steps(twoClass["id"]!.GetValue<string>(), 1))).ReadJsonAsync();

        // "off" is the negative class (0) and "on" the positive one (1): from zeros, (0) is 0 < 0.5 right, (1) wrong.
        Assert.Equal(
            """{"epoch":1,"steps":[{"step":0,"sample":0,"inputs":[0],"z":0,"output":0,"expected":0,"error":0,"updated":false,"bias":0,"weights":[0]},{"step":1,"sample":1,"inputs":[1],"z":0,"output":0,"expected":1,"error":1,"updated":true,"bias":0.1,"weights":[0.1]}]}""",
            steps.ToJsonString());
    }

    [Fact]
    public async Task ParametersEchoTraceAndTheCycleStop_WhereTheRuleHasThem()
    {
        var perceptron = (await _client.StartAndWaitAsync("""{ "gate": "NOR" }"""))["parameters"]!;
        var shuffled = (await _client.StartAndWaitAsync("""{ "gate": "NOR", "algorithm": "pocket", "shuffle": true, "seed": 2 }"""))["parameters"]!;
        var averaged = (await _client.StartAndWaitAsync("""{ "gate": "NOR", "algorithm": "averaged", "trace": true }"""))["parameters"]!;
        var adaline = (await _client.StartAndWaitAsync("""{ "gate": "NOR", "algorithm": "adaline", "learningRate": 0.01 }"""))["parameters"]!;

        Assert.Equal((true, false), (perceptron["stopOnCycle"]!.GetValue<bool>(), perceptron["trace"]!.GetValue<bool>()));

        // A shuffled run never stops on a cycle (its order changes each epoch): the effective value is false.
        Assert.False(shuffled["stopOnCycle"]!.GetValue<bool>());
        Assert.Equal((null, true), (averaged["stopOnCycle"], averaged["trace"]!.GetValue<bool>()));
        Assert.Equal((false, false), (adaline.AsObject().ContainsKey("stopOnCycle"), adaline.AsObject().ContainsKey("trace")));
    }
}

/// <summary>A traced job's steps count in the memory kept for jobs.</summary>
public class TraceMemoryTests
{
    [Fact]
    public async Task ATraceThatCannotFitTheJobMemory_IsRefused_WhileTheSameJobUntracedIsAccepted()
    {
        await using var factory = new TrainingFactoryWith(new() { ["Training:MaxRetainedBytes"] = "1048576" });
        var client = factory.CreateClient();

        // NOR for 1000 epochs: about 330 kB of records; traced, 4000 steps more (about 2 MB at most).
        var untraced = await client.PostJsonTextAsync(TrainingJobClient.Route, """{ "gate": "NOR", "maxEpochs": 1000 }""");
        var traced = await client.PostJsonTextAsync(TrainingJobClient.Route, """{ "gate": "NOR", "maxEpochs": 1000, "trace": true }""");

        Assert.Equal(HttpStatusCode.Accepted, untraced.StatusCode);
        var problem = await traced.AssertProblemAsync(HttpStatusCode.BadRequest);
        Assert.Equal("Job too large", problem["title"]!.GetValue<string>());
    }
}

/// <summary>Another key's traced job is not there.</summary>
public class TraceOwnerTests(ApiKeyTests.Factory factory) : IClassFixture<ApiKeyTests.Factory>
{
    [Fact]
    public async Task AnotherKeysTrace_Is404_AsIfTheJobDidNotExist()
    {
        var alice = factory.CreateClient();
        alice.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", ApiKeyTests.AliceKey);
        var bob = factory.CreateClient();
        bob.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", ApiKeyTests.BobKey);
        var id = (await alice.StartAndWaitAsync(TraceJobTests.TracedGuess))["id"]!.GetValue<string>();
        var route = $"{TrainingJobClient.Route}/{id}/epochs/1/steps";

        var own = await alice.GetAsync(route);
        var others = await (await bob.GetAsync(route)).AssertProblemAsync(HttpStatusCode.NotFound);

        Assert.Equal(TraceJobTests.GuessEpoch1, await own.Content.ReadAsStringAsync());
        Assert.Equal("Training job not found", others["title"]!.GetValue<string>());
    }
}

/// <summary>Traces in the shared store: written by one replica's worker, read from another.</summary>
public sealed class SharedStoreTraceTests(RedisServer server) : IClassFixture<RedisServer>
{
    [SkippableFact]
    public async Task ATraceWrittenByOneReplica_IsServedByAnother_AndGoesWithTheJob()
    {
        var prefix = $"test{Guid.NewGuid():N}:";
        await using var api = RedisTrainingFactory.Create(server, new() { ["Training:Workers"] = "0" }, prefix);
        await using var worker = RedisTrainingFactory.Create(server, new() { ["Training:Workers"] = "1" }, prefix);
        var front = api.CreateClient();
        var back = worker.CreateClient();

        var job = await front.StartAndWaitAsync(TraceJobTests.TracedGuess);
        var id = job["id"]!.GetValue<string>();
        var last = job["history"]!.AsArray().Count - 1;
        var route = $"{TrainingJobClient.Route}/{id}/epochs/1/steps";

        Assert.Equal(TraceJobTests.GuessEpoch1, await (await front.GetAsync(route)).Content.ReadAsStringAsync());
        Assert.Equal(TraceJobTests.GuessEpoch1, await (await back.GetAsync(route)).Content.ReadAsStringAsync());
        Assert.Equal(HttpStatusCode.OK, (await back.GetAsync($"{TrainingJobClient.Route}/{id}/epochs/{last}/steps")).StatusCode);
        var after = await (await front.GetAsync($"{TrainingJobClient.Route}/{id}/epochs/{last + 1}/steps")).AssertProblemAsync(HttpStatusCode.NotFound);
        Assert.Equal($"Training job {id} has no epoch {last + 1}: it stopped after epoch {last}.", after["detail"]!.GetValue<string>());

        Assert.Equal(HttpStatusCode.NoContent, (await back.DeleteAsync($"{TrainingJobClient.Route}/{id}")).StatusCode);
        Assert.Equal("Training job not found", (await (await front.GetAsync(route)).AssertProblemAsync(HttpStatusCode.NotFound))["title"]!.GetValue<string>());
    }
}

/// <summary>The OpenAPI document describes the steps route, the classes answer and labels as numbers or strings.</summary>
public class TraceAndClassesOpenApiTests(TrainingFactory factory) : IClassFixture<TrainingFactory>
{
    [Fact]
    public async Task TheDocument_DescribesStepsWithARealExample_AndClassesAnswersWithLabelsAsNumberOrString()
    {
        var document = await (await factory.CreateClient().GetAsync("/swagger/v1/swagger.json")).ReadJsonAsync();

        var steps = document["paths"]!["/api/v1/training-jobs/{id}/epochs/{epoch}/steps"]!["get"]!;
        var ok = steps["responses"]!["200"]!["content"]!["application/json"]!;
        Assert.Equal("#/components/schemas/EpochTrace", ok["schema"]!["$ref"]!.GetValue<string>());
        Assert.Equal(JsonNode.Parse(TraceJobTests.GuessEpoch1)!.ToJsonString(), ok["example"]!.ToJsonString());
        Assert.Equal(["200", "400", "401", "404"], steps["responses"]!.AsObject().Select(r => r.Key).Order(StringComparer.Ordinal));
        var step = document["components"]!["schemas"]!["TraceStep"]!["properties"]!.AsObject();
        Assert.Equal(["step", "sample", "inputs", "z", "output", "expected", "error", "updated", "bias", "weights"], step.Select(p => p.Key));

        var predict = document["paths"]!["/api/v1/training-jobs/{id}/predict"]!["post"]!["responses"]!["200"]!["content"]!["application/json"]!["schema"]!;
        Assert.Equal(
            """[{"$ref":"#/components/schemas/PredictResponse"},{"$ref":"#/components/schemas/ClassPredictResponse"}]""",
            predict["oneOf"]!.ToJsonString());
        var row = document["components"]!["schemas"]!["ClassPredictionDto"]!["properties"]!;
        Assert.Equal("""[{"type":"number"},{"type":"string"}]""", row["output"]!["oneOf"]!.ToJsonString());
        Assert.Equal("""[{"type":"number"},{"type":"array","items":{"type":"number"}}]""", row["z"]!["oneOf"]!.ToJsonString());
        var labels = document["components"]!["schemas"]!["TrainingJobRequest"]!["properties"]!["labels"]!;
        Assert.Equal("""[{"type":"number"},{"type":"string"}]""", labels["items"]!["oneOf"]!.ToJsonString());
        Assert.True(document["components"]!["schemas"]!["TrainingJobRequest"]!["properties"]!.AsObject().ContainsKey("trace"));
    }
}
