using BenchmarkDotNet.Running;

if (args is ["--xor-share", ..]) { PerceptronApi.Benchmarks.XorShare.Run(args[1..]); return; }
if (args is ["--probe"]) { PerceptronApi.Benchmarks.Probe.Run(); return; }
if (args is ["--breakdown"]) { PerceptronApi.Benchmarks.Breakdown.Run(); return; }
if (args is ["--quick", var size]) { PerceptronApi.Benchmarks.Quick.Run(int.Parse(size, System.Globalization.CultureInfo.InvariantCulture)); return; }

BenchmarkSwitcher.FromAssembly(typeof(PerceptronApi.Benchmarks.TrainingBenchmarks).Assembly).Run(args);
