using System.Diagnostics;
using System.Runtime.InteropServices;
using PerceptronApi.Core.Training;

namespace PerceptronApi.Benchmarks;

/// <summary>`--quick [samples]`: best-of-7 per-epoch cost of each algorithm (no BenchmarkDotNet; for fast iteration).</summary>
internal static class Quick
{
    public static void Run(int samples)
    {
        var (set, _) = BenchmarkData.Create(samples);
        for (var rep = 0; rep < 3; rep++)
        {
            var t = Stopwatch.StartNew();
            var a = new double[samples * 21];
            a.AsSpan().Fill(1.0);
            var fresh = t.Elapsed.TotalMilliseconds;
            t.Restart();
            a.AsSpan().Fill(2.0);
            var again = t.Elapsed.TotalMilliseconds;
            t.Restart();
            new SampleBlocks(set.Inputs, set.Labels.AsSpan(), 0.5, 1.0).Release();
            var copy = t.Elapsed.TotalMilliseconds;
            t.Restart();
            _ = Trainer.Validate(set, new TrainingOptions());
            Console.WriteLine($"alloc+fill {fresh:F2} ms, fill again {again:F2} ms, SampleBlocks {copy:F2} ms, Validate {t.Elapsed.TotalMilliseconds:F2} ms");
        }

        foreach (var algorithm in new[] { TrainingAlgorithm.Perceptron, TrainingAlgorithm.Averaged, TrainingAlgorithm.Adaline })
        {
            var options = new TrainingOptions { Algorithm = algorithm, MaxEpochs = 10, LearningRate = algorithm == TrainingAlgorithm.Adaline ? 0.01 : 0.1 };
            var bestEpoch = double.MaxValue;
            var bestTrain = double.MaxValue;
            for (var rep = 0; rep < 7; rep++)
            {
                var engine = new TrainingEngine(set, options, null);
                engine.Start();
                var sw = Stopwatch.StartNew();
                for (var k = 0; k < 10; k++)
                {
                    engine.RunEpoch(CancellationToken.None);
                }

                bestEpoch = Math.Min(bestEpoch, sw.Elapsed.TotalMilliseconds / 10 / samples * 1e6);
                engine.Release();
            }

            var bestCpu = double.MaxValue;
            for (var rep = 0; rep < 7; rep++)
            {
                if (Environment.GetEnvironmentVariable("QUICK_GC") is not null)
                {
                    GC.Collect();
                    GC.WaitForPendingFinalizers();
                    GC.Collect();
                }

                var cpu = ThreadCpuMilliseconds();
                var sw = Stopwatch.StartNew();
                Trainer.Train(set, options);
                bestTrain = Math.Min(bestTrain, sw.Elapsed.TotalMilliseconds);
                bestCpu = Math.Min(bestCpu, ThreadCpuMilliseconds() - cpu);
            }

            Console.WriteLine($"{samples,9} {algorithm,-10}: epoch {bestEpoch:F2} ns/row; Train {bestTrain:F1} ms = {samples * 10.0 / bestTrain / 1e3:F1} M/s (thread CPU {bestCpu:F1} ms = {samples * 10.0 / bestCpu / 1e3:F1} M/s)");
        }
    }

    [StructLayout(LayoutKind.Sequential)]
    private struct RUsage
    {
        public long UserSeconds;
        public long UserMicroseconds;
        public long SystemSeconds;
        public long SystemMicroseconds;
        public long Rest0, Rest1, Rest2, Rest3, Rest4, Rest5, Rest6, Rest7, Rest8, Rest9, Rest10, Rest11, Rest12, Rest13;
    }

    [DllImport("libc", EntryPoint = "getrusage")]
    private static extern int GetRUsage(int who, out RUsage usage);

    /// <summary>This thread's user + system CPU time (Linux RUSAGE_THREAD): immune to time slices lost to other load.</summary>
    internal static double ThreadCpuMilliseconds()
    {
        if (!OperatingSystem.IsLinux() || GetRUsage(1, out var u) != 0)
        {
            return Stopwatch.GetTimestamp() * 1000.0 / Stopwatch.Frequency;
        }

        return ((u.UserSeconds + u.SystemSeconds) * 1000.0) + ((u.UserMicroseconds + u.SystemMicroseconds) / 1000.0);
    }
}
