using System.Net;
using System.Net.ServerSentEvents;
using System.Text.Json.Nodes;
using PerceptronApi.Tests.Infrastructure;

namespace PerceptronApi.Tests.Training;

/// <summary>Jobs that meet their limits and the host's shutdown; each test runs its own service.</summary>
public class TrainingJobLifecycleTests
{
    [Fact]
    public async Task CancelingAQueuedJob_GivesItsQueueSlotBack()
    {
        await using var factory = new OneWorkerFactory();
        var client = factory.CreateClient();
        var running = await client.StartAsync(TrainingJobClient.LongJob());
        await client.WaitForStatusAsync(running, "running");
        var queued = await client.StartAsync(TrainingJobClient.LongJob());
        Assert.Equal(HttpStatusCode.ServiceUnavailable, (await client.PostJsonTextAsync(TrainingJobClient.Route, """{ "gate": "NOR" }""")).StatusCode);

        Assert.Equal(HttpStatusCode.Accepted, (await client.PostAsync($"{TrainingJobClient.Route}/{queued}/cancel", null)).StatusCode);
        var next = await client.StartAsync("""{ "gate": "NOR" }""");

        Assert.Equal("queued", (await client.GetJobAsync(next, history: false))["status"]!.GetValue<string>());
        Assert.Equal(HttpStatusCode.NoContent, (await client.DeleteAsync($"{TrainingJobClient.Route}/{next}")).StatusCode);
        var again = await client.StartAsync("""{ "gate": "NOR" }""");
        Assert.Equal(HttpStatusCode.NoContent, (await client.DeleteAsync($"{TrainingJobClient.Route}/{running}")).StatusCode);
        var done = await client.WaitForStatusAsync(again, "succeeded");
        Assert.True(done["result"]!["converged"]!.GetValue<bool>());
    }

    [Fact]
    public async Task AJobThatRunsTooLong_FailsNamingTheLimit()
    {
        await using var factory = new TrainingFactoryWith(new() { ["Training:MaxJobDuration"] = "00:00:00.300" });
        var client = factory.CreateClient();
        var id = await client.StartAsync(TrainingJobClient.LongJob());

        var job = await client.WaitForStatusAsync(id, "failed");

        Assert.Equal("Training took too long", job["error"]!["title"]!.GetValue<string>());
        Assert.Contains("(Training:MaxJobDuration)", job["error"]!["detail"]!.GetValue<string>(), StringComparison.Ordinal);
        Assert.Null(job["result"]);
    }

    [Fact]
    public async Task ShuttingDown_SendsTheCanceledEventToOpenStreams()
    {
        var factory = new TrainingFactory();
        var client = factory.CreateClient();
        var id = await client.StartAsync(TrainingJobClient.LongJob(maxEpochs: 10_000));
        using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        using var response = await client.GetAsync($"{TrainingJobClient.Route}/{id}/events", HttpCompletionOption.ResponseHeadersRead, cts.Token);
        var events = SseParser.Create(await response.Content.ReadAsStreamAsync(cts.Token)).EnumerateAsync(cts.Token).GetAsyncEnumerator(cts.Token);
        Assert.True(await events.MoveNextAsync());
        Assert.Equal("epoch", events.Current.EventType);

        var stopping = factory.DisposeAsync().AsTask();
        var last = events.Current;
        while (await events.MoveNextAsync())
        {
            last = events.Current;
        }

        await stopping;
        Assert.Equal("canceled", last.EventType);
        Assert.Equal("The service shut down before the job finished.", JsonNode.Parse(last.Data)!["statusReason"]!.GetValue<string>());
        await events.DisposeAsync();
    }
}
