using PerceptronApi.Core.Gates;
using PerceptronApi.Core.Model;
using PerceptronApi.Core.Training;

namespace PerceptronApi.Core.Tests.Training;

public class TrainerBehaviourTests
{
    private static TrainingSet Gate(string name)
    {
        Assert.True(GateCatalogue.TryGet(name, out var gate));
        return new TrainingSet(gate.TruthTableInputs, gate.TruthTableOutputs);
    }

    private static (double[][] Rows, double[] Labels) Rows(TrainingSet set) =>
        ([.. Enumerable.Range(0, set.Samples).Select(i => set.Inputs.Row(i).ToArray())], [.. set.Labels]);

    private const int NandConvergenceEpoch = 9;

    [Fact]
    public void TrainEpochs_EnumeratedTwice_ReplaysTheSameRun()
    {
        var random = new Random(3);
        var rows = Enumerable.Range(0, 300).Select(_ => Enumerable.Range(0, 6).Select(_ => random.NextDouble() - 0.5).ToArray()).ToArray();
        var labels = rows.Select(x => x[0] + x[1] > 0.1 ? 1.0 : 0.0).ToArray();
        var options = new TrainingOptions { Algorithm = TrainingAlgorithm.Averaged, Shuffle = true, MaxEpochs = 7 };
        var epochs = Trainer.TrainEpochs(Scenario.ToSet(rows, labels), options);

        var first = epochs.ToList();
        var second = epochs.ToList();

        ReferenceEquivalenceTests.AssertSameHistory(first, second);
        Assert.Equal(8, first.Count);
    }

    [Fact]
    public void Train_ManyRunsOfDifferentSizes_EachMatchesTheReference()
    {
        // The runs share scratch arrays (handed back and reused, not cleared): no run may see another's data.
        var random = new Random(11);
        foreach (var (m, n) in new[] { (900, 7), (300, 7), (1000, 5), (50, 40), (700, 3), (901, 7) })
        {
            var rows = Enumerable.Range(0, m).Select(_ => Enumerable.Range(0, n).Select(_ => (random.NextDouble() * 2) - 1).ToArray()).ToArray();
            var labels = rows.Select(x => x[0] - x[^1] > 0.05 ? 1.0 : 0.0).ToArray();
            var options = new TrainingOptions { MaxEpochs = 4 };
            var history = new List<EpochRecord>();

            Trainer.Train(Scenario.ToSet(rows, labels), options, history.Add);

            ReferenceEquivalenceTests.AssertSameHistory(ReferenceTrainer.Train(rows, labels, options, null).History, history);
        }
    }

    [Fact]
    public void Train_NandGate_ReachesHalfExactlyAtOneOneInContractOrder()
    {
        var history = new List<EpochRecord>();
        var result = Trainer.Train(Gate("NAND"), new TrainingOptions(), history.Add);

        var (rows, labels) = Rows(Gate("NAND"));
        var reference = ReferenceTrainer.Train(rows, labels, new TrainingOptions(), null);
        ReferenceEquivalenceTests.AssertSameHistory(reference.History, history);
        Assert.True(result.Converged);
        Assert.Equal(NandConvergenceEpoch, result.Epochs);

        // Some step puts (1,1) exactly on the threshold: bias first, left to right gives 0.5; the dot product
        // summed first gives 0.49999999999999994, below it — a different classification, a different run.
        var onThreshold = reference.Steps.Where(s => Perceptron.NetInput(s.Bias, s.Weights, [1.0, 1.0]) == 0.5).ToList();
        Assert.NotEmpty(onThreshold);
        Assert.Contains(onThreshold, s => s.Bias + ((s.Weights[0] * 1.0) + (s.Weights[1] * 1.0)) == 0.49999999999999994);
        Assert.Equal(new Perceptron(result.Model.Bias, result.Model.Weights), result.Model);
        Assert.Equal([1.0, 1.0, 1.0, 0.0], Predictor.Predict(new Network(result.Model, result.Activation), Gate("NAND").Inputs).Classes);
    }

