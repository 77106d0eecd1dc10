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
            var ww = new double[20];
            var bb = 0.0;
            var updates = 0;
            sw.Restart();
            for (var k = 0; k < 10; k++)
            {
                var p = 0;
                while (p < 100_000)
                {
                    var mistake = blocks.FindMistake(p, 100_000, bb, ww);
                    if (mistake == 100_000) break;
                    var x = set.Inputs.Row(mistake);
                    var y = set.Labels[mistake];
                    var delta = 0.1 * (y == 1.0 ? 1.0 : -1.0);
                    bb += delta;
                    for (var j = 0; j < 20; j++) ww[j] += delta * x[j];
                    updates++;
                    p = mistake + 1;
                }
            }
            Console.WriteLine($"Manual epochs: {sw.Elapsed.TotalMilliseconds / 10 / 100_000 * 1e6:F2} ns/row, {updates / 10} updates/epoch");
            {
                var fw = new double[24];
                var fb = 0.0;
                var fsums = new double[24];
                double fbs = 0;
                long fsteps = 0;
                var fu = 0;
                sw.Restart();
                for (var k = 0; k < 10; k++) { var pend = 0; fu += blocks.Train(0, 100_000, ref fb, fw, 0.1, null, ref fbs, ref fsteps, ref pend); }
                Console.WriteLine($"Fused Train (perceptron): {sw.Elapsed.TotalMilliseconds / 10 / 100_000 * 1e6:F2} ns/row, {fu / 10} updates/epoch, {sw.Elapsed.TotalMilliseconds * 1e6 / fu:F1} ns/update");
                Array.Clear(fw);
                fb = 0;
                fu = 0;
                sw.Restart();
                for (var k = 0; k < 10; k++) { var pend = 0; fu += blocks.Train(0, 100_000, ref fb, fw, 0.1, fsums, ref fbs, ref fsteps, ref pend); }
                Console.WriteLine($"Fused Train (averaged): {sw.Elapsed.TotalMilliseconds / 10 / 100_000 * 1e6:F2} ns/row, {sw.Elapsed.TotalMilliseconds * 1e6 / fu:F1} ns/update");
            }

            var engine = new TrainingEngine(set, new TrainingOptions { MaxEpochs = 100 }, null);
            engine.Start();
            sw.Restart();
            for (var k = 0; k < 10; k++) engine.RunEpoch(CancellationToken.None);
            Console.WriteLine($"Engine epochs: {sw.Elapsed.TotalMilliseconds / 10 / 100_000 * 1e6:F2} ns/row");
            sw.Restart();
            for (var k = 0; k < 10; k++) _ = new SampleBlocks(set.Inputs, set.Labels.AsSpan(), 0.5, 1.0);
            Console.WriteLine($"SampleBlocks copy: {sw.Elapsed.TotalMilliseconds / 10:F2} ms");
            var history = new List<EpochRecord>();
            sw.Restart();
            Trainer.Train(set, new TrainingOptions { MaxEpochs = 10 }, history.Add);
            Console.WriteLine($"Train: {sw.Elapsed.TotalMilliseconds / 11 / 100_000 * 1e6:F2} ns/row-epoch; updates {string.Join(",", history.Select(r => r.Updates))}");
        }
    }
}
