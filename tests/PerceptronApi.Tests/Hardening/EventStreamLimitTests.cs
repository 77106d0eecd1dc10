using System.Net;
using System.Net.Sockets;
using System.Text;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using PerceptronApi.Tests.Infrastructure;
using PerceptronApi.Tests.Training;
using PerceptronApi.Training;

namespace PerceptronApi.Tests.Hardening;

/// <summary>Event streams are capped per job and per client, a reader that stops reading is cut off, and shutdown closes them.</summary>
public class EventStreamLimitTests
{
    // Pocket on 2000 contradictory samples: runs for seconds, so its stream stays open.
    private static readonly string Blocker = TrainingJobClient.LongJob(repeats: 500, maxEpochs: 2000, algorithm: "pocket");

    [Fact]
    public async Task StreamsOverTheLimits_Get429NamingThem_AndAClosedStreamFreesItsPlace()
    {
        await using var factory = new StreamFactory(new() { ["Training:MaxStreamsPerJob"] = "2", ["Training:MaxStreamsPerClient"] = "3" });
        var client = factory.CreateClient();
        var job = await client.StartAsync(Blocker);
        var other = await client.StartAsync(Blocker);
        var open = new List<HttpResponseMessage>();
        try
        {
            open.Add(await OpenAsync(client, job));
            open.Add(await OpenAsync(client, job));

            var perJob = await client.GetAsync($"{TrainingJobClient.Route}/{job}/events", HttpCompletionOption.ResponseHeadersRead);
            var problem = await perJob.AssertProblemAsync(HttpStatusCode.TooManyRequests);
            problem.AssertProblemBody("https://tools.ietf.org/html/rfc6585#section-4", "Too many event streams", 429, "2 event streams follow this job already (Training:MaxStreamsPerJob).", $"{TrainingJobClient.Route}/{job}/events");

            open.Add(await OpenAsync(client, other));
            var perClient = await client.GetAsync($"{TrainingJobClient.Route}/{other}/events", HttpCompletionOption.ResponseHeadersRead);
            problem = await perClient.AssertProblemAsync(HttpStatusCode.TooManyRequests);
            problem.AssertProblemBody("https://tools.ietf.org/html/rfc6585#section-4", "Too many event streams", 429, "You have 3 event streams open (Training:MaxStreamsPerClient). Close one first.", $"{TrainingJobClient.Route}/{other}/events");

            open[0].Dispose();
            var limits = factory.Services.GetRequiredService<EventStreamLimits>();
            await WaitUntilAsync(() => limits.Open == 2);
            open.Add(await OpenAsync(client, other));
        }
        finally
        {
            foreach (var response in open)
            {
                response.Dispose();
            }

            await client.DeleteAsync($"{TrainingJobClient.Route}/{job}");
            await client.DeleteAsync($"{TrainingJobClient.Route}/{other}");
        }
    }

    [Fact]
    public async Task AReaderThatStopsReading_IsCutOffAfterTheWriteTimeout()
    {
        await using var factory = new StreamFactory(new() { ["Training:EventWriteTimeout"] = "00:00:01" }, kestrel: true);
        var server = RawHttp.Start(factory);
        using var client = new HttpClient { BaseAddress = server };

        // 200 features: every record is kilobytes, and the history megabytes, far more than the connection buffers.
        var row = string.Join(",", Enumerable.Range(0, 200).Select(i => i % 2));
        var job = await client.StartAndWaitAsync($$"""{ "inputs": [[{{row}}], [{{row}}]], "labels": [0, 1], "maxEpochs": 5000, "stopOnCycle": false }""");
        var limits = factory.Services.GetRequiredService<EventStreamLimits>();

        using var stalled = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp) { ReceiveBufferSize = 4096 };
        await stalled.ConnectAsync(server.Host, server.Port);
        await stalled.SendAsync(Encoding.ASCII.GetBytes($"GET {TrainingJobClient.Route}/{job["id"]}/events HTTP/1.1\r\nHost: test\r\n\r\n"));
        await WaitUntilAsync(() => limits.Open == 1);

        // Never read: the server's writes wait on full buffers until the timeout closes the stream.
        // (Generous: on a loaded machine the kernel takes a while to fill the buffers of megabytes of history.)
        await WaitUntilAsync(() => limits.Open == 0, TimeSpan.FromSeconds(90));
    }

    [Fact]
    public async Task OnShutdown_StreamsStillOpenAreClosedAfterAShortGrace()
    {
        await using var factory = new StreamFactory([]);
        var client = factory.CreateClient();
        var job = await client.StartAsync(Blocker);
        using var stream = await OpenAsync(client, job);
        var limits = factory.Services.GetRequiredService<EventStreamLimits>();
        await WaitUntilAsync(() => limits.Open == 1);

        factory.Services.GetRequiredService<IHostApplicationLifetime>().StopApplication();

        await WaitUntilAsync(() => limits.Open == 0, TimeSpan.FromSeconds(10));
    }

    private static async Task<HttpResponseMessage> OpenAsync(HttpClient client, string job)
    {
        var response = await client.GetAsync($"{TrainingJobClient.Route}/{job}/events", HttpCompletionOption.ResponseHeadersRead);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        return response;
    }

    private static async Task WaitUntilAsync(Func<bool> condition, TimeSpan? within = null)
    {
        var deadline = DateTime.UtcNow + (within ?? TimeSpan.FromSeconds(10));
        while (!condition())
        {
            Assert.True(DateTime.UtcNow < deadline, "The condition did not hold in time.");
            await Task.Delay(20);
        }
    }

    private sealed class StreamFactory(Dictionary<string, string?> settings, bool kestrel = false) : PerceptronApiFactory(
        new(settings)
        {
            ["Training:Workers"] = "2",
            ["Training:MaxWork"] = "100000000000",
            ["Limits:MaxRequestBodyBytes"] = "4194304",
        },
        kestrel);
}
