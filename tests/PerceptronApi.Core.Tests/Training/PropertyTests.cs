using CsCheck;
using PerceptronApi.Core.Gates;
using PerceptronApi.Core.Model;
using PerceptronApi.Core.Training;

namespace PerceptronApi.Core.Tests.Training;

public class PropertyTests
{
    private static readonly Gen<TrainingAlgorithm> RuleBased =
        Gen.OneOf(TrainingAlgorithm.Perceptron, TrainingAlgorithm.Pocket, TrainingAlgorithm.Averaged);

    private static TrainingSet Gate(string name)
    {
        Assert.True(GateCatalogue.TryGet(name, out var gate));
        return new TrainingSet(gate.TruthTableInputs, gate.TruthTableOutputs);
    }

    /// <summary>
    /// Points at least γ away from a random hyperplane through the augmented space (x0 = 1), labelled by its side:
    /// Novikoff's theorem bounds the perceptron's updates from zeros by (R/γ)², R the largest augmented norm.
    /// </summary>
    [Fact]
    public void Train_SeparableDataWithMargin_ConvergesWithinTheNovikoffBound()
    {
        var gen = Gen.Select(Gen.Int[1, 6], Gen.Int[2, 60], Gen.Int, Gen.Bool, (n, m, seed, shuffle) => (n, m, seed, shuffle));
        gen.Sample(c =>
        {
            var random = new Random(c.seed);
            const double gamma = 0.1;
            var u = Enumerable.Range(0, c.n + 1).Select(_ => (random.NextDouble() * 2) - 1).ToArray();
            var norm = Math.Sqrt(u.Sum(v => v * v));
            var rows = new List<double[]>();
            var labels = new List<double>();
            while (rows.Count < c.m)
            {
                var x = Enumerable.Range(0, c.n).Select(_ => (random.NextDouble() * 2) - 1).ToArray();
                var side = (u[0] + x.Select((v, j) => u[j + 1] * v).Sum()) / norm;
                if (Math.Abs(side) >= gamma)
                {
                    rows.Add(x);
                    labels.Add(side > 0 ? 1 : -1);
                }
            }

            var r2 = rows.Max(x => 1 + x.Sum(v => v * v));
            var bound = r2 / (gamma * gamma);
            var history = new List<EpochRecord>();
            var options = new TrainingOptions { Activation = Activation.Sign, MaxEpochs = (int)bound + 2, Shuffle = c.shuffle, Seed = c.seed & int.MaxValue };

            var result = Trainer.Train(Scenario.ToSet([.. rows], [.. labels]), options, history.Add);

            Assert.True(result.Converged);
            Assert.Equal(0, result.Errors);
            Assert.InRange(history.Sum(record => record.Updates), 0, bound);
        }, iter: 200);
    }

    [Fact]
    public void Train_XorAndXnorWithoutCycleStops_NeverConverge()
    {
        var gen = Gen.Select(RuleBased, Gen.OneOf("XOR", "XNOR"), Gen.Double[-1, 1], Gen.OneOf(0.01, 0.1, 0.25, 1.0), Gen.Bool, Gen.Int[0, 1000], (algorithm, gate, start, rate, shuffle, seed) =>
            (algorithm, gate, start, rate, shuffle, seed));
        gen.Sample(c =>
        {
            var history = new List<EpochRecord>();
            var options = new TrainingOptions
            {
                Algorithm = c.algorithm,
                LearningRate = c.rate,
                MaxEpochs = 60,
                InitialWeights = new Perceptron(c.start, -c.start / 2, c.start / 3),
                Shuffle = c.shuffle,
                Seed = c.seed,
                StopOnCycle = false,
            };

            var result = Trainer.Train(Gate(c.gate), options, history.Add);

            Assert.False(result.Converged);
            Assert.Equal(StopReason.MaxEpochsReached, result.StopReason);
            Assert.Equal(60, result.Epochs);
            Assert.All(history.Skip(1), record => Assert.True(record.Updates > 0));
        }, iter: 100);
    }

