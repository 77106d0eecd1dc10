using CsCheck;
using PerceptronApi.Core.Gates;
using PerceptronApi.Core.Model;
using PerceptronApi.Core.Training;

namespace PerceptronApi.Core.Tests.Training;

public class CycleTests
{
    private static TrainingSet Gate(string name)
    {
        Assert.True(GateCatalogue.TryGet(name, out var gate));
        return new TrainingSet(gate.TruthTableInputs, gate.TruthTableOutputs);
    }

    private static bool SameState(EpochRecord a, EpochRecord b) =>
        BitConverter.DoubleToInt64Bits(a.Bias) == BitConverter.DoubleToInt64Bits(b.Bias)
        && a.Weights.Select(BitConverter.DoubleToInt64Bits).SequenceEqual(b.Weights.Select(BitConverter.DoubleToInt64Bits));

    [Theory]
    [InlineData("XOR", TrainingAlgorithm.Perceptron, 7, 8)]
    [InlineData("XNOR", TrainingAlgorithm.Perceptron, 3, 4)]
    [InlineData("XOR", TrainingAlgorithm.Pocket, 7, 8)]
    [InlineData("XNOR", TrainingAlgorithm.Pocket, 3, 4)]
    public void Train_NonSeparableGateFromZeros_StopsWithTheCycleAndSaysWhy(string gate, TrainingAlgorithm algorithm, int from, int to)
    {
        var history = new List<EpochRecord>();

        var result = Trainer.Train(Gate(gate), new TrainingOptions { Algorithm = algorithm }, history.Add);

        Assert.Equal(new EpochCycle(from, to), result.Cycle);
        Assert.Equal((false, StopReason.Cycle, to), (result.Converged, result.StopReason, result.Epochs));
        Assert.Equal(to + 1, history.Count);
        Assert.True(SameState(history[from], history[to]));
        Assert.True(history[to].Updates > 0);

        // No earlier pair of epochs ended alike: to is the first repetition.
        for (var b = 1; b < to; b++)
        {
            Assert.All(Enumerable.Range(0, b), a => Assert.False(SameState(history[a], history[b]), $"{a} ~ {b}"));
        }

        Assert.Equal(
            $"The weights at the end of epoch {to} are exactly those at the end of epoch {from}, and epoch {to} made updates: with the samples in the same order, epoch {to} would repeat forever without reaching an epoch free of mistakes. By the perceptron convergence theorem the rule always reaches one on linearly separable data, so these data are not linearly separable: no single perceptron classifies every sample right.",
            result.Explanation);
    }

    [Fact]
    public void Explain_ALongerCycle_NamesItsEpochs()
    {
        Assert.StartsWith(
            "The weights at the end of epoch 9 are exactly those at the end of epoch 4, and epoch 9 made updates: with the samples in the same order, epochs 5 to 9 would repeat forever",
            new EpochCycle(4, 9).Explain(),
            StringComparison.Ordinal);
    }

    [Fact]
    public void Train_PocketStoppedByACycle_ReturnsThePocket()
    {
        var result = Trainer.Train(Gate("XOR"), new TrainingOptions { Algorithm = TrainingAlgorithm.Pocket });

        Assert.Equal(StopReason.Cycle, result.StopReason);
        Assert.Equal((1, 0.75), (result.Errors, result.Accuracy));
    }

    [Fact]
    public void Train_ReplayingFromTheCyclesStart_ReproducesItsEndState()
    {
        var data = Gate("XOR");
        var history = new List<EpochRecord>();
        var cycle = Trainer.Train(data, new TrainingOptions(), history.Add).Cycle!;

        // Start from the state at `from` and run to - from epochs: the state at `to` comes out again, and again after as many more.
        var start = history[cycle.From];
        var replay = new List<EpochRecord>();
        Trainer.Train(data, new TrainingOptions { InitialWeights = new Perceptron(start.Bias, start.Weights), StopOnCycle = false, MaxEpochs = 2 * (cycle.To - cycle.From) }, replay.Add);

        Assert.True(SameState(history[cycle.To], replay[cycle.To - cycle.From]));
        Assert.True(SameState(start, replay[^1]));

        // And the run without the stop repeats the same epochs, record for record.
        var unstopped = new List<EpochRecord>();
        Trainer.Train(data, new TrainingOptions { StopOnCycle = false, MaxEpochs = cycle.To + (3 * (cycle.To - cycle.From)) }, unstopped.Add);
        for (var e = cycle.To; e < unstopped.Count; e++)
        {
            var earlier = unstopped[e - (cycle.To - cycle.From)];
            Assert.True(SameState(earlier, unstopped[e]));
            Assert.Equal((earlier.Errors, earlier.Loss), (unstopped[e].Errors, unstopped[e].Loss));
            if (e > cycle.To)
            {
                // Epochs inside the cycle start from the same state as their twins, so they update alike too.
                Assert.Equal(earlier.Updates, unstopped[e].Updates);
            }
        }
    }

