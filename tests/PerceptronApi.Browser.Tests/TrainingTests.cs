using System.Net.Http.Json;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using static Microsoft.Playwright.Assertions;

namespace PerceptronApi.Browser.Tests;

/// <summary>Training from the page: the live follow, the replay, the curves and the boundary, problems next to fields.</summary>
[Collection(PageTests.Name)]
public class TrainingTests(PageServer server)
{
    private static readonly (int R, int G, int B) ErrorsCurve = (199, 54, 60);
    private static readonly (int R, int G, int B) LossCurve = (47, 111, 179);

    [BrowserFact]
    public async Task TrainingNor_ConvergesAtEpoch8AndTheSliderReplaysEpoch5()
    {
        await using var session = await server.OpenAsync();
        await session.ByTestId("gate").SelectOptionAsync("NOR");
        await session.ByTestId("algorithm").SelectOptionAsync("perceptron");
        await session.ByTestId("train").ClickAsync();

        await Expect(session.ByTestId("job-status")).ToHaveTextAsync("succeeded");
        await Expect(session.ByTestId("epoch")).ToHaveTextAsync("8");
        await Expect(session.ByTestId("weights")).ToHaveTextAsync("bias 0.5, weights [-0.1, -0.1]");
        await Expect(session.ByTestId("result")).ToContainTextAsync("Converged after 8 epochs: epoch 8 went by without a single update.");
        await Expect(session.ByTestId("epoch-slider")).ToHaveAttributeAsync("max", "8");

        // The final boundary 0.5 − 0.1·x1 − 0.1·x2 >= 0.5: shaded below x1 + x2 = 0 only.
        var boundary = session.ByTestId("boundary");
        Assert.False((await CanvasPixels.AtDataPointAsync(boundary, -0.4, -0.4)).IsWhite);
        Assert.True((await CanvasPixels.AtDataPointAsync(boundary, 1.2, 1.2)).IsWhite);
        var chart = session.ByTestId("loss-chart").Locator("canvas");
        var (_, curves) = await CanvasPixels.CountAsync(chart, ErrorsCurve, LossCurve);
        Assert.True(curves[0] > 50 && curves[1] > 50, $"both curves are drawn ({curves[0]} and {curves[1]} pixels)");

        await session.ByTestId("epoch-slider").FillAsync("5");
        await Expect(session.ByTestId("epoch")).ToHaveTextAsync("5");
        await Expect(session.ByTestId("weights")).ToHaveTextAsync("bias 0.4, weights [0, -0.1]");
        await Expect(session.ByTestId("updates")).ToHaveTextAsync("2");
        await Expect(session.ByTestId("errors")).ToHaveTextAsync("1");
        await Expect(session.ByTestId("loss")).ToHaveTextAsync("0.0875");
        await Expect(session.ByTestId("loss")).ToHaveAttributeAsync("title", "0.08750000000000002");
        // Epoch 5: 0.4 − 0.1·x2 never reaches 0.5 on the plot: nothing shaded; (0,0) (label 1) is crossed out.
        Assert.True((await CanvasPixels.AtDataPointAsync(boundary, -0.4, -0.4)).IsWhite);
        Assert.True((await CanvasPixels.AtDataPointAsync(boundary, 0, 0)).IsNear(199, 54, 60));
        await Expect(session.ByTestId("samples-table").Locator("tbody tr.wrong")).ToHaveCountAsync(1);

        // The slider by keyboard.
        await session.ByTestId("epoch-slider").FocusAsync();
        await session.Page.Keyboard.PressAsync("ArrowLeft");
        await Expect(session.ByTestId("epoch")).ToHaveTextAsync("4");
        await Expect(session.ByTestId("weights")).ToHaveTextAsync("bias 0.4, weights [0, 0]");

        // The job's JSON is one link away, and the events were read once: no history page was fetched.
        var href = await session.ByTestId("job-link").GetAttributeAsync("href");
        Assert.Matches("^api/v1/training-jobs/[0-9a-f]{32}$", href);
        var job = JsonNode.Parse(await (await session.Page.APIRequest.GetAsync(href!)).TextAsync())!;
        Assert.Equal("succeeded", job["status"]!.GetValue<string>());
        Assert.Single(session.Requests, url => url.EndsWith("/events", StringComparison.Ordinal));
        Assert.DoesNotContain(session.Requests, url => url.Contains("/history?", StringComparison.Ordinal));

        await session.ScreenshotAsync("training-desktop.png");
        session.AssertCleanAndSameOrigin();
    }