    [Fact]
    public void Train_PocketOnXor_KeepsThreeOfFour()
    {
        var result = Trainer.Train(Gate("XOR"), new TrainingOptions { Algorithm = TrainingAlgorithm.Pocket });

        Assert.Equal((1, 0.75), (result.Errors, result.Accuracy));
        Assert.False(result.Converged);
    }

    [Fact]
    public void Train_Pocket_IsNeverWorseThanAnyWeightsItSaw()
    {
        Scenario.Any.Select(s => s with { Options = s.Options with { Algorithm = TrainingAlgorithm.Pocket, Tolerance = null, Seed = s.Options.Seed ?? 7 } })
            .Sample(scenario =>
            {
                var history = new List<EpochRecord>();
                var result = Trainer.Train(scenario.Set, scenario.Options, history.Add);
                var reference = ReferenceTrainer.Train(scenario.Rows, scenario.Labels, scenario.Options, result.Seed);
                var activation = ActivationFunction.Create(scenario.Options.Activation, scenario.Options.Threshold);

                int Errors(double bias, IReadOnlyList<double> weights) =>
                    scenario.Rows.Where((x, i) => activation.Classify(ReferenceTrainer.NetInput(bias, [.. weights], x)) != scenario.Labels[i]).Count();

                Assert.Equal(Errors(result.Model.Bias, result.Model.Weights), result.Errors);
                Assert.All(history, record => Assert.True(result.Errors <= record.Errors));
                Assert.All(reference.Steps, step => Assert.True(result.Errors <= Errors(step.Bias, step.Weights)));
            }, iter: 150);
    }

    [Fact]
    public void Train_Averaged_IsTheMeanOfTheStepByStepWeights()
    {
        Scenario.Any.Select(s => s with { Options = s.Options with { Algorithm = TrainingAlgorithm.Averaged, Tolerance = null, Seed = s.Options.Seed ?? 11 } })
            .Sample(scenario =>
            {
                var history = new List<EpochRecord>();
                Trainer.Train(scenario.Set, scenario.Options, history.Add);
                var steps = ReferenceTrainer.Train(scenario.Rows, scenario.Labels, scenario.Options, scenario.Options.UsesRandomness ? scenario.Options.Seed : null).Steps;

                // The weights after every sample step of the running perceptron, summed step after step, over the steps so far.
                var perEpoch = scenario.Rows.Length;
                for (var epoch = 1; epoch < history.Count; epoch++)
                {
                    var seen = steps.Take(epoch * perEpoch).ToList();
                    var bias = 0.0;
                    var weights = new double[scenario.Rows[0].Length];
                    foreach (var step in seen)
                    {
                        bias += step.Bias;
                        for (var j = 0; j < weights.Length; j++)
                        {
                            weights[j] += step.Weights[j];
                        }
                    }

                    Assert.Equal(bias / seen.Count, history[epoch].Bias);
                    Assert.Equal(weights.Select(w => w / seen.Count), history[epoch].Weights);
                }
            }, iter: 150);
    }

    [Fact]
    public void Train_AdalineWithASmallEnoughRate_NeverRaisesTheLoss()
    {
        var gen = Gen.Select(Gen.Int[1, 5], Gen.Int[2, 40], Gen.Int, Gen.Double[0.1, 1.0], (n, m, seed, fraction) => (n, m, seed, fraction));
        gen.Sample(c =>
        {
            var (rows, labels) = RandomData(c.n, c.m, c.seed);

            // η ≤ 1/trace(AᵀA/M) ≤ 1/λmax: gradient descent on the quadratic loss then never climbs.
            var trace = rows.Sum(x => 1 + x.Sum(v => v * v)) / c.m;
            var history = new List<EpochRecord>();
            Trainer.Train(Scenario.ToSet(rows, labels), new TrainingOptions { Algorithm = TrainingAlgorithm.Adaline, LearningRate = c.fraction / trace, MaxEpochs = 200 }, history.Add);

            for (var k = 1; k < history.Count; k++)
            {
                // Up to rounding: at an exact fit the loss sits at the noise floor (~1e-32) and may wobble there.
                Assert.True(history[k].Loss <= (history[k - 1].Loss * (1 + 1e-12)) + 1e-24, $"epoch {k}: {history[k].Loss} > {history[k - 1].Loss}");
                Assert.Equal(1, history[k].Updates);
            }
        }, iter: 200);
    }

