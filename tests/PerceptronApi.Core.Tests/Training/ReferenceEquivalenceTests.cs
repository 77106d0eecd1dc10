using CsCheck;
using PerceptronApi.Core.Training;

namespace PerceptronApi.Core.Tests.Training;

public class ReferenceEquivalenceTests
{
    [Fact]
    public void Train_AnyRequest_MatchesTheReferenceBitForBit()
    {
        Scenario.Any.Sample(scenario =>
        {
            var history = new List<EpochRecord>();
            var result = Trainer.Train(scenario.Set, scenario.Options, history.Add);

            var expected = ReferenceTrainer.Train(scenario.Rows, scenario.Labels, scenario.Options, result.Seed);

            AssertSameHistory(expected.History, history);
            Assert.Equal(expected.StopReason, result.StopReason);
            Assert.Equal(expected.StopReason is StopReason.Converged or StopReason.LossTolerance, result.Converged);
            Assert.Equal(expected.History[^1].Epoch, result.Epochs);
            Assert.Equal(expected.Bias, result.Model.Bias);
            Assert.Equal(expected.Weights, result.Model.Weights);
            Assert.Equal(expected.Errors, result.Errors);
            Assert.Equal(expected.Loss, result.Loss);
            Assert.Equal(expected.Result.Cycle, result.Cycle);
            Assert.Equal(scenario.Options.UsesRandomness || scenario.Options.Seed is not null, result.Seed is not null);

            // Without a listener the run is the same.
            Assert.Equal(result, Trainer.Train(scenario.Set, scenario.Options with { Seed = result.Seed }), ResultComparer.Instance);
        }, iter: 400);
    }

    [Theory]
    [InlineData(TrainingAlgorithm.Perceptron, false)]
    [InlineData(TrainingAlgorithm.Perceptron, true)]
    [InlineData(TrainingAlgorithm.Pocket, false)]
    [InlineData(TrainingAlgorithm.Averaged, false)]
    [InlineData(TrainingAlgorithm.Averaged, true)]
    [InlineData(TrainingAlgorithm.Adaline, false)]
    [InlineData(TrainingAlgorithm.Adaline, true)]
    public void Train_LargerThanACancellationInterval_MatchesTheReferenceBitForBit(TrainingAlgorithm algorithm, bool shuffle)
    {
        var random = new Random(5);
        var rows = Enumerable.Range(0, 9_001).Select(_ => Enumerable.Range(0, 7).Select(_ => (random.NextDouble() * 2) - 1).ToArray()).ToArray();
        var labels = rows.Select(x => x[0] + (x[1] * 0.5) + (random.NextDouble() * 0.3) > 0.2 ? 1.0 : 0.0).ToArray();
        var options = new TrainingOptions { Algorithm = algorithm, Shuffle = shuffle, Seed = 9, MaxEpochs = algorithm == TrainingAlgorithm.Pocket ? 2 : 6, LearningRate = algorithm == TrainingAlgorithm.Adaline ? 0.05 : 0.1 };
        var history = new List<EpochRecord>();

        var result = Trainer.Train(Scenario.ToSet(rows, labels), options, history.Add);

        var expected = ReferenceTrainer.Train(rows, labels, options, 9);
        AssertSameHistory(expected.History, history);
        Assert.Equal((expected.Bias, expected.Errors, expected.Loss), (result.Model.Bias, result.Errors, result.Loss));
    }

    [Fact]
    public void TrainEpochs_AnyRequest_YieldsTheSameRecordsAsTrain()
    {
        Scenario.Any.Where(s => s.Options.Seed is not null || !s.Options.UsesRandomness).Sample(scenario =>
        {
            var history = new List<EpochRecord>();
            Trainer.Train(scenario.Set, scenario.Options, history.Add);

            AssertSameHistory(history, [.. Trainer.TrainEpochs(scenario.Set, scenario.Options)]);
        }, iter: 100);
    }

    private sealed class ResultComparer : IEqualityComparer<TrainingResult>
    {
        public static readonly ResultComparer Instance = new();

        public bool Equals(TrainingResult? x, TrainingResult? y) =>
            x is not null && y is not null && x.Model.Equals(y.Model) && x with { Model = y.Model } == y;

        public int GetHashCode(TrainingResult obj) => 0;
    }

    internal static void AssertSameHistory(IReadOnlyList<EpochRecord> expected, IReadOnlyList<EpochRecord> actual)
    {
        Assert.Equal(expected.Count, actual.Count);
        for (var i = 0; i < expected.Count; i++)
        {
            // Equal doubles compare bit for bit here: no tolerance.
            Assert.Equal(expected[i].Epoch, actual[i].Epoch);
            Assert.Equal(BitConverter.DoubleToInt64Bits(expected[i].Bias), BitConverter.DoubleToInt64Bits(actual[i].Bias));
            Assert.Equal(expected[i].Weights.Select(BitConverter.DoubleToInt64Bits), actual[i].Weights.Select(BitConverter.DoubleToInt64Bits));
            Assert.Equal(expected[i].Updates, actual[i].Updates);
            Assert.Equal(expected[i].Errors, actual[i].Errors);
            Assert.Equal(expected[i].Accuracy, actual[i].Accuracy);
            Assert.Equal(BitConverter.DoubleToInt64Bits(expected[i].Loss), BitConverter.DoubleToInt64Bits(actual[i].Loss));
        }
    }
}
