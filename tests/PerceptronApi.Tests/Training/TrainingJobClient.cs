using System.Net;
using System.Net.ServerSentEvents;
using System.Text;
using System.Text.Json.Nodes;
using PerceptronApi.Tests.Infrastructure;

namespace PerceptronApi.Tests.Training;

/// <summary>Helpers to start, await and read training jobs over HTTP.</summary>
public static class TrainingJobClient
{
    public const string Route = "/api/v1/training-jobs";

    public static async Task<JsonNode> StartAndWaitAsync(this HttpClient client, string json)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, Route) { Content = new StringContent(json, Encoding.UTF8, "application/json") };
        request.Headers.Add("Prefer", "wait=20");
        var response = await client.SendAsync(request);
        var body = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == HttpStatusCode.Created, $"{(int)response.StatusCode}: {body}");
        return JsonNode.Parse(body)!;
    }

    public static async Task<string> StartAsync(this HttpClient client, string json)
    {
        var response = await client.PostJsonTextAsync(Route, json);
        var body = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == HttpStatusCode.Accepted, $"{(int)response.StatusCode}: {body}");
        return JsonNode.Parse(body)!["id"]!.GetValue<string>();
    }

    public static async Task<JsonNode> GetJobAsync(this HttpClient client, string id, bool history = true)
    {
        var response = await client.GetAsync($"{Route}/{id}{(history ? "" : "?history=false")}");
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        return await response.ReadJsonAsync();
    }

    /// <summary>Polls until the job has the status (bounded: 30 s).</summary>
    public static async Task<JsonNode> WaitForStatusAsync(this HttpClient client, string id, params string[] statuses)
    {
        var deadline = DateTime.UtcNow.AddSeconds(30);
        while (true)
        {
            var job = await client.GetJobAsync(id, history: false);
            if (statuses.Contains(job["status"]!.GetValue<string>()))
            {
                return job;
            }

            Assert.True(DateTime.UtcNow < deadline, $"Job {id} is still {job["status"]} after 30 s.");
            await Task.Delay(20);
        }
    }

    /// <summary>Reads a whole event stream with the framework's SSE parser.</summary>
    public static async Task<List<SseItem<string>>> ReadEventsAsync(this HttpClient client, string id, int? lastEventId = null)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, $"{Route}/{id}/events");
        if (lastEventId is { } last)
        {
            request.Headers.Add("Last-Event-ID", last.ToString());
        }

        using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        using var response = await client.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, cts.Token);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("text/event-stream", response.Content.Headers.ContentType?.MediaType);
        var stream = await response.Content.ReadAsStreamAsync(cts.Token);
        var items = new List<SseItem<string>>();
        await foreach (var item in SseParser.Create(stream).EnumerateAsync(cts.Token))
        {
            items.Add(item);
        }

        return items;
    }

    /// <summary>
    /// A long job: XOR's rows repeated, so the perceptron updates all the time and never converges (the cycle stop is
    /// off, or it would end the job after a few epochs).
    /// </summary>
    public static string LongJob(int repeats = 20_000, int maxEpochs = 5_000, string algorithm = "perceptron")
    {
        var inputs = string.Join(",", Enumerable.Repeat("[0,0],[0,1],[1,0],[1,1]", repeats));
        var labels = string.Join(",", Enumerable.Repeat("0,1,1,0", repeats));
        return $$"""{ "inputs": [{{inputs}}], "labels": [{{labels}}], "algorithm": "{{algorithm}}", "maxEpochs": {{maxEpochs}}, "stopOnCycle": false }""";
    }
}

/// <summary>Room for long jobs: large bodies and a large work budget.</summary>
public class TrainingFactory : PerceptronApiFactory
{
    public TrainingFactory()
        : this([])
    {
    }

    protected TrainingFactory(Dictionary<string, string?> settings)
        : base(new Dictionary<string, string?>(settings)
        {
            ["Limits:MaxRequestBodyBytes"] = "4194304",
            ["Training:MaxWork"] = "100000000000",

            // Every test client is one client (one address): room for the many jobs and streams some tests open at once.
            ["Training:MaxActiveJobsPerClient"] = "1000",
            ["Training:MaxStreamsPerClient"] = "1000",
        })
    {
    }
}
