using System.Text.RegularExpressions;
using static Microsoft.Playwright.Assertions;

namespace PerceptronApi.Browser.Tests;

/// <summary>The weights explorer: the tutorial's table, its plot, presets, networks from the catalogue, the keyboard.</summary>
[Collection(PageTests.Name)]
public class ExplorerTests(PageServer server)
{
    private static async Task<string[][]> ReadTableAsync(PageSession session)
    {
        var rows = session.ByTestId("truth-table").Locator("tbody tr");
        var count = await rows.CountAsync();
        var table = new string[count][];
        for (var i = 0; i < count; i++)
        {
            table[i] = [.. (await rows.Nth(i).Locator("td").AllTextContentsAsync()).Select(text => text.Trim())];
        }

        return table;
    }

    [BrowserFact]
    public async Task TheGuessAgainstNor_ShowsTheTutorialsTableAndPlot()
    {
        await using var session = await server.OpenAsync();
        var rows = session.ByTestId("truth-table").Locator("tbody tr");
        await Expect(rows).ToHaveCountAsync(4);
        await Expect(session.ByTestId("w0")).ToHaveValueAsync("0.4");
        await Expect(session.ByTestId("w1")).ToHaveValueAsync("0.7");
        await Expect(session.ByTestId("w2")).ToHaveValueAsync("-0.2");
        await Expect(session.ByTestId("explorer-target")).ToHaveValueAsync("NOR");

        // x1, x2, z, output, expected, error: z rounded to 10 significant digits, the exact value in the title.
        Assert.Equal(
            [
                ["0", "0", "0.4", "0", "1", "1"],
                ["0", "1", "0.2", "0", "0", "0"],
                ["1", "0", "1.1", "1", "0", "-1"],
                ["1", "1", "0.9", "1", "0", "-1"],
            ],
            await ReadTableAsync(session));
        await Expect(rows.Nth(3).Locator("td").Nth(2)).ToHaveAttributeAsync("title", "0.9000000000000001");
        await Expect(session.ByTestId("explorer-score")).ToHaveTextAsync("1 of 4 right (accuracy 0.25).");

        await session.ByTestId("exact-numbers").CheckAsync();
        await Expect(rows.Nth(3).Locator("td").Nth(2)).ToHaveTextAsync("0.9000000000000001");

        // z >= 0.5 where 0.7·x1 − 0.2·x2 >= 0.1: shaded at (1.2, −0.3), not at (−0.3, 1.2).
        var plot = session.ByTestId("explorer-plot");
        var shaded = await CanvasPixels.AtDataPointAsync(plot, 1.2, -0.3);
        Assert.False(shaded.IsWhite, $"{shaded}");
        Assert.True(shaded.R > shaded.B + 20, $"the output-1 side is shaded orange: {shaded}");
        Assert.True((await CanvasPixels.AtDataPointAsync(plot, -0.3, 1.2)).IsWhite);
        // (0,0): NOR's 1, a filled orange dot, but the guess outputs 0: crossed out in red, like (1,0) and (1,1).
        Assert.True((await CanvasPixels.AtDataPointAsync(plot, 0, 0, dx: 4)).IsNear(224, 120, 28), "filled orange dot at (0,0)");
        Assert.True((await CanvasPixels.AtDataPointAsync(plot, 0, 0)).IsNear(199, 54, 60), "red cross at (0,0)");
        Assert.True((await CanvasPixels.AtDataPointAsync(plot, 1, 1)).IsNear(199, 54, 60), "red cross at (1,1)");
        // (0,1) is right: a blue ring (target 0) with a white centre, no cross.
        Assert.True((await CanvasPixels.AtDataPointAsync(plot, 0, 1)).IsWhite, "white centre at (0,1)");
        var ring = await CanvasPixels.AtDataPointAsync(plot, 0, 1, dx: 6);
        Assert.True(ring.B > ring.R + 40, $"blue ring at (0,1): {ring}");
        var (_, near) = await CanvasPixels.CountAsync(plot, (27, 27, 27));
        Assert.True(near[0] > 100, $"the line z = θ is drawn ({near[0]} dark pixels)");

        session.AssertCleanAndSameOrigin();
    }

