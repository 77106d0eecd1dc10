using System.Net;
using System.Text.Json.Nodes;
using PerceptronApi.Tests.Infrastructure;
using PerceptronApi.Tests.Redis;

namespace PerceptronApi.Tests.Training;

/// <summary>
/// Event streams (replay, live, Last-Event-ID, heartbeats, the final event), run against each job store: a stream
/// behaves the same whether the job lives in this process or in Redis.
/// </summary>
public abstract class TrainingJobEventsTests
{
    /// <summary>One worker and a queue of one, with quick heartbeats.</summary>
    private protected static Dictionary<string, string?> OneWorker => new()
    {
        ["Training:Workers"] = "1",
        ["Training:MaxQueuedJobs"] = "1",
        ["Training:HeartbeatInterval"] = "00:00:00.050",
    };

    /// <summary>The service with these settings on this test class's store.</summary>
    private protected abstract TrainingFactory Create(Dictionary<string, string?> settings);

    [SkippableTheory]
    [InlineData("", 10)]
    [InlineData("99999999999999999999999", 1)]
    public async Task Events_AnEmptyLastEventIdIsIgnored_AndAHugeOneResumesAtTheEnd(string lastEventId, int expectedEvents)
    {
        await using var factory = Create([]);
        var client = factory.CreateClient();
        var job = await client.StartAndWaitAsync("""{ "gate": "NOR" }""");
        using var request = new HttpRequestMessage(HttpMethod.Get, $"{TrainingJobClient.Route}/{job["id"]}/events");
        request.Headers.TryAddWithoutValidation("Last-Event-ID", lastEventId);

        using var response = await client.SendAsync(request);
        var text = await response.Content.ReadAsStringAsync();

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal(expectedEvents, text.Split("\n\n", StringSplitOptions.RemoveEmptyEntries).Length);
        Assert.Contains("event: completed", text, StringComparison.Ordinal);
    }

    [SkippableFact]
    public async Task Events_ReplayAFinishedJob_ThenTheFinalEvent()
    {
        await using var factory = Create([]);
        var client = factory.CreateClient();
        var job = await client.StartAndWaitAsync("""{ "gate": "NOR" }""");
        var id = job["id"]!.GetValue<string>();

        var events = await client.ReadEventsAsync(id);

        Assert.Equal(10, events.Count);
        Assert.All(events.Take(9), e => Assert.Equal("epoch", e.EventType));
        Assert.Equal(Enumerable.Range(0, 9).Select(i => i.ToString()), events.Take(9).Select(e => e.EventId));
        Assert.True(JsonNode.DeepEquals(job["history"]![3], JsonNode.Parse(events[3].Data)));
        Assert.Equal("completed", events[9].EventType);
        var final = JsonNode.Parse(events[9].Data)!;
        Assert.Equal("succeeded", final["status"]!.GetValue<string>());
        Assert.Null(final["history"]);
    }

    [SkippableFact]
    public async Task Events_ResumeAfterLastEventId()
    {
        await using var factory = Create([]);
        var client = factory.CreateClient();
        var job = await client.StartAndWaitAsync("""{ "gate": "NOR" }""");

        var events = await client.ReadEventsAsync(job["id"]!.GetValue<string>(), lastEventId: 5);

        Assert.Equal(["6", "7", "8", null], events.Select(e => e.EventId));
        Assert.Equal("completed", events[^1].EventType);
    }

    [SkippableFact]
    public async Task Events_WithABadLastEventId_Return400()
    {
        await using var factory = Create([]);
        var client = factory.CreateClient();
        var job = await client.StartAndWaitAsync("""{ "gate": "NOR" }""");
        using var request = new HttpRequestMessage(HttpMethod.Get, $"{TrainingJobClient.Route}/{job["id"]}/events");
        request.Headers.Add("Last-Event-ID", "soon");

        var response = await client.SendAsync(request);

        var problem = await response.AssertProblemAsync(HttpStatusCode.BadRequest);
        Assert.Contains("must be the id", problem.ErrorsFor("Last-Event-ID")[0], StringComparison.Ordinal);
    }