    [Fact]
    public void Train_AdalineOnASolvableSystem_ReachesTheLeastSquaresSolution()
    {
        var gen = Gen.Select(Gen.Int[1, 3], Gen.Int[12, 40], Gen.Int, (n, m, seed) => (n, m, seed));
        gen.Sample(c =>
        {
            var (rows, labels) = RandomData(c.n, c.m, c.seed);
            var trace = rows.Sum(x => 1 + x.Sum(v => v * v)) / c.m;
            var options = new TrainingOptions { Algorithm = TrainingAlgorithm.Adaline, LearningRate = 1 / trace, MaxEpochs = 200_000, Tolerance = 1e-30 };

            var result = Trainer.Train(Scenario.ToSet(rows, labels), options);

            var solution = LeastSquares(rows, labels);
            var minimum = rows.Select((x, i) => ReferenceTrainer.NetInput(solution[0], solution[1..], x) - labels[i]).Sum(d => d * d) / (2.0 * c.m);
            Assert.Equal(StopReason.LossTolerance, result.StopReason);
            Assert.True(result.Converged);
            Assert.Equal(minimum, result.Loss, 1e-9);
        }, iter: 60);
    }

    [Fact]
    public void Train_AdalineOnNot_FindsTheExactLine()
    {
        var result = Trainer.Train(Gate("NOT"), new TrainingOptions { Algorithm = TrainingAlgorithm.Adaline, LearningRate = 1, MaxEpochs = 400 });

        Assert.Equal(1, result.Model.Bias, 1e-12);
        Assert.Equal(-1, result.Model.Weights[0], 1e-12);
        Assert.True(result.Loss < 1e-24);
        Assert.Equal(0, result.Errors);
        Assert.Equal((false, StopReason.MaxEpochsReached, 400), (result.Converged, result.StopReason, result.Epochs));
    }

    private static (double[][] Rows, double[] Labels) RandomData(int n, int m, int seed)
    {
        var random = new Random(seed);
        var rows = Enumerable.Range(0, m).Select(_ => Enumerable.Range(0, n).Select(_ => (random.NextDouble() * 2) - 1).ToArray()).ToArray();
        var labels = Enumerable.Range(0, m).Select(_ => (double)random.Next(2)).ToArray();
        return (rows, labels);
    }

    /// <summary>Solves the normal equations AᵀA w = Aᵀy (A with a leading column of ones) by Gaussian elimination.</summary>
    private static double[] LeastSquares(double[][] rows, double[] labels)
    {
        var size = rows[0].Length + 1;
        var a = new double[size, size + 1];
        for (var i = 0; i < rows.Length; i++)
        {
            double[] augmented = [1, .. rows[i]];
            for (var r = 0; r < size; r++)
            {
                for (var c = 0; c < size; c++)
                {
                    a[r, c] += augmented[r] * augmented[c];
                }

                a[r, size] += augmented[r] * labels[i];
            }
        }

        for (var p = 0; p < size; p++)
        {
            var pivot = Enumerable.Range(p, size - p).MaxBy(r => Math.Abs(a[r, p]));
            for (var c = 0; c <= size; c++)
            {
                (a[p, c], a[pivot, c]) = (a[pivot, c], a[p, c]);
            }

            for (var r = 0; r < size; r++)
            {
                if (r != p)
                {
                    var factor = a[r, p] / a[p, p];
                    for (var c = p; c <= size; c++)
                    {
                        a[r, c] -= factor * a[p, c];
                    }
                }
            }
        }

        return [.. Enumerable.Range(0, size).Select(r => a[r, size] / a[r, r])];
    }
}
