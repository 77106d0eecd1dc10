using System.Text;
using System.Text.Json;
using System.Text.RegularExpressions;
using static Microsoft.Playwright.Assertions;

namespace PerceptronApi.Browser.Tests;

/// <summary>
/// A backpropagation job as the contract describes it (records and result with "layers"), answered by the test itself
/// so the page's network view is checked whether or not the service already trains networks.
/// </summary>
[Collection(PageTests.Name)]
public class NetworkJobTests(PageServer server)
{
    private static object Layers(double outputBias) => new object[]
    {
        new object[] { new { bias = -5.0, weights = new[] { 10.0, 10.0 } }, new { bias = 15.0, weights = new[] { -10.0, -10.0 } } },
        new object[] { new { bias = outputBias, weights = new[] { 10.0, 10.0 } } },
    };

    [BrowserFact]
    public async Task ANetworksRecords_ShowEachLayersWeightsAndTheRegionItCallsOne()
    {
        const string id = "0123456789abcdef0123456789abcdef";
        var parameters = new
        {
            algorithm = "backpropagation", activation = "step", threshold = 0.5, learningRate = 0.5, maxEpochs = 100,
            initialization = "random", shuffle = false, seed = 7, samples = 4, features = 2, gate = "XOR", hiddenLayers = new[] { 2 },
        };
        object Job(string status, object? result) => new
        {
            id, status, createdAt = "2026-12-02T08:00:00Z", startedAt = "2026-12-02T08:00:00Z", finishedAt = (string?)null,
            parameters, progress = new { epoch = 0, maxEpochs = 100 }, result, history = Array.Empty<object>(), error = (object?)null,
        };
        var records = new[]
        {
            new { epoch = 0, layers = Layers(-2), updates = 0, errors = 2, accuracy = 0.5, loss = 0.2 },
            new { epoch = 1, layers = Layers(-8), updates = 1, errors = 1, accuracy = 0.75, loss = 0.05 },
            new { epoch = 2, layers = Layers(-15), updates = 1, errors = 0, accuracy = 1.0, loss = 0.001 },
        };
        var result = new { layers = Layers(-15), converged = true, stopReason = "targetLoss", epochs = 2, errors = 0, accuracy = 1.0, loss = 0.001 };
        var events = new StringBuilder();
        foreach (var record in records)
        {
            events.Append($"event: epoch\ndata: {JsonSerializer.Serialize(record)}\nid: {record.epoch}\n\n");
        }

        events.Append($"event: completed\ndata: {JsonSerializer.Serialize(Job("succeeded", result))}\n\n");

        await using var session = await server.OpenAsync();
        await session.Page.RouteAsync("**/api/v1/training-jobs", route => route.FulfillAsync(new()
        {
            Status = 202, ContentType = "application/json", Body = JsonSerializer.Serialize(Job("running", null)),
        }));
        await session.Page.RouteAsync($"**/api/v1/training-jobs/{id}/events", route => route.FulfillAsync(new()
        {
            Status = 200, ContentType = "text/event-stream", Body = events.ToString(),
        }));

        await session.ByTestId("gate").SelectOptionAsync("XOR");
        await session.ByTestId("algorithm").SelectOptionAsync("backpropagation");
        await session.ByTestId("train").ClickAsync();

        await Expect(session.ByTestId("job-status")).ToHaveTextAsync("succeeded");
        await Expect(session.ByTestId("epoch")).ToHaveTextAsync("2");
        await Expect(session.ByTestId("weights")).ToHaveTextAsync(
            "hidden layer 1: unit 1 bias -5, weights [10, 10]; unit 2 bias 15, weights [-10, -10]\noutput layer: unit 1 bias -15, weights [10, 10]");
        await Expect(session.ByTestId("result")).ToContainTextAsync(new Regex("^Reached the target loss at epoch 2\\."));
        await Expect(session.ByTestId("samples-table").Locator("thead th").Nth(3)).ToHaveTextAsync("ŷ");
        await Expect(session.ByTestId("samples-table").Locator("tbody tr.wrong")).ToHaveCountAsync(0);

        // XOR's band between the hidden units' lines is shaded; the corners (0,0) and (1,1) side is not.
        var boundary = session.ByTestId("boundary");
        Assert.False((await CanvasPixels.AtDataPointAsync(boundary, 0.5, 0.5)).IsWhite);
        Assert.True((await CanvasPixels.AtDataPointAsync(boundary, -0.4, -0.4)).IsWhite);
        Assert.True((await CanvasPixels.AtDataPointAsync(boundary, 1.4, 1.4)).IsWhite);

        // Epoch 0's output bias −2 calls (0,0) a 1 too: the region grows, the samples table marks the mistakes.
        await session.ByTestId("epoch-slider").FillAsync("0");
        await Expect(session.ByTestId("errors")).ToHaveTextAsync("2");
        await Expect(session.ByTestId("samples-table").Locator("tbody tr.wrong")).ToHaveCountAsync(2);
        session.AssertCleanAndSameOrigin();
    }
}
