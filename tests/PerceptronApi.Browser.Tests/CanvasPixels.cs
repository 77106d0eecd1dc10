using System.Text.Json;
using Microsoft.Playwright;

namespace PerceptronApi.Browser.Tests;

/// <summary>Reads what a canvas really shows: pixel colours at data points, and how many pixels have a colour.</summary>
public static class CanvasPixels
{
    public readonly record struct Rgba(int R, int G, int B, int A)
    {
        public bool IsWhite => R > 250 && G > 250 && B > 250;

        /// <summary>Within <paramref name="tolerance"/> of a colour on every channel.</summary>
        public bool IsNear(int r, int g, int b, int tolerance = 40) =>
            Math.Abs(R - r) <= tolerance && Math.Abs(G - g) <= tolerance && Math.Abs(B - b) <= tolerance;
    }

    /// <summary>The colour the boundary plot shows at a point (x1, x2) of its data, or <paramref name="dx"/> CSS pixels to its right.</summary>
    public static async Task<Rgba> AtDataPointAsync(ILocator canvas, double x1, double x2, double dx = 0)
    {
        var values = await canvas.EvaluateAsync<int[]>(
            """
            (canvas, [x1, x2, dx]) => {
              const plot = canvas.boundaryPlot;
              const [px, py] = plot.toPixel(x1, x2);
              const d = canvas.getContext('2d').getImageData(Math.round((px + dx) * plot.ratio), Math.round(py * plot.ratio), 1, 1).data;
              return [d[0], d[1], d[2], d[3]];
            }
            """,
            new[] { x1, x2, dx });
        return new Rgba(values[0], values[1], values[2], values[3]);
    }

    /// <summary>How many pixels of the canvas are within the tolerance of each colour (and how many are not white).</summary>
    public static async Task<(int NonWhite, int[] Near)> CountAsync(ILocator canvas, params (int R, int G, int B)[] colours)
    {
        var json = await canvas.EvaluateAsync<JsonElement>(
            """
            (canvas, colours) => {
              const { width, height } = canvas;
              const d = canvas.getContext('2d').getImageData(0, 0, width, height).data;
              let nonWhite = 0;
              const near = colours.map(() => 0);
              for (let i = 0; i < d.length; i += 4) {
                if (d[i + 3] === 0) continue;
                if (d[i] < 250 || d[i + 1] < 250 || d[i + 2] < 250) nonWhite++;
                colours.forEach(([r, g, b], k) => {
                  if (Math.abs(d[i] - r) <= 40 && Math.abs(d[i + 1] - g) <= 40 && Math.abs(d[i + 2] - b) <= 40) near[k]++;
                });
              }
              return { nonWhite, near };
            }
            """,
            colours.Select(c => new[] { c.R, c.G, c.B }).ToArray());
        return (json.GetProperty("nonWhite").GetInt32(), [.. json.GetProperty("near").EnumerateArray().Select(e => e.GetInt32())]);
    }
}
