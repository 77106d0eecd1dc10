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
    private struct TimeSpec
    {
        public long Seconds;
        public long Nanoseconds;
    }

    /// <summary>Linux's <c>CLOCK_THREAD_CPUTIME_ID</c>: the calling thread's CPU time.</summary>
    private const int ThreadCpuClock = 3;

    [DllImport("libc", EntryPoint = "clock_gettime")]
    private static extern int ClockGetTime(int clock, out TimeSpec time);

    /// <summary>
    /// This thread's CPU time: immune to time slices lost to other load. From <c>clock_gettime</c>, the scheduler's
    /// exact run time; <c>getrusage(RUSAGE_THREAD)</c>, used before, splits that time into user and system by timer
    /// ticks and came out up to ~4 ms short over a 10 ms span (a fifth of a 100 k run).
    /// </summary>
    internal static double ThreadCpuMilliseconds()
    {
        if (!OperatingSystem.IsLinux() || ClockGetTime(ThreadCpuClock, out var t) != 0)
        {
            return Stopwatch.GetTimestamp() * 1000.0 / Stopwatch.Frequency;
        }

        return (t.Seconds * 1000.0) + (t.Nanoseconds / 1e6);
    }
}
