using System.Collections.Immutable;
using CsCheck;
using PerceptronApi.Core.Model;
using PerceptronApi.Core.Training;

namespace PerceptronApi.Core.Tests.Training;

/// <summary>A random training request: data, labels and options, built from a few generated choices.</summary>
public sealed record Scenario(double[][] Rows, double[] Labels, TrainingOptions Options)
{
    public TrainingSet Set => ToSet(Rows, Labels);

    public static TrainingSet ToSet(double[][] rows, double[] labels) =>
        new(Matrix.FromRows(rows), ImmutableArray.Create(labels));

    public override string ToString() =>
        $"{Rows.Length}×{Rows[0].Length} {Options}";

    /// <summary>
    /// Sizes that cover full and partial SIMD groups and every padding class of the averaged sums; values either on a
    /// coarse grid (so z lands exactly on θ now and then) or arbitrary doubles.
    /// </summary>
    public static Gen<Scenario> Any { get; } =
        Gen.Select(Gen.Int[1, 70], Gen.Int[1, 40], Gen.Int[0, 3], Gen.Bool, Gen.Int[0, 2], Gen.Bool, Gen.Int, (m, n, algorithm, sign, init, shuffle, seed) =>
        {
            var random = new Random(seed);
            var grid = random.Next(2) == 0;
            double Value() => grid ? random.Next(-8, 9) / 4.0 : (random.NextDouble() * 4) - 2;
            var rows = Enumerable.Range(0, m).Select(_ => Enumerable.Range(0, n).Select(_ => Value()).ToArray()).ToArray();
            var labels = Enumerable.Range(0, m).Select(_ => random.Next(2) == 0 ? (sign ? -1.0 : 0.0) : 1.0).ToArray();
            var algorithmKind = (TrainingAlgorithm)algorithm;
            var options = new TrainingOptions
            {
                Algorithm = algorithmKind,
                Activation = sign ? Activation.Sign : Activation.Step,
                Threshold = random.Next(3) == 0 ? random.Next(-4, 5) / 4.0 : null,
                LearningRate = new[] { 0.1, 0.01, 0.5, 1.0, 0.3 }[random.Next(5)] / (algorithmKind == TrainingAlgorithm.Adaline ? n * 4 : 1),
                MaxEpochs = random.Next(1, 25),
                Initialization = init == 1 ? WeightInitialization.Random : WeightInitialization.Zeros,
                InitialWeights = init == 2 ? new Perceptron(Value(), Enumerable.Range(0, n).Select(_ => Value()).ToArray()) : null,
                Shuffle = shuffle,
                Seed = random.Next(3) == 0 ? null : random.Next(),
                Tolerance = algorithmKind == TrainingAlgorithm.Adaline && random.Next(2) == 0 ? 1e-4 : null,
                StopOnCycle = random.Next(4) != 0,
            };
            return new Scenario(rows, labels, options);
        });
}