    [BrowserFact]
    public async Task PlayAndPause_StepThroughTheHistory()
    {
        await using var session = await server.OpenAsync();
        await session.ByTestId("gate").SelectOptionAsync("NOR");
        await session.ByTestId("train").ClickAsync();
        await Expect(session.ByTestId("job-status")).ToHaveTextAsync("succeeded");

        await session.ByTestId("speed").SelectOptionAsync("40");
        await session.ByTestId("play").ClickAsync();
        // Play from the end starts again at epoch 0 and stops at the last epoch.
        await Expect(session.ByTestId("play")).ToHaveAttributeAsync("aria-pressed", "true");
        await Expect(session.ByTestId("play")).ToHaveAttributeAsync("aria-pressed", "false", new() { Timeout = 10_000 });
        await Expect(session.ByTestId("epoch")).ToHaveTextAsync("8");
        session.AssertCleanAndSameOrigin();
    }

    [BrowserFact]
    public async Task AnInvalidLearningRate_ShowsTheServicesDetailNextToTheField()
    {
        using var http = new HttpClient { BaseAddress = server.BaseAddress };
        var direct = JsonNode.Parse(await (await http.PostAsJsonAsync("api/v1/training-jobs", new { gate = "NOR", learningRate = -1 })).Content.ReadAsStringAsync())!;
        var message = direct["errors"]!["learningRate"]![0]!.GetValue<string>();

        await using var session = await server.OpenAsync();
        await session.ByTestId("learning-rate").FillAsync("-1");
        await session.ByTestId("train").ClickAsync();

        await Expect(session.Page.Locator("#learningRate-error")).ToHaveTextAsync($"learningRate: {message}");
        await Expect(session.ByTestId("learning-rate")).ToHaveAttributeAsync("aria-invalid", "true");
        await Expect(session.ByTestId("train-problem")).ToHaveTextAsync(direct["detail"]!.GetValue<string>());
        await Expect(session.ByTestId("job-status")).ToHaveTextAsync("none yet");
        // The console shows the 400 the browser saw; nothing else went wrong.
        Assert.All(session.ConsoleErrors, error => Assert.Contains("400", error, StringComparison.Ordinal));
    }

    [BrowserFact]
    public async Task ACsvWithANonNumber_ShowsTheLineAndColumnNextToTheTextBox()
    {
        await using var session = await server.OpenAsync();
        await session.ByTestId("csv").FillAsync("x1,x2,y\n0,0,0\n1,a,1\n");
        await session.ByTestId("train").ClickAsync();

        await Expect(session.Page.Locator("#csv-error")).ToHaveTextAsync("line 3, column 2: must be a number (got \"a\").");
        await Expect(session.ByTestId("train-problem")).ToContainTextAsync("\"line 3, column 2\" must be a number");
    }

    [BrowserFact]
    public async Task OwnCsvData_TrainsAndPlotsThePastedSamples()
    {
        await using var session = await server.OpenAsync();
        await session.ByTestId("csv").FillAsync("petal length,petal width,label\n1.4,0.2,0\n1.3,0.2,0\n4.7,1.4,1\n4.5,1.5,1\n1.5,0.3,0\n4.9,1.5,1\n");
        await session.ByTestId("max-epochs").FillAsync("50");
        await session.ByTestId("train").ClickAsync();

        await Expect(session.ByTestId("job-status")).ToHaveTextAsync("succeeded");
        await Expect(session.ByTestId("result")).ToContainTextAsync(new Regex("^Converged after \\d+ epochs"));
        await Expect(session.ByTestId("samples-table").Locator("tbody tr")).ToHaveCountAsync(6);
        await Expect(session.ByTestId("samples-table").Locator("tbody tr.wrong")).ToHaveCountAsync(0);
        var (nonWhite, _) = await CanvasPixels.CountAsync(session.ByTestId("boundary"));
        Assert.True(nonWhite > 1000, $"{nonWhite} pixels drawn");
        session.AssertCleanAndSameOrigin();
    }

    [BrowserFact]
    public async Task BackpropagationOnXor_TrainsAndShowsTheNetwork()
    {
        await using var session = await server.OpenAsync();
        await session.ByTestId("gate").SelectOptionAsync("XOR");
        await session.ByTestId("algorithm").SelectOptionAsync("backpropagation");
        await Expect(session.ByTestId("hidden-layers")).ToBeVisibleAsync();
        await session.ByTestId("train").ClickAsync();

        // The service trains the network: the weights of every layer are shown and the boundary is drawn.
        await Expect(session.ByTestId("weights")).ToContainTextAsync("hidden layer 1", new() { Timeout = 20_000 });
        await Expect(session.ByTestId("job-status")).ToHaveTextAsync("succeeded", new() { Timeout = 20_000 });
        await Expect(session.Page.Locator("#algorithm-error")).ToBeEmptyAsync();
        var (nonWhite, _) = await CanvasPixels.CountAsync(session.ByTestId("boundary"));
        Assert.True(nonWhite > 1000);
        Assert.Empty(session.ConsoleErrors);
    }
}
