using System.Net.ServerSentEvents;
using System.Net;
using PerceptronApi.Tests.Infrastructure;
using PerceptronApi.Tests.Training;

namespace PerceptronApi.Tests.Hardening;

/// <summary>
/// Field names are the contract's camelCase exactly: another casing is an unknown field, on every request record.
/// Also what already held and must keep holding: deep nesting refused fast, a job deleted under an open stream.
/// </summary>
public class ContractStrictnessTests(TrainingFactory factory) : IClassFixture<TrainingFactory>
{
    private readonly HttpClient _client = factory.CreateClient();

    public static TheoryData<string, string, string> MiscasedFields => new()
    {
        { "/api/v1/predict", """{ "BIAS": 0.5, "weights": [0.6] }""", "BIAS" },
        { "/api/v1/predict", """{ "Bias": 0.5, "weights": [0.6] }""", "Bias" },
        { "/api/v1/predict", """{ "gate": "AND", "Inputs": [[1, 1]] }""", "Inputs" },
        { "/api/v1/predict", """{ "layers": [[{ "Bias": 0, "weights": [1] }]] }""", "layers[0][0].Bias" },
        { "/api/v1/gates/AND/predict", """{ "INPUTS": [[1, 1]] }""", "INPUTS" },
        { "/api/v1/training-jobs", """{ "Gate": "NOR" }""", "Gate" },
        { "/api/v1/training-jobs", """{ "gate": "NOR", "learningrate": 0.5 }""", "learningrate" },
        { "/api/v1/training-jobs", """{ "gate": "NOR", "initialWeights": { "BIAS": 0, "weights": [0, 0] } }""", "initialWeights.BIAS" },
    };

    /// <summary>Every request record with every field in the contract's spelling.</summary>
    public static TheoryData<string, string> CamelCaseBodies => new()
    {
        { "/api/v1/predict", """{ "bias": 0.4, "weights": [0.7, -0.2], "activation": "step", "threshold": 0.5, "inputs": [[0, 0]], "expected": [1] }""" },
        { "/api/v1/predict", """{ "gate": "NOR", "inputs": [[0, 0]], "target": "NOR" }""" },
        { "/api/v1/predict", """{ "layers": [[{ "bias": 0, "weights": [0.6, 0.6] }, { "bias": 1.5, "weights": [-0.6, -0.6] }], [{ "bias": -0.5, "weights": [0.6, 0.6] }]], "activation": "step", "target": "XOR" }""" },
        { "/api/v1/gates/AND/predict", """{ "inputs": [[1, 1]], "expected": [1] }""" },
        { "/api/v1/gates/AND/predict", """{ "target": "AND" }""" },
        {
            "/api/v1/training-jobs",
            """{ "inputs": [[0, 0], [1, 1]], "labels": [0, 1], "algorithm": "adaline", "activation": "step", "threshold": 0.5, "learningRate": 0.01, "maxEpochs": 5, "initialization": "random", "shuffle": true, "seed": 42, "tolerance": 0.001 }"""
        },
        { "/api/v1/training-jobs", """{ "gate": "NOR", "initialWeights": { "bias": 0.4, "weights": [0.7, -0.2] } }""" },
    };

    [Theory]
    [MemberData(nameof(MiscasedFields))]
    public async Task AFieldInAnotherCase_IsNotAField(string route, string body, string field)
    {
        var response = await _client.PostJsonTextAsync(route, body);

        var problem = await response.AssertProblemAsync(HttpStatusCode.BadRequest);
        Assert.Equal(["is not a field of this request. Check the spelling against the documentation at /swagger."], problem.ErrorsFor(field));
    }

    [Theory]
    [MemberData(nameof(CamelCaseBodies))]
    public async Task EveryRequestRecord_BindsItsCamelCaseFields(string route, string body)
    {
        var response = await _client.PostJsonTextAsync(route, body);

        var text = await response.Content.ReadAsStringAsync();
        Assert.True(response.IsSuccessStatusCode, $"{(int)response.StatusCode}: {text}");
    }

    [Theory]
    [InlineData("/api/v1/predict")]
    [InlineData("/api/v1/training-jobs")]
    public async Task DeepNesting_IsRefusedNamingIt(string route)
    {
        var body = """{ "inputs": """ + new string('[', 10_000) + new string(']', 10_000) + " }";

        var response = await _client.PostJsonTextAsync(route, body);

        var problem = await response.AssertProblemAsync(HttpStatusCode.BadRequest);
        Assert.Contains("nests too deeply.", problem["detail"]!.GetValue<string>(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task DeletingAJobWithAnOpenStream_EndsTheStreamCanceled()
    {
        var id = await _client.StartAsync(TrainingJobClient.LongJob(repeats: 2_000, maxEpochs: 5_000));
        using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        using var response = await _client.GetAsync($"{TrainingJobClient.Route}/{id}/events", HttpCompletionOption.ResponseHeadersRead, cts.Token);
        var events = SseParser.Create(await response.Content.ReadAsStreamAsync(cts.Token)).EnumerateAsync(cts.Token).GetAsyncEnumerator(cts.Token);
        // The stream is open and has read the job (its first record) before the job is deleted.
        Assert.True(await events.MoveNextAsync());
        Assert.Equal("epoch", events.Current.EventType);

        var deleted = await _client.DeleteAsync($"{TrainingJobClient.Route}/{id}");

        Assert.Equal(HttpStatusCode.NoContent, deleted.StatusCode);
        var last = events.Current;
        while (await events.MoveNextAsync())
        {
            last = events.Current;
        }

        await events.DisposeAsync();
        Assert.Equal("canceled", last.EventType);
        Assert.Equal(HttpStatusCode.NotFound, (await _client.GetAsync($"{TrainingJobClient.Route}/{id}")).StatusCode);
    }
}