    [SkippableFact]
    public async Task ALongJob_StreamsLiveEvents_AndCancelEndsItCanceled()
    {
        await using var factory = Create([]);
        var client = factory.CreateClient();
        var id = await client.StartAsync(TrainingJobClient.LongJob());
        using var request = new HttpRequestMessage(HttpMethod.Get, $"{TrainingJobClient.Route}/{id}/events");
        using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        using var response = await client.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, cts.Token);
        var items = new List<System.Net.ServerSentEvents.SseItem<string>>();
        var canceled = false;

        await foreach (var item in System.Net.ServerSentEvents.SseParser.Create(await response.Content.ReadAsStreamAsync(cts.Token)).EnumerateAsync(cts.Token))
        {
            items.Add(item);
            if (!canceled && item.EventType == "epoch" && int.Parse(item.EventId!) >= 3)
            {
                var cancel = await client.PostAsync($"{TrainingJobClient.Route}/{id}/cancel", null);
                Assert.Equal(HttpStatusCode.Accepted, cancel.StatusCode);
                canceled = true;
            }
        }

        Assert.Equal("canceled", items[^1].EventType);
        var epochs = items.SkipLast(1).Select(e => int.Parse(e.EventId!)).ToList();
        Assert.Equal(Enumerable.Range(0, epochs.Count), epochs);
        Assert.True(epochs.Count < 5_001, "The job ran to the end despite the cancel.");
        var job = await client.GetJobAsync(id, history: false);
        Assert.Equal("canceled", job["status"]!.GetValue<string>());
        Assert.Equal("Canceled by request.", job["statusReason"]!.GetValue<string>());
        Assert.Null(job["result"]);
        await (await client.PostAsync($"{TrainingJobClient.Route}/{id}/cancel", null)).AssertProblemAsync(HttpStatusCode.Conflict);
    }

    [SkippableFact]
    public async Task ManyConcurrentJobsAndListeners_AllFinishWithTheirHistories()
    {
        await using var factory = Create([]);
        var client = factory.CreateClient();
        string[] gates = ["AND", "OR", "NAND", "NOR", "NOT", "XOR", "XNOR"];
        var ids = await Task.WhenAll(Enumerable.Range(0, 21).Select(i => client.StartAsync($$"""{ "gate": "{{gates[i % 7]}}", "maxEpochs": 200 }""")));

        var streams = await Task.WhenAll(ids.SelectMany(id => new[] { id, id }).Select(id => client.ReadEventsAsync(id)));

        foreach (var (events, id) in streams.Zip(ids.SelectMany(id => new[] { id, id })))
        {
            var job = await client.GetJobAsync(id);
            Assert.Equal("completed", events[^1].EventType);
            Assert.Equal(job["history"]!.AsArray().Count, events.Count - 1);
        }
    }

    [SkippableFact]
    public async Task AQuietEventStream_SendsCommentLines()
    {
        await using var factory = Create(OneWorker);
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

    [SkippableFact]
    public async Task ALastEventIdBeyondTheHistory_EndsWithTheFinalEventOnly()
    {
        await using var factory = Create([]);
        var client = factory.CreateClient();
        var job = await client.StartAndWaitAsync("""{ "gate": "NOR" }""");

        var events = await client.ReadEventsAsync(job["id"]!.GetValue<string>(), lastEventId: int.MaxValue);

        var only = Assert.Single(events);
        Assert.Equal("completed", only.EventType);
    }
}

/// <summary>Event streams over the in-memory store.</summary>
public sealed class InMemoryTrainingJobEventsTests : TrainingJobEventsTests
{
    private protected override TrainingFactory Create(Dictionary<string, string?> settings) => new TrainingFactoryWith(settings);
}

/// <summary>Event streams over Redis (a real redis-server).</summary>
public sealed class RedisTrainingJobEventsTests(RedisServer server) : TrainingJobEventsTests, IClassFixture<RedisServer>
{
    private protected override TrainingFactory Create(Dictionary<string, string?> settings) => RedisTrainingFactory.Create(server, settings);
}
