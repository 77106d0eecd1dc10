using System.Net;
using Microsoft.Extensions.DependencyInjection;
using PerceptronApi.Tests.Infrastructure;
using PerceptronApi.Training;
using PerceptronApi.Training.Jobs;

namespace PerceptronApi.Tests.Training;

/// <summary>One worker and a queue of one, so a second long job waits and a third is refused.</summary>
public sealed class OneWorkerFactory() : TrainingFactoryWith(new()
{
    ["Training:Workers"] = "1",
    ["Training:MaxQueuedJobs"] = "1",
    ["Training:HeartbeatInterval"] = "00:00:00.050",
});

public class TrainingFactoryWith(Dictionary<string, string?> settings) : TrainingFactory(settings);

public class TrainingJobQueueTests
{
    [Fact]
    public async Task AFullQueue_Returns503WithRetryAfter_AndQueuedJobsCanBeCanceled()
    {
        await using var factory = new OneWorkerFactory();
        var client = factory.CreateClient();
        var running = await client.StartAsync(TrainingJobClient.LongJob());
        await client.WaitForStatusAsync(running, "running");
        var queued = await client.StartAsync(TrainingJobClient.LongJob());

        var refused = await client.PostJsonTextAsync(TrainingJobClient.Route, """{ "gate": "NOR" }""");

        var problem = await refused.AssertProblemAsync(HttpStatusCode.ServiceUnavailable);
        Assert.Equal("1", refused.Headers.GetValues("Retry-After").Single());
        Assert.Equal("The queue is full: 1 job(s) wait for a worker (Training:MaxQueuedJobs). Retry after 1 s.", problem["detail"]!.GetValue<string>());
        Assert.Equal("queued", (await client.GetJobAsync(queued, history: false))["status"]!.GetValue<string>());

        var cancel = await client.PostAsync($"{TrainingJobClient.Route}/{queued}/cancel", null);
        Assert.Equal(HttpStatusCode.Accepted, cancel.StatusCode);
        var canceled = await cancel.ReadJsonAsync();
        Assert.Equal("canceled", canceled["status"]!.GetValue<string>());
        Assert.Null(canceled["startedAt"]);
        Assert.Equal(HttpStatusCode.NoContent, (await client.DeleteAsync($"{TrainingJobClient.Route}/{running}")).StatusCode);
    }

    [Fact]
    public async Task AQuietEventStream_SendsCommentLines()
    {
        await using var factory = new OneWorkerFactory();
        var client = factory.CreateClient();
        var running = await client.StartAsync(TrainingJobClient.LongJob());
        await client.WaitForStatusAsync(running, "running");
        var queued = await client.StartAsync("""{ "gate": "NOR" }""");
        using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        using var response = await client.GetAsync($"{TrainingJobClient.Route}/{queued}/events", HttpCompletionOption.ResponseHeadersRead, cts.Token);
        using var reader = new StreamReader(await response.Content.ReadAsStreamAsync(cts.Token));

        // The queued job records nothing while the one worker is busy: the stream has only comments to send.
        var first = await reader.ReadLineAsync(cts.Token);
        var second = await reader.ReadLineAsync(cts.Token);

        Assert.Equal(": keep-alive", first);
        Assert.Equal("", second);
        await client.DeleteAsync($"{TrainingJobClient.Route}/{running}");
        var rest = await reader.ReadToEndAsync(cts.Token);
        Assert.Contains("event: completed", rest, StringComparison.Ordinal);
    }

    [Fact]
    public async Task ShuttingDown_LeavesEveryJobFinishedWithAReason()
    {
        var factory = new OneWorkerFactory();
        var client = factory.CreateClient();
        var store = factory.Services.GetRequiredService<IJobStore>();
        async Task<JobSnapshot> Job(string id) => (await store.ReadAsync(id, 0, 0, CancellationToken.None))!.Job;
        var done = (await client.StartAndWaitAsync("""{ "gate": "NOR" }"""))["id"]!.GetValue<string>();
        var running = await client.StartAsync(TrainingJobClient.LongJob(maxEpochs: 10_000));
        await client.WaitForStatusAsync(running, "running");
        var queued = await client.StartAsync(TrainingJobClient.LongJob());

        await factory.DisposeAsync();

        Assert.Empty(await store.ListAsync(JobStatus.Queued, null, 100, CancellationToken.None));
        Assert.Empty(await store.ListAsync(JobStatus.Running, null, 100, CancellationToken.None));
        Assert.Equal(JobStatus.Canceled, (await Job(running)).Status);
        Assert.Equal("The service shut down before the job finished.", (await Job(running)).StatusReason);
        Assert.Equal(JobStatus.Canceled, (await Job(queued)).Status);
        Assert.NotNull((await Job(queued)).FinishedAt);
        Assert.Equal(JobStatus.Succeeded, (await Job(done)).Status);
    }
}
