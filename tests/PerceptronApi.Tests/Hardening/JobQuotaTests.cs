using System.Diagnostics.Metrics;
using System.Net;
using Microsoft.Extensions.DependencyInjection;
using PerceptronApi.Tests.Infrastructure;
using PerceptronApi.Tests.Training;
using PerceptronApi.Training.Jobs;

namespace PerceptronApi.Tests.Hardening;

/// <summary>The memory kept for jobs has a budget; one client has a bounded number of active jobs.</summary>
public class JobQuotaTests
{
    // 10 features, 1000 epochs: at most 1001 records of 11 numbers, about 0.5 MiB reserved per job.
    private static readonly string MidJob = MakeJob(features: 10, maxEpochs: 1000);

    // Pocket judges every sample after each update: on 2000 contradictory samples it runs for seconds, and it reserves
    // under 0.7 MiB (2001 records of 3 numbers, 2000 samples).
    private static readonly string Blocker = TrainingJobClient.LongJob(repeats: 500, maxEpochs: 2000, algorithm: "pocket");

    [Fact]
    public async Task JobsThatDoNotFitTheMemoryBudget_AreRefusedWith503NamingIt_UntilOneEnds()
    {
        await using var factory = new QuotaFactory(new() { ["Training:MaxRetainedBytes"] = "2097152", ["Training:MaxActiveJobsPerClient"] = "100" });
        var client = factory.CreateClient();
        var blocker = await client.StartAsync(Blocker);
        await client.WaitForStatusAsync(blocker, "running");
        var first = await client.StartAsync(MidJob);
        var second = await client.StartAsync(MidJob);

        var refused = await client.PostJsonTextAsync(TrainingJobClient.Route, MidJob);

        var problem = await refused.AssertProblemAsync(HttpStatusCode.ServiceUnavailable);
        Assert.StartsWith("The jobs still queued or running hold the memory kept for jobs, 2097152 bytes (Training:MaxRetainedBytes)", problem["detail"]!.GetValue<string>(), StringComparison.Ordinal);
        Assert.Equal("1", refused.Headers.RetryAfter?.ToString());

        // A deleted queued job gives its reservation back at once.
        Assert.Equal(HttpStatusCode.NoContent, (await client.DeleteAsync($"{TrainingJobClient.Route}/{second}")).StatusCode);
        Assert.Equal(HttpStatusCode.Accepted, (await client.PostJsonTextAsync(TrainingJobClient.Route, MidJob)).StatusCode);
        await client.DeleteAsync($"{TrainingJobClient.Route}/{blocker}");
        await client.WaitForStatusAsync(first, "succeeded", "canceled");
    }

