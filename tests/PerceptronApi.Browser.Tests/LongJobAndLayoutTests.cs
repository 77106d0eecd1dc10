using System.Globalization;
using System.Text;
using Microsoft.Playwright;
using Xunit.Abstractions;
using static Microsoft.Playwright.Assertions;

namespace PerceptronApi.Browser.Tests;

/// <summary>
/// A 10 000-epoch job (read once over its stream, or a page at a time when opened later), the phone layout, and the
/// figures the notes report (page weight, first render, replay frames): printed and written to screenshots/metrics.txt,
/// never asserted as times.
/// </summary>
[Collection(PageTests.Name)]
public class LongJobAndLayoutTests(PageServer server, ITestOutputHelper output)
{
    private static readonly object MetricsLock = new();

    private void Report(string line)
    {
        output.WriteLine(line);
        lock (MetricsLock)
        {
            File.AppendAllText(Path.Combine(PageServer.ScreenshotFolder, "metrics.txt"), line + Environment.NewLine, new UTF8Encoding(false));
        }
    }

    [BrowserFact]
    public async Task ATenThousandEpochJob_IsReadOnceAndReplaysFromMemory()
    {
        await using var session = await server.OpenAsync();
        await session.ByTestId("gate").SelectOptionAsync("AND");
        await session.ByTestId("algorithm").SelectOptionAsync("adaline");
        await session.ByTestId("max-epochs").FillAsync("10000");
        var started = DateTime.UtcNow;
        await session.ByTestId("train").ClickAsync();

        await Expect(session.ByTestId("job-status")).ToHaveTextAsync("succeeded", new() { Timeout = 60_000 });
        await Expect(session.ByTestId("epoch")).ToHaveTextAsync("10000", new() { Timeout = 60_000 });
        var followed = DateTime.UtcNow - started;
        await Expect(session.ByTestId("epoch-slider")).ToHaveAttributeAsync("max", "10000");
        await Expect(session.ByTestId("result")).ToContainTextAsync("Not converged: it stopped at the limit of 10000 epochs");
        Assert.Single(session.Requests, url => url.EndsWith("/events", StringComparison.Ordinal));
        Assert.DoesNotContain(session.Requests, url => url.Contains("/history?", StringComparison.Ordinal));

        // Any epoch from memory: no request at all.
        var before = session.Requests.Count;
        await session.ByTestId("epoch-slider").FillAsync("1234");
        await Expect(session.ByTestId("epoch")).ToHaveTextAsync("1234");
        Assert.Equal(before, session.Requests.Count);

        // Play the whole run in 5 s and record the gaps between frames while it plays.
        await session.ByTestId("speed").SelectOptionAsync("run5");
        await session.ByTestId("epoch-slider").FillAsync("0");
        var frames = await session.Page.EvaluateAsync<double[]>(
            """
            () => new Promise(resolve => {
              const gaps = [];
              let last = performance.now();
              document.querySelector('[data-testid=play]').click();
              const tick = now => {
                gaps.push(now - last);
                last = now;
                if (gaps.length < 180) requestAnimationFrame(tick); else resolve(gaps);
              };
              requestAnimationFrame(tick);
            })
            """);
        var shownWhilePlaying = int.Parse(await session.ByTestId("epoch").TextContentAsync() ?? "0", CultureInfo.InvariantCulture);
        await session.ByTestId("play").ClickAsync();
        await Expect(session.ByTestId("play")).ToHaveAttributeAsync("aria-pressed", "false");
        Assert.True(shownWhilePlaying > 0, "the replay advanced");
        Assert.Equal(before, session.Requests.Count);
        var sorted = frames.Skip(1).Order().ToArray();
        Report($"10 000-epoch adaline job followed live over SSE: {followed.TotalMilliseconds:F0} ms from click to epoch 10000 shown; " +
            $"replay (whole run in 5 s): {sorted.Length} frames, median {sorted[sorted.Length / 2]:F1} ms, p95 {sorted[(int)(sorted.Length * 0.95)]:F1} ms, " +
            $"max {sorted[^1]:F1} ms, reached epoch {shownWhilePlaying} in {frames.Sum() / 1000:F1} s");

        // Opened later by its link: the history comes a page (1000 records) at a time, no stream.
        var hash = new Uri(session.Page.Url).Fragment;
        await using var later = await server.OpenAsync("/" + hash);
        await Expect(later.ByTestId("epoch")).ToHaveTextAsync("10000", new() { Timeout = 30_000 });
        await Expect(later.ByTestId("job-status")).ToHaveTextAsync("succeeded");
        Assert.Equal(11, later.Requests.Count(url => url.Contains("/history?", StringComparison.Ordinal)));
        Assert.DoesNotContain(later.Requests, url => url.EndsWith("/events", StringComparison.Ordinal));
        var (_, curves) = await CanvasPixels.CountAsync(later.ByTestId("loss-chart").Locator("canvas"), (47, 111, 179));
        Assert.True(curves[0] > 50, "the loss curve is drawn");

        session.AssertCleanAndSameOrigin();
        later.AssertCleanAndSameOrigin();
    }