    [Fact]
    public void Train_TutorialsGuessedWeightsOnNor_ShowThreeErrorsAtEpochZero()
    {
        var first = Trainer.TrainEpochs(Gate("NOR"), new TrainingOptions { InitialWeights = new Perceptron(0.4, 0.7, -0.2) }).First();

        Assert.Equal((0, 0.4, 0, 3, 0.25), (first.Epoch, first.Bias, first.Updates, first.Errors, first.Accuracy));
        Assert.Equal([0.7, -0.2], first.Weights.ToArray());
    }

    [Fact]
    public void Train_SignActivationOnMinusOneOneLabels_Converges()
    {
        var (rows, _) = Rows(Gate("AND"));
        double[] labels = [-1, -1, -1, 1];
        var options = new TrainingOptions { Activation = Activation.Sign };

        var result = Trainer.Train(Scenario.ToSet(rows, labels), options);

        Assert.True(result.Converged);
        Assert.Equal(0, result.Errors);
        Assert.Equal(ActivationFunction.Create(Activation.Sign), result.Activation);
        Assert.Equal(ReferenceTrainer.Train(rows, labels, options, null).Weights, result.Model.Weights);
    }

    [Fact]
    public void Train_SameSeed_GivesTheSameHistoryBitForBit()
    {
        var options = new TrainingOptions { Algorithm = TrainingAlgorithm.Averaged, Initialization = WeightInitialization.Random, Shuffle = true, Seed = 42, MaxEpochs = 30 };
        var first = new List<EpochRecord>();
        var second = new List<EpochRecord>();

        var a = Trainer.Train(Gate("XOR"), options, first.Add);
        var b = Trainer.Train(Gate("XOR"), options, second.Add);

        ReferenceEquivalenceTests.AssertSameHistory(first, second);
        Assert.Equal(42, a.Seed);
        Assert.Equal(a.Model, b.Model);
    }

    [Fact]
    public void Train_RandomnessWithoutSeed_DrawsOneAndReportsIt()
    {
        var options = new TrainingOptions { Initialization = WeightInitialization.Random, Shuffle = true, MaxEpochs = 20 };
        var drawn = new List<EpochRecord>();

        var result = Trainer.Train(Gate("XNOR"), options, drawn.Add);

        Assert.NotNull(result.Seed);
        var replay = new List<EpochRecord>();
        Trainer.Train(Gate("XNOR"), options with { Seed = result.Seed }, replay.Add);
        ReferenceEquivalenceTests.AssertSameHistory(drawn, replay);
    }

    [Fact]
    public void Train_RandomInitialization_IsSmallAndFromTheSeed()
    {
        var first = Trainer.TrainEpochs(Gate("OR"), new TrainingOptions { Initialization = WeightInitialization.Random, Seed = 7 }).First();

        var random = new Random(7);
        Assert.Equal(random.NextDouble() - 0.5, first.Bias);
        Assert.Equal([random.NextDouble() - 0.5, random.NextDouble() - 0.5], first.Weights.ToArray());
    }

    [Fact]
    public void Train_CanceledBetweenEpochs_StopsWithTheLastRecordsModel()
    {
        using var cancellation = new CancellationTokenSource();
        var history = new List<EpochRecord>();

        var result = Trainer.Train(Gate("XOR"), new TrainingOptions(), record =>
        {
            history.Add(record);
            if (record.Epoch == 3)
            {
                cancellation.Cancel();
            }
        }, cancellation.Token);

        Assert.Equal((StopReason.Canceled, false, 3), (result.StopReason, result.Converged, result.Epochs));
        Assert.Equal(4, history.Count);
        Assert.Equal(new Perceptron(history[3].Bias, history[3].Weights), result.Model);
        Assert.Equal((history[3].Errors, history[3].Loss), (result.Errors, result.Loss));
    }

