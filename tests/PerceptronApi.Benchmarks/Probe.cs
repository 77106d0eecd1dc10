using System.Diagnostics;
using PerceptronApi.Core.Training;

namespace PerceptronApi.Benchmarks;

internal static class Probe
{
    public static void Run()
    {
        var (set, _) = BenchmarkData.Create(100_000);
        var blocks = new SampleBlocks(set.Inputs, set.Labels.AsSpan(), 0.5, 1.0);
        var w = Enumerable.Range(0, 20).Select(i => 0.01 * i).ToArray();
        for (var rep = 0; rep < 3; rep++)
        {
            var sw = Stopwatch.StartNew();
            for (var k = 0; k < 20; k++) blocks.Evaluate(0.1, w);
            Console.WriteLine($"Evaluate: {sw.Elapsed.TotalMilliseconds / 20 / 100_000 * 1e6:F2} ns/row");
            sw.Restart();
            for (var k = 0; k < 20; k++) blocks.FindMistake(0, 100_000, 100, w);
            Console.WriteLine($"FindMistake (none): {sw.Elapsed.TotalMilliseconds / 20 / 100_000 * 1e6:F2} ns/row");
            var g = new double[20];
            sw.Restart();
            for (var k = 0; k < 20; k++) blocks.Gradient(0.1, w, g);
            Console.WriteLine($"Gradient: {sw.Elapsed.TotalMilliseconds / 20 / 100_000 * 1e6:F2} ns/row");
            var trained = Trainer.Train(set, new TrainingOptions { MaxEpochs = 10 }).Model;
            var tw = trained.Weights.ToArray();
            sw.Restart();
            var calls = 0;
            for (var k = 0; k < 20; k++)
            {
                var p = 0;
                while (p < 100_000) { p = blocks.FindMistake(p, 100_000, trained.Bias, tw) + 1; calls++; }
            }
            Console.WriteLine($"FindMistake scan: {sw.Elapsed.TotalMilliseconds / 20 / 100_000 * 1e6:F2} ns/row, {calls / 20} calls/epoch, {sw.Elapsed.TotalMilliseconds * 1e6 / calls:F1} ns/call");
            var history = new List<EpochRecord>();
            sw.Restart();
            Trainer.Train(set, new TrainingOptions { MaxEpochs = 10 }, history.Add);
            Console.WriteLine($"Train: {sw.Elapsed.TotalMilliseconds / 11 / 100_000 * 1e6:F2} ns/row-epoch; updates {string.Join(",", history.Select(r => r.Updates))}");
        }
    }
}
