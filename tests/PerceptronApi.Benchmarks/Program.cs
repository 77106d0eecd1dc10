using BenchmarkDotNet.Running;

if (args is ["--probe"]) { PerceptronApi.Benchmarks.Probe.Run(); return; }
if (args is ["--breakdown"]) { PerceptronApi.Benchmarks.Breakdown.Run(); return; }
if (args is ["--quick", var size]) { PerceptronApi.Benchmarks.Quick.Run(int.Parse(size, System.Globalization.CultureInfo.InvariantCulture)); return; }

BenchmarkSwitcher.FromAssembly(typeof(PerceptronApi.Benchmarks.TrainingBenchmarks).Assembly).Run(args);