    [BrowserFact]
    public async Task ThePresetsAndTypedWeights_UpdateTheTable()
    {
        await using var session = await server.OpenAsync();
        await Expect(session.ByTestId("explorer-score")).ToHaveTextAsync(new Regex("^1 of 4"));

        await session.Page.GetByRole(Microsoft.Playwright.AriaRole.Button, new() { Name = "NOR (0.5, −0.6, −0.6)" }).ClickAsync();
        await Expect(session.ByTestId("explorer-score")).ToHaveTextAsync("4 of 4 right (accuracy 1): these weights compute the gate.");
        // NOR at (0,0): z is exactly θ = 0.5, and 0.5 >= 0.5 gives 1.
        Assert.Equal(["0", "0", "0.5", "1", "1", "0"], (await ReadTableAsync(session))[0]);

        await session.Page.GetByRole(Microsoft.Playwright.AriaRole.Button, new() { Name = "AND (−0.5, 0.6, 0.6)" }).ClickAsync();
        await Expect(session.ByTestId("explorer-target")).ToHaveValueAsync("AND");
        await Expect(session.ByTestId("explorer-score")).ToHaveTextAsync(new Regex("^4 of 4"));

        // Typing a weight: AND with w2 = 0 is wrong only at (1,1).
        await session.ByTestId("w2").FillAsync("0");
        await Expect(session.ByTestId("explorer-score")).ToHaveTextAsync("3 of 4 right (accuracy 0.75).");
        await Expect(session.Page.Locator("#w2-range")).ToHaveValueAsync("0");

        // The slider by keyboard: one step right is +0.01 on w0.
        await session.Page.Locator("#w0-range").FocusAsync();
        await session.Page.Keyboard.PressAsync("ArrowRight");
        await Expect(session.ByTestId("w0")).ToHaveValueAsync("-0.49");

        // Not a number: said next to the field, nothing sent.
        await session.ByTestId("w1").FillAsync("");
        await Expect(session.Page.Locator("#w1-error")).ToHaveTextAsync("w1 must be a number.");

        session.AssertCleanAndSameOrigin();
    }

    [BrowserFact]
    public async Task XorFromTheCatalogue_IsShownAsANetworkWithItsHiddenOutputs()
    {
        await using var session = await server.OpenAsync();
        await session.Page.Locator("button[data-gate=XOR]").ClickAsync();

        await Expect(session.Page.Locator("#explorer-network")).ToBeVisibleAsync();
        await Expect(session.ByTestId("explorer-target")).ToHaveValueAsync("XOR");
        await Expect(session.ByTestId("explorer-score")).ToHaveTextAsync(new Regex("^4 of 4 right"));
        var headers = await session.ByTestId("truth-table").Locator("thead th").AllTextContentsAsync();
        Assert.Equal(["x1", "x2", "hidden outputs", "z", "output", "expected", "error"], headers);
        // Hidden layer OR and NAND: (0,1) → [1, 1], then AND gives 1.
        Assert.Equal(["0", "1", "[1, 1]", "0.7", "1", "1", "0"], (await ReadTableAsync(session))[1]);
        // The region that outputs 1 is a band between the two hidden lines: (0,1) is shaded, (0,0) and (1,1) are not.
        var plot = session.ByTestId("explorer-plot");
        Assert.False((await CanvasPixels.AtDataPointAsync(plot, 0.5, 0.5)).IsWhite);
        Assert.True((await CanvasPixels.AtDataPointAsync(plot, -0.4, -0.4)).IsWhite);
        Assert.True((await CanvasPixels.AtDataPointAsync(plot, 1.4, 1.4)).IsWhite);

        await session.Page.Locator("#explorer-network-close").ClickAsync();
        await Expect(session.Page.Locator("#explorer-network")).ToBeHiddenAsync();
        session.AssertCleanAndSameOrigin();
    }
}
