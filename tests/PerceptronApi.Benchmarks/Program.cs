using BenchmarkDotNet.Running;

if (args is ["--probe"]) { PerceptronApi.Benchmarks.Probe.Run(); return; }
if (args is ["--breakdown"]) { PerceptronApi.Benchmarks.Breakdown.Run(); return; }

BenchmarkSwitcher.FromAssembly(typeof(PerceptronApi.Benchmarks.TrainingBenchmarks).Assembly).Run(args);
