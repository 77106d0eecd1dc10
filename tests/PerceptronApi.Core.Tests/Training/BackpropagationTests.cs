using System.Collections.Immutable;
using CsCheck;
using PerceptronApi.Core.Gates;
using PerceptronApi.Core.Model;
using PerceptronApi.Core.Training;

namespace PerceptronApi.Core.Tests.Training;

public class BackpropagationTests
{
    private static TrainingSet Gate(string name)
    {
        Assert.True(GateCatalogue.TryGet(name, out var gate));
        return new TrainingSet(gate.TruthTableInputs, gate.TruthTableOutputs);
    }

    private static TrainingOptions Network(params int[] hidden) =>
        TrainingOptions.Defaults(TrainingAlgorithm.Backpropagation) with { HiddenLayers = [.. hidden] };

    private static double Sigmoid(double z) => 1.0 / (1.0 + Math.Exp(-z));

    /// <summary>Random small networks on random data: every derivative against a central finite difference of the loss.</summary>
    [Fact]
    public void Gradient_RandomSmallNetworks_MatchesFiniteDifferences()
    {
        var gen = Gen.Select(Gen.Int[1, 3], Gen.Int[1, 6], Gen.Int[1, 3].Array[1, 2], Gen.Int, (n, m, hidden, seed) => (n, m, hidden, seed));
        gen.Sample(c =>
        {
            var random = new Random(c.seed);
            var rows = Enumerable.Range(0, c.m).Select(_ => Enumerable.Range(0, c.n).Select(_ => (random.NextDouble() * 4) - 2).ToArray()).ToArray();
            var labels = rows.Select(_ => (double)random.Next(2)).ToArray();
            var options = Network(c.hidden) with { Seed = c.seed & int.MaxValue };
            var layers = NetworkTrainer.InitialLayers(c.n, options with { Initialization = WeightInitialization.Random }, options.Seed);
            var network = new Backpropagation(Matrix.FromRows(rows), labels, layers);

            network.Pass(CancellationToken.None);
            var analytic = network.BiasGradients.Select(layer => layer.ToArray()).ToArray();
            var analyticWeights = network.WeightGradients.Select(layer => layer.Select(unit => unit.ToArray()).ToArray()).ToArray();

            const double h = 1e-5;
            double Numeric(Func<double> get, Action<double> set)
            {
                var value = get();
                set(value + h);
                var up = network.Loss();
                set(value - h);
                var down = network.Loss();
                set(value);
                return (up - down) / (2 * h);
            }

            for (var l = 0; l < layers.Length; l++)
            {
                for (var u = 0; u < layers[l].Length; u++)
                {
                    var (ll, uu) = (l, u);
                    var numeric = Numeric(() => network.Biases[ll][uu], v => network.Biases[ll][uu] = v);
                    Assert.True(Math.Abs(analytic[l][u] - numeric) <= 1e-8 + (1e-6 * Math.Abs(numeric)), $"bias [{l}][{u}]: {analytic[l][u]} vs {numeric}");
                    for (var k = 0; k < layers[l][u].InputWidth; k++)
                    {
                        var kk = k;
                        numeric = Numeric(() => network.Weights[ll][uu][kk], v => network.Weights[ll][uu][kk] = v);
                        Assert.True(Math.Abs(analyticWeights[l][u][k] - numeric) <= 1e-8 + (1e-6 * Math.Abs(numeric)), $"weight [{l}][{u}][{k}]: {analyticWeights[l][u][k]} vs {numeric}");
                    }
                }
            }
        }, iter: 200);
    }

