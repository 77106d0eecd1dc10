using System.Collections.Immutable;
using PerceptronApi.Core.Gates;
using PerceptronApi.Core.Model;
using PerceptronApi.Core.Training;

namespace PerceptronApi.Benchmarks;

/// <summary>
/// `--xor-share [rate epochs scale]`: how many of the seeds 1–100 learn XOR (4 of 4) with backpropagation and one hidden
/// layer of 2 units — the defaults' measurement (docs/backpropagation.md). Without arguments, the defaults.
/// </summary>
internal static class XorShare
{
    public static void Run(string[] args)
    {
        GateCatalogue.TryGet("XOR", out var xor);
        var data = new TrainingSet(xor.TruthTableInputs, xor.TruthTableOutputs);
        var defaults = TrainingOptions.Defaults(TrainingAlgorithm.Backpropagation);
        var rate = args.Length > 0 ? double.Parse(args[0], System.Globalization.CultureInfo.InvariantCulture) : defaults.LearningRate;
        var epochs = args.Length > 1 ? int.Parse(args[1], System.Globalization.CultureInfo.InvariantCulture) : defaults.MaxEpochs;
        var scale = args.Length > 2 ? double.Parse(args[2], System.Globalization.CultureInfo.InvariantCulture) : NetworkTrainer.RandomInitialScale;
        var learned = 0;
        var failed = new List<int>();
        for (var seed = 1; seed <= 100; seed++)
        {
            var options = defaults with { HiddenLayers = [2], Seed = seed, LearningRate = rate, MaxEpochs = epochs };
            if (scale != NetworkTrainer.RandomInitialScale)
            {
                // The documented scheme with another scale: layer by layer, unit by unit, bias then weights.
                var random = new Random(seed);
                double Draw() => ((random.NextDouble() * 2) - 1) * scale;
                ImmutableArray<Perceptron> Layer(int units, int width) =>
                    [.. Enumerable.Range(0, units).Select(_ => { var b = Draw(); return new Perceptron(b, Enumerable.Range(0, width).Select(_ => Draw()).ToImmutableArray()); })];
                options = options with { InitialLayers = [Layer(2, 2), Layer(1, 2)] };
            }

            var result = NetworkTrainer.Train(data, options);
            if (result.Errors == 0)
            {
                learned++;
            }
            else
            {
                failed.Add(seed);
            }
        }

        Console.WriteLine($"rate {rate}, epochs {epochs}, scale {scale}: {learned} of 100 seeds learn XOR; the others: [{string.Join(", ", failed)}]");
    }
}