    [Fact]
    public async Task FinishedJobs_AreEvictedOldestFirst_ToMakeRoom()
    {
        await using var factory = new QuotaFactory(new() { ["Training:MaxRetainedBytes"] = "1572864", ["Training:MaxActiveJobsPerClient"] = "100" });
        var client = factory.CreateClient();

        // Each finished job keeps its real history (1001 records of 11 numbers, under 0.3 MiB); a new job reserves more.
        var finished = new List<string>();
        for (var i = 0; i < 6; i++)
        {
            finished.Add((await client.StartAndWaitAsync(MidJob))["id"]!.GetValue<string>());
        }

        var memory = factory.Services.GetRequiredService<JobMemory>();
        Assert.True(memory.Used <= memory.Budget, $"{memory.Used} > {memory.Budget}");
        Assert.Equal(HttpStatusCode.NotFound, (await client.GetAsync($"{TrainingJobClient.Route}/{finished[0]}")).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await client.GetAsync($"{TrainingJobClient.Route}/{finished[^1]}")).StatusCode);
    }

    [Fact]
    public async Task AJobLargerThanTheWholeBudget_Returns400NamingIt()
    {
        await using var factory = new QuotaFactory(new() { ["Training:MaxRetainedBytes"] = "1048576" });
        var client = factory.CreateClient();

        var response = await client.PostJsonTextAsync(TrainingJobClient.Route, MakeJob(features: 10, maxEpochs: 5000));

        var problem = await response.AssertProblemAsync(HttpStatusCode.BadRequest);
        Assert.Equal(
            "This job's data and history could take more than 1048576 bytes, all the memory kept for jobs (Training:MaxRetainedBytes). Ask for fewer epochs or send less data.",
            problem["detail"]!.GetValue<string>());
    }

    [Fact]
    public async Task TheRetainedBytes_AreAGaugeOnTheServicesMeter()
    {
        await using var factory = new QuotaFactory([]);
        var client = factory.CreateClient();
        await client.StartAndWaitAsync(MidJob);
        var memory = factory.Services.GetRequiredService<JobMemory>();
        var meterFactory = factory.Services.GetRequiredService<IMeterFactory>();
        var measured = new Dictionary<string, long>();
        using var listener = new MeterListener();
        listener.InstrumentPublished = (instrument, meters) =>
        {
            // Other tests' hosts publish the same instruments on meters of the same name: this host's come from its meter factory.
            if (instrument.Meter.Name == "PerceptronApi" && ReferenceEquals(instrument.Meter.Scope, meterFactory)
                && instrument.Name.StartsWith("perceptron.jobs.retained_bytes", StringComparison.Ordinal))
            {
                meters.EnableMeasurementEvents(instrument);
            }
        };
        listener.SetMeasurementEventCallback<long>((instrument, value, _, _) => measured[instrument.Name] = value);
        listener.Start();

        listener.RecordObservableInstruments();

        Assert.Equal(memory.Used, measured["perceptron.jobs.retained_bytes"]);
        Assert.True(measured["perceptron.jobs.retained_bytes"] > 11 * 1001, $"{measured["perceptron.jobs.retained_bytes"]}");
        Assert.Equal(256L << 20, measured["perceptron.jobs.retained_bytes_limit"]);
    }

    [Fact]
    public async Task AClientOverItsActiveJobs_Gets429NamingTheLimit_UntilOneEnds()
    {
        await using var factory = new QuotaFactory(new() { ["Training:MaxActiveJobsPerClient"] = "2" });
        var client = factory.CreateClient();
        var running = await client.StartAsync(Blocker);
        var queued = await client.StartAsync(Blocker);

        var refused = await client.PostJsonTextAsync(TrainingJobClient.Route, """{ "gate": "NOR" }""");

        var problem = await refused.AssertProblemAsync(HttpStatusCode.TooManyRequests);
        problem.AssertProblemBody("https://tools.ietf.org/html/rfc6585#section-4", "Too many active jobs", 429, "You have 2 job(s) queued or running (Training:MaxActiveJobsPerClient). Wait for one to end, or cancel one.", TrainingJobClient.Route);
        Assert.NotNull(refused.Headers.RetryAfter);

        Assert.Equal(HttpStatusCode.Accepted, (await client.PostAsync($"{TrainingJobClient.Route}/{queued}/cancel", null)).StatusCode);
        await client.StartAsync("""{ "gate": "NOR" }""");
        await client.DeleteAsync($"{TrainingJobClient.Route}/{running}");
    }

    [Fact]
    public async Task TheListCursor_SaysNothingOfHowManyJobsThereAre()
    {
        await using var factory = new QuotaFactory([]);
        var client = factory.CreateClient();
        for (var i = 0; i < 3; i++)
        {
            await client.StartAndWaitAsync("""{ "gate": "NOR" }""");
        }

        var page = await (await client.GetAsync($"{TrainingJobClient.Route}?limit=1")).ReadJsonAsync();

        var cursor = long.Parse(page["next"]!.GetValue<string>().Split("cursor=")[1], System.Globalization.CultureInfo.InvariantCulture);
        Assert.True(cursor > 1_000_000_000_000, $"cursor {cursor} looks like a count");
    }

    [Fact]
    public async Task A404ForAHugeJobId_EchoesOnlyABoundedPieceOfIt()
    {
        await using var factory = new QuotaFactory([]);
        var client = factory.CreateClient();

        var response = await client.GetAsync($"{TrainingJobClient.Route}/{new string('f', 8000)}");

        var problem = await response.AssertProblemAsync(HttpStatusCode.NotFound);
        Assert.True(problem.ToJsonString().Length < 700, problem.ToJsonString());
    }

    internal static string MakeJob(int features, int maxEpochs)
    {
        var rows = string.Join(",", Enumerable.Range(0, 4).Select(r => "[" + string.Join(",", Enumerable.Range(0, features).Select(f => ((r + f) % 3) - 1)) + "]"));
        return $$"""{ "inputs": [{{rows}}], "labels": [0, 1, 1, 0], "algorithm": "adaline", "learningRate": 0.0001, "maxEpochs": {{maxEpochs}} }""";
    }

    private sealed class QuotaFactory(Dictionary<string, string?> settings) : PerceptronApiFactory(new(settings)
    {
        ["Training:Workers"] = "1",
        ["Training:MaxWork"] = "100000000000",
        ["Limits:MaxRequestBodyBytes"] = "4194304",
    });
}