    /// <summary>
    /// A 2-2-1 network on two samples, the first epoch worked out by hand in the contract's order (and, as literals,
    /// with Python's floats, which are the same binary64 operations).
    /// </summary>
    [Fact]
    public void Train_TwoTwoOneNetwork_FirstEpochIsTheHandComputedOne()
    {
        ImmutableArray<ImmutableArray<Perceptron>> start = [[new(0.1, 0.2, -0.3), new(-0.1, 0.4, 0.1)], [new(0.05, 0.3, -0.2)]];
        var data = Scenario.ToSet([[0, 1], [1, 1]], [1, 0]);
        var history = new List<NetworkEpochRecord>();

        NetworkTrainer.Train(data, Network() with { InitialLayers = start, LearningRate = 0.5, MaxEpochs = 1 }, history.Add);

        // Forward and backward per sample, sums in sample order.
        double[][] x = [[0, 1], [1, 1]];
        double[] y = [1, 0];
        double gb1 = 0, gb2 = 0, gw11 = 0, gw12 = 0, gw21 = 0, gw22 = 0, gob = 0, gow1 = 0, gow2 = 0, squares = 0;
        for (var i = 0; i < 2; i++)
        {
            var a1 = Sigmoid((0.1 + (0.2 * x[i][0])) + (-0.3 * x[i][1]));
            var a2 = Sigmoid((-0.1 + (0.4 * x[i][0])) + (0.1 * x[i][1]));
            var output = Sigmoid((0.05 + (0.3 * a1)) + (-0.2 * a2));
            squares += (output - y[i]) * (output - y[i]);
            var delta = (output - y[i]) * output * (1 - output);
            var delta1 = a1 * (1 - a1) * (0.3 * delta);
            var delta2 = a2 * (1 - a2) * (-0.2 * delta);
            (gob, gow1, gow2) = (gob + delta, gow1 + (delta * a1), gow2 + (delta * a2));
            (gb1, gw11, gw12) = (gb1 + delta1, gw11 + (delta1 * x[i][0]), gw12 + (delta1 * x[i][1]));
            (gb2, gw21, gw22) = (gb2 + delta2, gw21 + (delta2 * x[i][0]), gw22 + (delta2 * x[i][1]));
        }

        Assert.Equal(squares / 4, history[0].Loss);
        Assert.Equal(0.12491473840938991, history[0].Loss);
        Assert.Equal((0, 0, 1, 0.5), (history[0].Epoch, history[0].Updates, history[0].Errors, history[0].Accuracy));
        var layers = history[1].Layers;
        Assert.Equal((1, 1), (history[1].Epoch, history[1].Updates));
        Assert.Equal(new Perceptron(0.1 - (0.5 * (gb1 / 2)), 0.2 - (0.5 * (gw11 / 2)), -0.3 - (0.5 * (gw12 / 2))), layers[0][0]);
        Assert.Equal(new Perceptron(-0.1 - (0.5 * (gb2 / 2)), 0.4 - (0.5 * (gw21 / 2)), 0.1 - (0.5 * (gw22 / 2))), layers[0][1]);
        Assert.Equal(new Perceptron(0.05 - (0.5 * (gob / 2)), 0.3 - (0.5 * (gow1 / 2)), -0.2 - (0.5 * (gow2 / 2))), layers[1][0]);
        Assert.Equal(new Perceptron(0.09978400127882374, 0.19756616471681268, -0.30021599872117627), layers[0][0]);
        Assert.Equal(new Perceptron(-0.09993404575570333, 0.4015593468804017, 0.10006595424429668), layers[0][1]);
        Assert.Equal(new Perceptron(0.047416715612935895, 0.2972199233141853, -0.20449416898282385), layers[1][0]);
        Assert.Equal(0.12482995056488244, history[1].Loss);
    }

    [Fact]
    public void Train_XorWithTheDefaultsAndSeedOne_LearnsAllFourRows()
    {
        var history = new List<NetworkEpochRecord>();

        var result = NetworkTrainer.Train(Gate("XOR"), Network(2) with { Seed = 1 }, history.Add);

        Assert.Equal((0, 1.0), (result.Errors, result.Accuracy));
        Assert.Equal((false, StopReason.MaxEpochsReached, 5000, 5001), (result.Converged, result.StopReason, result.Epochs, history.Count));
        Assert.Equal([0.0, 1.0, 1.0, 0.0], Predictor.Predict(result.Model, Gate("XOR").Inputs).Classes);
        Assert.Equal(Activation.Sigmoid, result.Model.Activation.Kind);
        Assert.All(history.Skip(1), record => Assert.Equal(1, record.Updates));
        Assert.All(history, record => Assert.Equal([2, 1], record.Layers.Select(layer => layer.Length)));
        Assert.Equal(history[^1].Layers, result.Model.Layers);
    }

    /// <summary>The defaults' measurement (docs/backpropagation.md): 93 of the seeds 1–100 learn XOR with [2].</summary>
    [Fact]
    public void Train_XorWithTheDefaults_LearnsForNinetyThreeOfTheFirstHundredSeeds()
    {
        var failing = Enumerable.Range(1, 100).Where(seed => NetworkTrainer.Train(Gate("XOR"), Network(2) with { Seed = seed }).Errors != 0);

        Assert.Equal([7, 26, 31, 34, 48, 72, 99], failing);
    }

