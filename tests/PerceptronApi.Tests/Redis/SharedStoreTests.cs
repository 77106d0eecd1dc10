using System.Net;
using System.Net.ServerSentEvents;
using System.Text;
using System.Text.Json.Nodes;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using PerceptronApi.Tests.Infrastructure;
using PerceptronApi.Tests.Training;
using PerceptronApi.Training;
using PerceptronApi.Training.Jobs;
using PerceptronApi.Training.Redis;

namespace PerceptronApi.Tests.Redis;

/// <summary>Replicas on one Redis: they share jobs, take over a lost worker's job, and hand jobs over at shutdown.</summary>
public sealed class SharedStoreTests(RedisServer server) : IClassFixture<RedisServer>
{
    private const string Pocket = """{ "gate": "XOR", "algorithm": "pocket", "maxEpochs": 40, "shuffle": true, "seed": 11 }""";

    private static string NewPrefix() => $"test{Guid.NewGuid():N}:";

    [SkippableFact]
    public async Task AnyReplica_SeesRunsStreamsAndCancelsAnotherReplicasJobs()
    {
        var prefix = NewPrefix();
        await using var api = RedisTrainingFactory.Create(server, new() { ["Training:Workers"] = "0" }, prefix);
        await using var worker = RedisTrainingFactory.Create(server, new() { ["Training:Workers"] = "1" }, prefix);
        var front = api.CreateClient();
        var back = worker.CreateClient();

        // Accepted by the API-only replica, trained by the other one, awaited through the shared store.
        var done = await front.StartAndWaitAsync("""{ "gate": "NOR" }""");
        var id = done["id"]!.GetValue<string>();

        Assert.Equal("succeeded", done["status"]!.GetValue<string>());
        Assert.Equal(1, done["attempts"]!.GetValue<int>());
        Assert.Equal(9, done["history"]!.AsArray().Count);
        Assert.True(JsonNode.DeepEquals(done, await back.GetJobAsync(id)));
        Assert.Equal(10, (await front.ReadEventsAsync(id)).Count);
        var predicted = await (await front.PostJsonTextAsync($"{TrainingJobClient.Route}/{id}/predict", """{ "target": "NOR" }""")).ReadJsonAsync();
        Assert.Equal(1, predicted["summary"]!["accuracy"]!.GetValue<double>());
        var listed = await (await back.GetAsync($"{TrainingJobClient.Route}?limit=5")).ReadJsonAsync();
        Assert.Equal(id, listed["items"]![0]!["id"]!.GetValue<string>());

        var running = await front.StartAsync(TrainingJobClient.LongJob());
        await front.WaitForStatusAsync(running, "running");
        var cancel = await front.PostAsync($"{TrainingJobClient.Route}/{running}/cancel", null);

        Assert.Equal(HttpStatusCode.Accepted, cancel.StatusCode);
        var canceled = await cancel.ReadJsonAsync();
        Assert.Equal("canceled", canceled["status"]!.GetValue<string>());
        Assert.True(JsonNode.DeepEquals(canceled, await back.GetJobAsync(running)));
        Assert.Equal(HttpStatusCode.NoContent, (await back.DeleteAsync($"{TrainingJobClient.Route}/{id}")).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await front.GetAsync($"{TrainingJobClient.Route}/{id}")).StatusCode);
    }

    [SkippableFact]
    public async Task AJobWhoseWorkerDied_RunsAgainFromItsStart_WithTheSameHistory_AndStreamsWithoutGapOrRepeat()
    {
        await using var memory = new TrainingFactory();
        var expected = await memory.CreateClient().StartAndWaitAsync(Pocket);
        var prefix = NewPrefix();
        await using var api = RedisTrainingFactory.Create(server, new() { ["Training:Workers"] = "0" }, prefix);
        var client = api.CreateClient();
        var id = await client.StartAsync(Pocket);

        // A worker takes the job, writes three records, and dies: it never renews its lease.
        var limits = new TrainingJobOptions { LeaseDuration = TimeSpan.FromMilliseconds(500) };
        await using (var dead = new RedisConnection(server.ConnectionString, Options.Create(new RedisOptions { KeyPrefix = prefix })))
        {
            var queue = new RedisJobQueue(dead, Options.Create(limits));
            var store = new RedisJobStore(dead, Options.Create(limits));
            using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(10));
            var lease = await queue.TakeAsync(limits.LeaseDuration, timeout.Token);
            Assert.Equal(id, lease.JobId);
            await store.UpdateAsync(id, j => j with { Status = JobStatus.Running, StartedAt = DateTimeOffset.UtcNow, Attempts = 1 }, default);
            for (var epoch = 0; epoch < 3; epoch++)
            {
                await store.AppendRecordAsync(id, new JobRecord(epoch, Encoding.UTF8.GetBytes(expected["history"]![epoch]!.ToJsonString())), default);
            }
        }

        using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        using var response = await client.GetAsync($"{TrainingJobClient.Route}/{id}/events", HttpCompletionOption.ResponseHeadersRead, cts.Token);
        var events = SseParser.Create(await response.Content.ReadAsStreamAsync(cts.Token)).EnumerateAsync(cts.Token).GetAsyncEnumerator(cts.Token);
        Assert.True(await events.MoveNextAsync());
        Assert.Equal("0", events.Current.EventId);

        await using var survivor = RedisTrainingFactory.Create(server, new() { ["Training:Workers"] = "1", ["Training:LeaseDuration"] = "00:00:00.500" }, prefix);
        _ = survivor.Services; // starts its workers
        var ids = new List<string?> { events.Current.EventId };
        while (await events.MoveNextAsync())
        {
            ids.Add(events.Current.EventId);
        }

        var job = await client.GetJobAsync(id);
        Assert.Equal("succeeded", job["status"]!.GetValue<string>());
        Assert.Equal(2, job["attempts"]!.GetValue<int>());
        Assert.True(JsonNode.DeepEquals(expected["history"], job["history"]), $"expected {expected["history"]!.ToJsonString()}, got {job["history"]!.ToJsonString()}");
        Assert.True(JsonNode.DeepEquals(expected["result"], job["result"]));
        var epochs = expected["history"]!.AsArray().Count;
        Assert.Equal([.. Enumerable.Range(0, epochs).Select(e => (string?)e.ToString()), null], ids);
        await events.DisposeAsync();
    }

    [SkippableFact]
    public async Task AReplicaThatStopsGracefully_HandsItsRunningJobToAnother()
    {
        var prefix = NewPrefix();
        var leaving = RedisTrainingFactory.Create(server, new() { ["Training:Workers"] = "1" }, prefix);
        var client = leaving.CreateClient();
        var id = await client.StartAsync(TrainingJobClient.LongJob(repeats: 2_000, maxEpochs: 5_000));
        await client.WaitForStatusAsync(id, "running");
        await using var staying = RedisTrainingFactory.Create(server, new() { ["Training:Workers"] = "1" }, prefix);
        var other = staying.CreateClient();

        await leaving.DisposeAsync();
        var deadline = DateTime.UtcNow.AddSeconds(30);
        JsonNode job;
        do
        {
            job = await other.GetJobAsync(id, history: false);
            Assert.NotEqual("canceled", job["status"]!.GetValue<string>());
            Assert.True(DateTime.UtcNow < deadline, $"not taken over: {job.ToJsonString()}");
            await Task.Delay(50);
        }
        while (job["attempts"]!.GetValue<int>() < 2 || job["status"]!.GetValue<string>() != "running");

        Assert.Null(job["statusReason"]);
        Assert.Equal(HttpStatusCode.Accepted, (await other.PostAsync($"{TrainingJobClient.Route}/{id}/cancel", null)).StatusCode);
    }

    [SkippableFact]
    public async Task AJobWhosePlanThisVersionCannotRead_FailsWithTheReason_InsteadOfGoingBackToTheQueue()
    {
        var prefix = NewPrefix();
        await using var api = RedisTrainingFactory.Create(server, new() { ["Training:Workers"] = "0" }, prefix);
        var front = api.CreateClient();
        var id = await front.StartAsync("""{ "gate": "NOR" }""");

        // The layout of an earlier version: the inputs as decimal numbers, not as their bits.
        var redis = api.Services.GetRequiredService<RedisConnection>();
        var plan = JsonNode.Parse((byte[])(await redis.Database.StringGetAsync(redis.Keys.Plan(id)))!)!;
        plan["inputs"] = new JsonArray(0, 0, 0, 1, 1, 0, 1, 1);
        await redis.Database.StringSetAsync(redis.Keys.Plan(id), plan.ToJsonString(), expiry: null, keepTtl: true);

        await using var worker = RedisTrainingFactory.Create(server, new() { ["Training:Workers"] = "1" }, prefix);
        _ = worker.Services; // started: its worker takes the job
        var job = await front.WaitForStatusAsync(id, "failed");

        Assert.Equal(1, job["attempts"]!.GetValue<int>());
        Assert.Equal(TrainingWorker.UnreadablePlanReason, job["statusReason"]!.GetValue<string>());
        Assert.Equal("Job data unreadable", job["error"]!["title"]!.GetValue<string>());
        Assert.Equal(500, job["error"]!["status"]!.GetValue<int>());
        Assert.Equal(0, await redis.Database.StreamLengthAsync(redis.Keys.Records(id)));
    }

    [SkippableFact]
    public async Task WhileRedisIsDown_ReadinessAndJobRoutesAnswer503_AndRecoverWhenItReturns()
    {
        server.SkipIfMissing();
        using var own = new RedisServer();
        await using var factory = RedisTrainingFactory.Create(own, new() { ["Redis:OperationTimeout"] = "00:00:01" });
        var client = factory.CreateClient();
        client.Timeout = TimeSpan.FromSeconds(15);
        Assert.Equal(HttpStatusCode.OK, (await client.GetAsync("/health/ready")).StatusCode);

        own.Kill();
        var ready = await Eventually(() => client.GetAsync("/health/ready"), r => r.StatusCode == HttpStatusCode.ServiceUnavailable);
        var refused = await client.PostJsonTextAsync(TrainingJobClient.Route, """{ "gate": "NOR" }""");
        var read = await client.GetAsync($"{TrainingJobClient.Route}?limit=1");

        Assert.Equal(HttpStatusCode.ServiceUnavailable, ready.StatusCode);
        var problem = await refused.AssertProblemAsync(HttpStatusCode.ServiceUnavailable);
        Assert.Equal("Job store unavailable", problem["title"]!.GetValue<string>());
        Assert.Equal("1", refused.Headers.GetValues("Retry-After").Single());
        await read.AssertProblemAsync(HttpStatusCode.ServiceUnavailable);

        own.Start();
        await Eventually(() => client.GetAsync("/health/ready"), r => r.StatusCode == HttpStatusCode.OK);
        var job = await client.StartAndWaitAsync("""{ "gate": "NOR" }""");
        Assert.Equal("succeeded", job["status"]!.GetValue<string>());
    }

    [Theory]
    [InlineData("0")]
    [InlineData("100000001")]
    public void MaxTraceStepsOutOfRange_FailsValidation(string value)
    {
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?> { ["Training:MaxTraceSteps"] = value }).Build();
        using var provider = new ServiceCollection().AddSingleton<IConfiguration>(configuration).AddTrainingJobs(configuration).BuildServiceProvider();

        var failure = Assert.Throws<OptionsValidationException>(() => provider.GetRequiredService<IOptions<TrainingJobOptions>>().Value);

        Assert.Contains("MaxTraceSteps", failure.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(null, false)]
    [InlineData("127.0.0.1:1", true)]
    public void NoWorkers_IsAnApiOnlyReplica_OnlyWithRedis(string? redis, bool valid)
    {
        var configuration = new ConfigurationBuilder()
            .AddInMemoryCollection(new Dictionary<string, string?> { ["Training:Workers"] = "0", ["ConnectionStrings:Redis"] = redis })
            .Build();
        var services = new ServiceCollection()
            .AddSingleton<IConfiguration>(configuration)
            .AddTrainingJobs(configuration);
        using var provider = services.BuildServiceProvider();
        var options = provider.GetRequiredService<IOptions<TrainingJobOptions>>();

        if (valid)
        {
            Assert.Equal(0, options.Value.Workers);
        }
        else
        {
            var failure = Assert.Throws<OptionsValidationException>(() => options.Value);
            Assert.Contains("Training:Workers may be 0 only with ConnectionStrings:Redis", failure.Message, StringComparison.Ordinal);
        }
    }

    private static async Task<HttpResponseMessage> Eventually(Func<Task<HttpResponseMessage>> send, Func<HttpResponseMessage, bool> done)
    {
        var deadline = DateTime.UtcNow.AddSeconds(20);
        while (true)
        {
            var response = await send();
            if (done(response) || DateTime.UtcNow > deadline)
            {
                return response;
            }

            await Task.Delay(100);
        }
    }
}