    [BrowserFact]
    public async Task FirstLoad_IsMeasuredAndMakesNoRequestElsewhere()
    {
        var context = await server.Browser.NewContextAsync(new() { BaseURL = server.BaseAddress.ToString() });
        var page = await context.NewPageAsync();
        var requests = new List<IRequest>();
        page.RequestFinished += (_, request) => requests.Add(request);
        var navigation = await page.GotoAsync("/");
        Assert.StartsWith("default-src 'self';", (await navigation!.AllHeadersAsync())["content-security-policy"], StringComparison.Ordinal);
        await page.WaitForSelectorAsync("body[data-ready=true]", new() { State = WaitForSelectorState.Attached });
        await Expect(page.GetByTestId("truth-table").Locator("tbody tr")).ToHaveCountAsync(4);
        await page.WaitForLoadStateAsync(LoadState.NetworkIdle);

        long bytes = 0;
        foreach (var request in requests)
        {
            var sizes = await request.SizesAsync();
            bytes += sizes.ResponseBodySize + sizes.ResponseHeadersSize;
        }

        var paint = await page.EvaluateAsync<double>("() => performance.getEntriesByName('first-contentful-paint')[0]?.startTime ?? -1");
        var ready = await page.EvaluateAsync<double>("() => performance.getEntriesByName('page-ready')[0]?.startTime ?? -1");
        Report($"first load of / (Testing environment, build output): {requests.Count} requests, {bytes} bytes transferred (bodies + headers); " +
            $"first contentful paint {paint:F0} ms, gates read and explorer wired {ready:F0} ms");
        Assert.True(paint > 0);
        Assert.All(requests, request => Assert.StartsWith(server.BaseAddress.GetLeftPart(UriPartial.Authority), request.Url, StringComparison.Ordinal));
        await context.DisposeAsync();
    }

    [BrowserFact]
    public async Task AtPhoneWidth_NothingScrollsSideways()
    {
        await using var session = await server.OpenAsync(width: 390, height: 844);
        await Expect(session.ByTestId("explorer-score")).ToHaveTextAsync("1 of 4 right (accuracy 0.25).");
        await session.ByTestId("gate").SelectOptionAsync("NOR");
        await session.ByTestId("train").ClickAsync();
        await Expect(session.ByTestId("epoch")).ToHaveTextAsync("8");

        var overflow = await session.Page.EvaluateAsync<int>("() => document.documentElement.scrollWidth - window.innerWidth");
        Assert.True(overflow <= 0, $"the page is {overflow} px wider than the phone");
        var (nonWhite, _) = await CanvasPixels.CountAsync(session.ByTestId("boundary"));
        Assert.True(nonWhite > 1000);
        await session.ScreenshotAsync("training-phone.png");
        session.AssertCleanAndSameOrigin();
    }
}