    [Fact]
    public void Train_TargetLoss_StopsAtTheFirstRecordAtOrBelowIt()
    {
        var history = new List<NetworkEpochRecord>();

        var result = NetworkTrainer.Train(Gate("XOR"), Network(2) with { Seed = 1, TargetLoss = 0.01 }, history.Add);

        Assert.Equal((true, StopReason.TargetLoss), (result.Converged, result.StopReason));
        Assert.True(history[^1].Loss <= 0.01);
        Assert.All(history.SkipLast(1), record => Assert.True(record.Loss > 0.01));
        Assert.Equal(history[^1].Loss, result.Loss);
    }

    [Fact]
    public void Train_TargetLossMetByTheInitialNetwork_StopsAtEpochZero()
    {
        var result = NetworkTrainer.Train(Gate("XOR"), Network(2) with { Seed = 1, TargetLoss = 1 });

        Assert.Equal((true, StopReason.TargetLoss, 0), (result.Converged, result.StopReason, result.Epochs));
    }

    [Fact]
    public void Train_Tolerance_StopsOnceTheLossSettles()
    {
        var history = new List<NetworkEpochRecord>();

        var result = NetworkTrainer.Train(Gate("AND"), Network(2) with { Seed = 4, Tolerance = 1e-6, MaxEpochs = 10_000 }, history.Add);

        Assert.Equal((true, StopReason.LossTolerance), (result.Converged, result.StopReason));
        var fall = history[^2].Loss - history[^1].Loss;
        Assert.InRange(fall, 0, 1e-6);
        Assert.All(Enumerable.Range(1, history.Count - 2), e => Assert.False(history[e - 1].Loss - history[e].Loss is >= 0 and < 1e-6, $"epoch {e}"));
    }

    [Fact]
    public void Train_TargetLossIsTestedBeforeTolerance()
    {
        var result = NetworkTrainer.Train(Gate("AND"), Network(2) with { Seed = 4, Tolerance = 1, TargetLoss = 0.2 });

        Assert.Equal(StopReason.TargetLoss, result.StopReason);
    }

    [Fact]
    public void Train_HugeLearningRate_FailsWithAClearMessage()
    {
        // A sigmoid's gradient is small, but a large input before an unsaturated unit makes it large: one step of
        // η = 1e307 overflows the first layer's weight.
        var data = Scenario.ToSet([[1000], [-1000]], [0, 1]);
        ImmutableArray<ImmutableArray<Perceptron>> start = [[new(0, 1e-5)], [new(0, 1)]];

        var error = Assert.Throws<TrainingDivergedException>(() => NetworkTrainer.Train(data, Network() with { InitialLayers = start, LearningRate = 1e307 }));

        Assert.Equal(1, error.Epoch);
        Assert.Equal("The weights diverged to non-finite values at epoch 1; lower the learning rate (1E+307).", error.Message);
    }

    [Fact]
    public void Train_SameSeed_SameHistoryBitForBit()
    {
        var first = new List<NetworkEpochRecord>();
        var second = new List<NetworkEpochRecord>();

        NetworkTrainer.Train(Gate("XOR"), Network(3, 2) with { Seed = 9, MaxEpochs = 50 }, first.Add);
        NetworkTrainer.Train(Gate("XOR"), Network(3, 2) with { Seed = 9, MaxEpochs = 50 }, second.Add);

        Assert.Equal(first.Select(r => (r.Epoch, r.Loss, r.Errors)), second.Select(r => (r.Epoch, r.Loss, r.Errors)));
        Assert.All(first.Zip(second), pair => Assert.Equal(pair.First.Layers.SelectMany(l => l), pair.Second.Layers.SelectMany(l => l)));
    }

    [Fact]
    public void InitialLayers_RandomScheme_IsLayerByLayerBiasThenWeightsFromTheSeed()
    {
        var layers = NetworkTrainer.InitialLayers(2, Network(2) with { Seed = 42 }, 42);

        var random = new Random(42);
        double Draw() => ((random.NextDouble() * 2) - 1) * 0.5;
        var expected = new[] { new Perceptron(Draw(), Draw(), Draw()), new Perceptron(Draw(), Draw(), Draw()), new Perceptron(Draw(), Draw(), Draw()) };
        Assert.Equal(expected, layers.SelectMany(layer => layer));
        Assert.Equal(0.5, NetworkTrainer.RandomInitialScale);
    }