    [Fact]
    public void Train_CanceledBeforeStart_ReportsOnlyEpochZero()
    {
        var history = new List<EpochRecord>();

        var result = Trainer.Train(Gate("NOR"), new TrainingOptions { Algorithm = TrainingAlgorithm.Pocket }, history.Add, new CancellationToken(canceled: true));

        Assert.Equal((StopReason.Canceled, 0), (result.StopReason, result.Epochs));
        Assert.Single(history);
        Assert.Equal(new Perceptron(0, 0.0, 0.0), result.Model);
    }

    [Fact]
    public void RunEpoch_CanceledDuringALargeEpoch_StopsWithinIt()
    {
        var random = new Random(3);
        var rows = Enumerable.Range(0, 20_000).Select(_ => new[] { random.NextDouble(), random.NextDouble() }).ToArray();
        var labels = rows.Select(_ => (double)random.Next(2)).ToArray();
        var engine = new TrainingEngine(Scenario.ToSet(rows, labels), new TrainingOptions(), seed: null);
        engine.Start();

        Assert.Null(engine.RunEpoch(new CancellationToken(canceled: true)));
        Assert.NotNull(engine.RunEpoch(CancellationToken.None));
    }

    [Fact]
    public void TrainEpochs_Canceled_EndsTheSequence()
    {
        using var cancellation = new CancellationTokenSource();
        var seen = new List<int>();

        foreach (var record in Trainer.TrainEpochs(Gate("XOR"), new TrainingOptions(), cancellation.Token))
        {
            seen.Add(record.Epoch);
            if (record.Epoch == 2)
            {
                cancellation.Cancel();
            }
        }

        Assert.Equal([0, 1, 2], seen);
    }

    [Fact]
    public void Train_AdalineWithTooLargeARate_FailsWithAClearMessage()
    {
        var error = Assert.Throws<TrainingDivergedException>(() =>
            Trainer.Train(Gate("AND"), new TrainingOptions { Algorithm = TrainingAlgorithm.Adaline, LearningRate = 50, MaxEpochs = 10_000 }));

        Assert.Matches(@"^The weights diverged to non-finite values at epoch \d+; lower the learning rate \(50\)\.$", error.Message);
        Assert.Equal(50, error.LearningRate);
    }

    [Fact]
    public void Train_AdalineWithTolerance_StopsWhenTheLossSettles()
    {
        var history = new List<EpochRecord>();

        var result = Trainer.Train(Gate("AND"), new TrainingOptions { Algorithm = TrainingAlgorithm.Adaline, Tolerance = 1e-6, MaxEpochs = 10_000 }, history.Add);

        Assert.Equal((StopReason.LossTolerance, true), (result.StopReason, result.Converged));
        var fall = history[^2].Loss - history[^1].Loss;
        Assert.InRange(fall, 0, 1e-6);
        for (var k = 1; k < history.Count - 1; k++)
        {
            Assert.False(history[k - 1].Loss - history[k].Loss is >= 0 and < 1e-6, $"should have stopped at epoch {k}");
        }

        Assert.All(history.Skip(1), record => Assert.Equal(1, record.Updates));
    }

    [Fact]
    public void Train_AdalineWithoutTolerance_RunsAllEpochs()
    {
        var result = Trainer.Train(Gate("AND"), new TrainingOptions { Algorithm = TrainingAlgorithm.Adaline, MaxEpochs = 37 });

        Assert.Equal((StopReason.MaxEpochsReached, false, 37), (result.StopReason, result.Converged, result.Epochs));
    }

    [Theory]
    [InlineData("AND")]
    [InlineData("OR")]
    [InlineData("NAND")]
    [InlineData("NOR")]
    [InlineData("NOT")]
    public void Train_LinearlySeparableGate_ConvergesToItsTruthTable(string name)
    {
        Assert.True(GateCatalogue.TryGet(name, out var gate));

        var result = Trainer.Train(Gate(name), new TrainingOptions());

        Assert.True(result.Converged);
        Assert.Equal(gate.TruthTableOutputs, Predictor.Predict(new Network(result.Model, result.Activation), gate.TruthTableInputs).Classes);
    }
}
