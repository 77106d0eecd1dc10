using System.Text;
using System.Text.Json;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Options;
using PerceptronApi.Infrastructure;
using PerceptronApi.Training;
using PerceptronApi.Training.Jobs;

namespace PerceptronApi.Tests.Training;

/// <summary>The event stream over the store, without HTTP: what each follower is given.</summary>
public class JobEventsTests
{
    [Fact]
    public async Task EveryFollower_WritesTheRecordsStoredBytes_SerializedOnce()
    {
        var limits = new TrainingJobOptions();
        var store = new InMemoryJobStore(Options.Create(limits), TimeProvider.System);
        var plan = TrainingRequestPlanner.TryPlan(new TrainingJobRequest { Gate = "NOR" }, limits, [])!;
        var job = new JobSnapshot("job", 1, DateTimeOffset.UtcNow, plan.Parameters);
        await store.CreateAsync(job, plan, CancellationToken.None);
        var stored = Enumerable.Range(0, 3).Select(epoch => new JobRecord(epoch, Encoding.UTF8.GetBytes($$"""{"epoch":{{epoch}}}"""))).ToList();
        foreach (var record in stored)
        {
            await store.AppendRecordAsync("job", record, CancellationToken.None);
        }

        await store.UpdateAsync("job", j => j.Finish(JobStatus.Canceled, DateTimeOffset.UtcNow, reason: "test"), CancellationToken.None);
        var json = new JsonSerializerOptions();
        JsonSetup.Apply(json);

        var first = await Follow(store, json);
        var second = await Follow(store, json);

        Assert.Equal(["epoch", "epoch", "epoch", "canceled"], first.Select(e => e.EventType));
        for (var epoch = 0; epoch < 3; epoch++)
        {
            Assert.Same(stored[epoch].Json, first[epoch].Data);
            Assert.Same(stored[epoch].Json, second[epoch].Data);
            Assert.Equal(epoch.ToString(), first[epoch].EventId);
        }
    }

    private static async Task<List<System.Net.ServerSentEvents.SseItem<byte[]>>> Follow(IJobStore store, JsonSerializerOptions json)
    {
        var items = new List<System.Net.ServerSentEvents.SseItem<byte[]>>();
        await foreach (var item in JobEvents.Stream(store, "job", 0, new DefaultHttpContext().Response, json, TimeSpan.FromSeconds(5), CancellationToken.None))
        {
            items.Add(item);
        }

        return items;
    }
}