    [Fact]
    public void Train_Canceled_ReturnsTheLastRecordsNetwork()
    {
        using var cancellation = new CancellationTokenSource();
        var history = new List<NetworkEpochRecord>();

        var result = NetworkTrainer.Train(Gate("XOR"), Network(2) with { Seed = 1 }, record =>
        {
            history.Add(record);
            if (record.Epoch == 3)
            {
                cancellation.Cancel();
            }
        }, cancellation.Token);

        Assert.Equal((StopReason.Canceled, 3, 4), (result.StopReason, result.Epochs, history.Count));
        Assert.Equal(history[^1].Layers, result.Model.Layers);
    }

    public static TheoryData<string, TrainingOptions, string, string> BadNetworks => new()
    {
        { "no hidden layers", TrainingOptions.Defaults(TrainingAlgorithm.Backpropagation), "hiddenLayers", "must list the sizes of 1 or more hidden layers for backpropagation, e.g. [2]" },
        { "empty layer", Network(0), "hiddenLayers[0]", "must be between 1 and 4096 units (got 0)" },
        { "sign", Network(2) with { Activation = Activation.Sign }, "activation", "must be left out (or sigmoid) for backpropagation, whose units are sigmoid units (got sign)" },
        { "threshold", Network(2) with { Threshold = 0.5 }, "threshold", "must be left out for backpropagation: a sigmoid output is class 1 when it is at least 0.5 (got 0.5)" },
        { "shuffle", Network(2) with { Shuffle = true, Seed = 1 }, "shuffle", "must be false for backpropagation: every epoch is one full-batch step over all samples in their given order" },
        { "negative target", Network(2) with { TargetLoss = -1 }, "targetLoss", "must be a finite number of at least 0 (got -1)" },
        { "hidden layers for perceptron", new TrainingOptions { HiddenLayers = [2] }, "hiddenLayers", "applies only to the backpropagation algorithm; leave it out for perceptron" },
        { "target loss for pocket", new TrainingOptions { Algorithm = TrainingAlgorithm.Pocket, TargetLoss = 0.1 }, "targetLoss", "applies only to the backpropagation algorithm; leave it out for pocket (got 0.1)" },
        { "initial layers of the wrong width", Network() with { InitialLayers = [[new(0, 1, 1, 1)], [new(0, 1)]] }, "initialLayers[0][0].weights", "must have 2 values, one per input column (got 3)" },
        { "initial layers not fitting", Network() with { InitialLayers = [[new(0, 1, 1), new(0, 1, 1)], [new(0, 1)]] }, "initialLayers[1][0].weights", "must have 2 values, one per unit of initialLayers[0] (got 1)" },
        { "two output units", Network() with { InitialLayers = [[new(0, 1, 1)], [new(0, 1), new(0, 1)]] }, "initialLayers[1]", "must be the single output unit (got 2 units)" },
        { "no hidden layer given", Network() with { InitialLayers = [[new(0, 1, 1)]] }, "initialLayers", "must hold 1 or more hidden layers and the output layer (got 1 layer)" },
        { "sizes disagree", Network(3) with { InitialLayers = [[new(0, 1, 1)], [new(0, 1)]] }, "hiddenLayers", "must match initialLayers' hidden layers ([1]) or be left out (got [3])" },
    };

    [Theory]
    [MemberData(nameof(BadNetworks))]
    public void Validate_BadNetworkRequest_NamesTheField(string scenario, TrainingOptions options, string field, string message)
    {
        var issues = Trainer.Validate(Gate("XOR"), options);

        Assert.True(issues.Count == 1, $"{scenario}: {string.Join("; ", issues)}");
        Assert.Equal(new ValidationIssue(field, message), issues[0]);
    }

    [Fact]
    public void Validate_LabelsOutsideZeroOne_AsksForThem()
    {
        var issues = Trainer.Validate(Scenario.ToSet([[0.0], [1.0]], [-1, 1]), Network(2));

        Assert.Equal([new ValidationIssue("labels[0]", "must be 0 or 1 for backpropagation's sigmoid output (got -1)")], issues);
    }

    [Fact]
    public void Train_ThroughThePerceptronTrainer_IsRefusedNamingTheRightOne()
    {
        var error = Assert.Throws<ArgumentException>(() => Trainer.Train(Gate("XOR"), Network(2)));

        Assert.StartsWith("Backpropagation trains a network: use NetworkTrainer.Train.", error.Message, StringComparison.Ordinal);
    }
}