    [Fact]
    public void Train_StopOnCycleOff_RunsToMaxEpochsAsBefore()
    {
        var result = Trainer.Train(Gate("XOR"), new TrainingOptions { StopOnCycle = false, MaxEpochs = 50 });

        Assert.Equal((false, StopReason.MaxEpochsReached, 50), (result.Converged, result.StopReason, result.Epochs));
        Assert.Null(result.Cycle);
        Assert.Null(result.Explanation);
    }

    [Theory]
    [InlineData(TrainingAlgorithm.Perceptron)]
    [InlineData(TrainingAlgorithm.Pocket)]
    public void Train_Shuffled_NeverStopsOnACycle(TrainingAlgorithm algorithm)
    {
        // With a fresh order every epoch, an end state that comes back proves nothing: the next epochs differ.
        var result = Trainer.Train(Gate("XOR"), new TrainingOptions { Algorithm = algorithm, Shuffle = true, Seed = 3, MaxEpochs = 200 });

        Assert.Equal((StopReason.MaxEpochsReached, 200), (result.StopReason, result.Epochs));
        Assert.Null(result.Cycle);
    }

    [Theory]
    [InlineData(TrainingAlgorithm.Averaged)]
    [InlineData(TrainingAlgorithm.Adaline)]
    public void Train_OtherAlgorithms_NeverStopOnACycle(TrainingAlgorithm algorithm)
    {
        var result = Trainer.Train(Gate("XOR"), new TrainingOptions { Algorithm = algorithm, MaxEpochs = 60 });

        Assert.Equal(StopReason.MaxEpochsReached, result.StopReason);
        Assert.Null(result.Cycle);
    }

    /// <summary>Random linearly separable data (points off a random hyperplane, labelled by side), any start and rate.</summary>
    [Fact]
    public void Train_SeparableData_NeverReportsACycle()
    {
        var gen = Gen.Select(Gen.Int[1, 5], Gen.Int[2, 40], Gen.Int, Gen.Bool, Gen.OneOf(0.01, 0.1, 1.0), Gen.Bool, (n, m, seed, pocket, rate, grid) => (n, m, seed, pocket, rate, grid));
        gen.Sample(c =>
        {
            var random = new Random(c.seed);
            var u = Enumerable.Range(0, c.n + 1).Select(_ => (random.NextDouble() * 2) - 1).ToArray();
            var rows = new List<double[]>();
            var labels = new List<double>();
            while (rows.Count < c.m)
            {
                var x = Enumerable.Range(0, c.n).Select(_ => c.grid ? random.Next(-4, 5) / 2.0 : (random.NextDouble() * 2) - 1).ToArray();
                var side = u[0] + x.Select((v, j) => u[j + 1] * v).Sum();
                if (Math.Abs(side) >= 0.05)
                {
                    rows.Add(x);
                    labels.Add(side > 0 ? 1 : 0);
                }
            }

            var options = new TrainingOptions
            {
                Algorithm = c.pocket ? TrainingAlgorithm.Pocket : TrainingAlgorithm.Perceptron,
                LearningRate = c.rate,
                MaxEpochs = 100_000,
                InitialWeights = new Perceptron(random.NextDouble() - 0.5, Enumerable.Range(0, c.n).Select(_ => random.NextDouble() - 0.5).ToArray()),
            };

            var result = Trainer.Train(Scenario.ToSet([.. rows], [.. labels]), options);

            Assert.NotEqual(StopReason.Cycle, result.StopReason);
            Assert.Null(result.Cycle);
            Assert.True(result.Converged, $"{result.StopReason} after {result.Epochs}");
        }, iter: 200);
    }
}
