using System.Net;
using System.Text.Json.Nodes;
using Microsoft.Extensions.DependencyInjection;
using PerceptronApi.Tests.Infrastructure;
using PerceptronApi.Training.Jobs;

namespace PerceptronApi.Tests.Training;

/// <summary>Cancel and delete: the answer tells the truth, and jobs that leave the queue leave nothing behind.</summary>
public class TrainingJobCancelTests
{
    [Fact]
    public async Task CancelingARunningJob_AnswersTheJobExactlyAsGetShowsIt()
    {
        await using var factory = new TrainingFactory();
        var client = factory.CreateClient();
        var id = await client.StartAsync(TrainingJobClient.LongJob());
        await client.WaitForStatusAsync(id, "running");

        var cancel = await client.PostAsync($"{TrainingJobClient.Route}/{id}/cancel", null);

        Assert.Equal(HttpStatusCode.Accepted, cancel.StatusCode);
        var answered = await cancel.ReadJsonAsync();
        var shown = await client.GetJobAsync(id);
        Assert.Equal("canceled", answered["status"]!.GetValue<string>());
        Assert.Equal("Canceled by request.", answered["statusReason"]!.GetValue<string>());
        Assert.NotNull(answered["cancelRequestedAt"]);
        Assert.NotEmpty(answered["history"]!.AsArray());
        Assert.True(JsonNode.DeepEquals(shown, answered), $"cancel answered {answered.ToJsonString()}, GET shows {shown.ToJsonString()}");
    }

    [Fact]
    public async Task CancelRacingCompletion_AnswersWhatTheJobBecame()
    {
        await using var factory = new TrainingFactoryWith(new() { ["Training:Workers"] = "2" });
        var client = factory.CreateClient();
        var seen = new HashSet<HttpStatusCode>();

        // Jobs of a few milliseconds, canceled at once: some end canceled, some finish first.
        for (var i = 0; i < 60; i++)
        {
            var id = await client.StartAsync(TrainingJobClient.LongJob(repeats: 40 + (i % 20 * 10), maxEpochs: 20));
            var cancel = await client.PostAsync($"{TrainingJobClient.Route}/{id}/cancel", null);
            seen.Add(cancel.StatusCode);
            var final = await client.WaitForStatusAsync(id, "succeeded", "canceled");
            if (cancel.StatusCode == HttpStatusCode.Accepted)
            {
                var answered = await cancel.ReadJsonAsync();
                Assert.Equal("canceled", final["status"]!.GetValue<string>());
                Assert.Equal("canceled", answered["status"]!.GetValue<string>());
                Assert.Null(final["result"]);
            }
            else
            {
                var problem = await cancel.AssertProblemAsync(HttpStatusCode.Conflict);
                Assert.Equal("succeeded", final["status"]!.GetValue<string>());
                Assert.Contains("(succeeded)", problem["detail"]!.GetValue<string>(), StringComparison.Ordinal);
            }
        }

        Assert.Contains(HttpStatusCode.Accepted, seen);
    }

    [Fact]
    public async Task CancelingACanceledJob_Is409()
    {
        await using var factory = new OneWorkerFactory();
        var client = factory.CreateClient();
        var running = await client.StartAsync(TrainingJobClient.LongJob());
        await client.WaitForStatusAsync(running, "running");
        var queued = await client.StartAsync(TrainingJobClient.LongJob());
        Assert.Equal(HttpStatusCode.Accepted, (await client.PostAsync($"{TrainingJobClient.Route}/{queued}/cancel", null)).StatusCode);

        var again = await client.PostAsync($"{TrainingJobClient.Route}/{queued}/cancel", null);

        var problem = await again.AssertProblemAsync(HttpStatusCode.Conflict);
        Assert.Equal($"Training job {queued} has already finished (canceled); only queued or running jobs can be canceled.", problem["detail"]!.GetValue<string>());
        await client.DeleteAsync($"{TrainingJobClient.Route}/{running}");
    }

    [Fact]
    public async Task DeletingQueuedJobs_LeavesNothingInTheQueueOrTheStore()
    {
        await using var factory = new OneWorkerFactory();
        var client = factory.CreateClient();
        var queue = factory.Services.GetRequiredService<IJobQueue>();
        var store = factory.Services.GetRequiredService<IJobStore>();
        var running = await client.StartAsync(TrainingJobClient.LongJob());
        await client.WaitForStatusAsync(running, "running");

        for (var i = 0; i < 200; i++)
        {
            var queued = await client.StartAsync("""{ "gate": "NOR" }""");
            Assert.Equal(1, await queue.CountAsync(CancellationToken.None));
            Assert.Equal(HttpStatusCode.NoContent, (await client.DeleteAsync($"{TrainingJobClient.Route}/{queued}")).StatusCode);
        }

        Assert.Equal(0, await queue.CountAsync(CancellationToken.None));
        var kept = await store.ListAsync(null, null, 1000, CancellationToken.None);
        Assert.Equal(running, Assert.Single(kept).Job.Id);
        await client.DeleteAsync($"{TrainingJobClient.Route}/{running}");
    }
}
