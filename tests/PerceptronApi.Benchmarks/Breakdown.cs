using System.Diagnostics;
using PerceptronApi.Core.Training;

namespace PerceptronApi.Benchmarks;

/// <summary>`--breakdown`: where a 10-epoch training run spends its time (no BenchmarkDotNet; quick, noisy).</summary>
internal static class Breakdown
{
    public static void Run()
    {
        foreach (var size in new[] { 2_000, 20_000, 100_000, 1_000_000 })
        {
            var (small, _) = BenchmarkData.Create(size);
            var sb = new SampleBlocks(small.Inputs, small.Labels.AsSpan(), 0.5, 1.0);
            var ws = Enumerable.Range(0, 20).Select(i => 0.01 * i).ToArray();
            var gs = new double[20];
            var reps = 20_000_000 / size;
            for (var r = 0; r < 3; r++)
            {
                var t = Stopwatch.StartNew();
                for (var k = 0; k < reps; k++)
                {
                    sb.Evaluate(0.1, ws);
                }

                var ev = t.Elapsed.TotalMilliseconds / reps / size * 1e6;
                t.Restart();
                for (var k = 0; k < reps; k++)
                {
                    sb.Gradient(0.1, ws, gs);
                }

                var gr = t.Elapsed.TotalMilliseconds / reps / size * 1e6;
                t.Restart();
                for (var k = 0; k < reps; k++)
                {
                    sb.CountErrors(0.1, ws, int.MaxValue);
                }

                var data = small.Inputs.Data.ToArray();
                t.Restart();
                var total = 0.0;
                for (var k = 0; k < reps; k++)
                {
                    total += Sum(data);
                }

                var sum = t.Elapsed.TotalMilliseconds / reps / size * 1e6;
                Console.WriteLine($"{size,9} rows: sum {sum:F2} ns/row ({160 / sum:F1} GB/s) {total > 0}");
                Console.WriteLine($"{size,9} rows: Evaluate {ev:F2} ns/row, Gradient {gr:F2} ns/row, CountErrors {t.Elapsed.TotalMilliseconds / reps / size * 1e6:F2} ns/row");
            }
        }

        if (Environment.GetEnvironmentVariable("KERNELS_ONLY") is not null)
        {
            return;
        }

        foreach (var samples in new[] { 100_000, 1_000_000 })
        {
            var (set, _) = BenchmarkData.Create(samples);
            for (var rep = 0; rep < 3; rep++)
            {
                var sw = Stopwatch.StartNew();
                _ = Trainer.Validate(set, new TrainingOptions());
                var validate = sw.Elapsed.TotalMilliseconds;
                sw.Restart();
                var blocks = new SampleBlocks(set.Inputs, set.Labels.AsSpan(), 0.5, 1.0);
                var copy = sw.Elapsed.TotalMilliseconds;
                var w = Enumerable.Range(0, 20).Select(i => 0.01 * i).ToArray();
                sw.Restart();
                blocks.Evaluate(0.1, w);
                var evaluate = sw.Elapsed.TotalMilliseconds;
                Console.Write($"{samples,9}: validate {validate:F2} ms, copy {copy:F2} ms, judge {evaluate / samples * 1e6:F2} ns/row");
                foreach (var algorithm in new[] { TrainingAlgorithm.Perceptron, TrainingAlgorithm.Averaged, TrainingAlgorithm.Adaline })
                {
                    var options = new TrainingOptions { Algorithm = algorithm, MaxEpochs = 10, LearningRate = algorithm == TrainingAlgorithm.Adaline ? 0.01 : 0.1 };
                    var engine = new TrainingEngine(set, options, null);
                    engine.Start();
                    sw.Restart();
                    for (var k = 0; k < 10; k++)
                    {
                        engine.RunEpoch(CancellationToken.None);
                    }

                    var epochs = sw.Elapsed.TotalMilliseconds;
                    sw.Restart();
                    Trainer.Train(set, options);
                    var train = sw.Elapsed.TotalMilliseconds;
                    Console.Write($"; {algorithm} epoch {epochs / 10 / samples * 1e6:F2} ns/row, train {train:F0} ms = {samples * 10.0 / train / 1e3:F1} M/s");
                }

                Console.WriteLine();
            }
        }
    }

    private static double Sum(double[] data)
    {
        System.Runtime.Intrinsics.Vector256<double> s0 = default, s1 = default, s2 = default, s3 = default;
        var i = 0;
        for (; i <= data.Length - 16; i += 16)
        {
            s0 += System.Runtime.Intrinsics.Vector256.Create(data.AsSpan(i, 4));
            s1 += System.Runtime.Intrinsics.Vector256.Create(data.AsSpan(i + 4, 4));
            s2 += System.Runtime.Intrinsics.Vector256.Create(data.AsSpan(i + 8, 4));
            s3 += System.Runtime.Intrinsics.Vector256.Create(data.AsSpan(i + 12, 4));
        }

        return System.Runtime.Intrinsics.Vector256.Sum(s0 + s1 + s2 + s3);
    }
}
