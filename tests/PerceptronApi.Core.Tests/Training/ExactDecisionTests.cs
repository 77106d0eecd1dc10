using CsCheck;
using PerceptronApi.Core.Model;
using PerceptronApi.Core.Training;

namespace PerceptronApi.Core.Tests.Training;

/// <summary>
/// The mistake search decides z ≥ θ from z summed in a fast order and a proved error margin, and falls back to the
/// contract's order near θ. These cases sit exactly where the two orders disagree.
/// </summary>
public class ExactDecisionTests
{
    // Found by search: the contract's order gives 0.49999999999999994 (class 0), the search's fast orders give 0.5.
    private static readonly (double Bias, double[] Weights, double[] X) BelowInContractOrder =
        (0.5, [-0.1, -0.1, -0.3, -0.1], [0.5, 0.5, -1.0, 2.0]);

    // And the other way round: the contract's order gives exactly 0.5 (class 1), the fast orders just below it.
    private static readonly (double Bias, double[] Weights, double[] X) AtThresholdInContractOrder =
        (-0.1, [0.6, 0.7, -0.2, 0.1], [-1.0, 2.0, 0.5, -1.0]);

    public static TheoryData<int, bool, int> Cases()
    {
        var data = new TheoryData<int, bool, int>();
        foreach (var rows in new[] { 1, 5, 9, 37 })
        {
            foreach (var which in new[] { 0, 1 })
            {
                foreach (var labelIsContractClass in new[] { true, false })
                {
                    data.Add(rows, labelIsContractClass, which);
                }
            }
        }

        return data;
    }

    [Theory]
    [MemberData(nameof(Cases))]
    public void FindMistake_FastAndContractOrderStraddleTheThreshold_DecidesInContractOrder(int rows, bool labelIsContractClass, int which)
    {
        var (bias, weights, x) = which == 0 ? BelowInContractOrder : AtThresholdInContractOrder;
        var contractClass = ReferenceTrainer.NetInput(bias, weights, x) >= 0.5 ? 1.0 : 0.0;
        var fastClass = ((((bias + (weights[0] * x[0])) + (weights[1] * x[1])) + ((weights[2] * x[2]) + (weights[3] * x[3]))) >= 0.5) ? 1.0 : 0.0;
        Assert.NotEqual(contractClass, fastClass); // the data really is adversarial

        // Ordinary rows (far from θ, correctly labelled) around one adversarial row at each position in turn.
        for (var adversarial = 0; adversarial < rows; adversarial++)
        {
            var matrixRows = new double[rows][];
            var labels = new double[rows];
            for (var i = 0; i < rows; i++)
            {
                matrixRows[i] = i == adversarial ? x : [0, 0, 0, 0];
                labels[i] = i == adversarial ? (labelIsContractClass ? contractClass : 1 - contractClass) : (bias >= 0.5 ? 1 : 0);
            }

            var blocks = new SampleBlocks(Matrix.FromRows(matrixRows), labels, 0.5, 1.0);
            for (var start = 0; start <= rows; start++)
            {
                var expected = start;
                while (expected < rows && (ReferenceTrainer.NetInput(bias, weights, matrixRows[expected]) >= 0.5 ? 1.0 : 0.0) == labels[expected])
                {
                    expected++;
                }

                var before = blocks.ExactDecisions;
                Assert.Equal(expected, blocks.FindMistake(start, rows, bias, weights));
                if (start <= adversarial && expected >= adversarial)
                {
                    // The search reached the adversarial row: it must have been decided in the contract's order.
                    Assert.True(blocks.ExactDecisions > before, $"row {adversarial} from {start}: no exact decision");
                }
            }
        }
    }

    [Theory]
    [MemberData(nameof(Cases))]
    public void FusedTrain_AdversarialRowAtEveryPosition_UpdatesAsTheScalarRule(int rows, bool labelIsContractClass, int which)
    {
        // The fused search-and-update loop (perceptron and averaged) from every start, with an adversarial row at every
        // position: same weights, same running sums, same number of updates as the rule applied one sample at a time.
        var (bias, weights, x) = which == 0 ? BelowInContractOrder : AtThresholdInContractOrder;
        var contractClass = ReferenceTrainer.NetInput(bias, weights, x) >= 0.5 ? 1.0 : 0.0;
        for (var adversarial = 0; adversarial < rows; adversarial++)
        {
            var matrixRows = new double[rows][];
            var labels = new double[rows];
            for (var i = 0; i < rows; i++)
            {
                matrixRows[i] = i == adversarial ? x : [0.25 * (i % 3), -0.5, 0.125 * i, 1];
                labels[i] = i == adversarial ? (labelIsContractClass ? contractClass : 1 - contractClass) : (i * 7 % 5 < 2 ? 1 : 0);
            }

            var blocks = new SampleBlocks(Matrix.FromRows(matrixRows), labels, 0.5, 1.0);
            for (var start = 0; start <= rows; start++)
            {
                // The scalar rule, and the running sums after every step (the steps before start are 3 pending ones).
                var b = bias;
                var w = weights.ToArray();
                var sumB = 0.0;
                var sumW = new double[w.Length];
                void AddStep()
                {
                    sumB += b;
                    for (var j = 0; j < w.Length; j++)
                    {
                        sumW[j] += w[j];
                    }
                }

                AddStep();
                AddStep();
                AddStep();
                var updates = 0;
                for (var i = start; i < rows; i++)
                {
                    var predicted = ReferenceTrainer.NetInput(b, w, matrixRows[i]) >= 0.5 ? 1.0 : 0.0;
                    if (predicted != labels[i])
                    {
                        var delta = 0.1 * (labels[i] - predicted);
                        b += delta;
                        for (var j = 0; j < w.Length; j++)
                        {
                            w[j] += delta * matrixRows[i][j];
                        }

                        updates++;
                    }

                    AddStep();
                }

                // The fused loop leaves the steps since its last update pending; the caller adds them (as here).
                var fusedW = new double[RunningSums.PaddedLength(w.Length)];
                weights.CopyTo(fusedW, 0);
                var fusedB = bias;
                var fusedSums = new double[fusedW.Length];
                var fusedBiasSum = 0.0;
                var steps = 0L;
                var pending = 3;
                var fusedUpdates = blocks.Train(start, rows, ref fusedB, fusedW, 0.1, fusedSums, ref fusedBiasSum, ref steps, ref pending);
                RunningSums.AddRepeatedly(ref fusedBiasSum, fusedB, fusedSums, fusedW, pending);
                steps += pending;

                Assert.Equal(updates, fusedUpdates);
                Assert.Equal(b, fusedB);
                Assert.Equal(w, fusedW.Take(w.Length));
                Assert.Equal(3 + (rows - start), steps);
                Assert.Equal(sumB, fusedBiasSum);
                Assert.Equal(sumW, fusedSums.Take(w.Length));
            }
        }
    }

    [Theory]
    [InlineData(TrainingAlgorithm.Perceptron)]
    [InlineData(TrainingAlgorithm.Averaged)]
    public void Train_WeightsTooLargeForTheMargin_MatchesTheReferenceBitForBit(TrainingAlgorithm algorithm)
    {
        // Σ|wj·xj| above 2^1000: the margin is not used and every decision is taken in the contract's order. Two
        // features are equal in every row and their huge weights cancel exactly, so z (and the loss) stay finite.
        var random = new Random(7);
        var rows = Enumerable.Range(0, 45).Select(_ =>
        {
            var a = Math.Round((random.NextDouble() * 4) - 2, 3);
            return new[] { a, a, Math.Round((random.NextDouble() * 4) - 2, 3), Math.Round((random.NextDouble() * 4) - 2, 3) };
        }).ToArray();
        var labels = rows.Select(r => r[2] - (0.7 * r[3]) >= 0.1 ? 1.0 : 0.0).ToArray();
        labels[3] = 1 - labels[3];
        labels[20] = 1 - labels[20];
        var options = new TrainingOptions
        {
            Algorithm = algorithm,
            MaxEpochs = 6,
            LearningRate = 0.1,
            InitialWeights = new Perceptron(0.1, new[] { 1e301, -1e301, 0.5, -0.3 }.AsSpan()),
        };
        var exact = 0L;
        var history = new List<EpochRecord>();
        Trainer.Train(Scenario.ToSet(rows, labels), options, history.Add, count => exact = count, CancellationToken.None);

        Assert.Contains(history, record => record.Updates > 0);
        Assert.True(exact > 0);
        var expected = ReferenceTrainer.Train(rows, labels, options, null);
        ReferenceEquivalenceTests.AssertSameHistory(expected.History, history);
    }

    [Theory]
    [InlineData(0, true)]
    [InlineData(0, false)]
    [InlineData(1, true)]
    [InlineData(1, false)]
    public void Train_StartingAtAdversarialWeights_MatchesTheReferenceBitForBit(int which, bool labelIsContractClass)
    {
        var (bias, weights, x) = which == 0 ? BelowInContractOrder : AtThresholdInContractOrder;
        var contractClass = ReferenceTrainer.NetInput(bias, weights, x) >= 0.5 ? 1.0 : 0.0;
        double[][] rows = [[1, 0, 0, 0], x, [0, 0, 1, 0], x, [0.5, 0.5, 0.5, 0.5]];
        var labels = rows.Select((row, i) => i is 1 or 3
            ? (labelIsContractClass ? contractClass : 1 - contractClass)
            : (ReferenceTrainer.NetInput(bias, weights, row) >= 0.5 ? 1.0 : 0.0)).ToArray();
        foreach (var algorithm in new[] { TrainingAlgorithm.Perceptron, TrainingAlgorithm.Pocket, TrainingAlgorithm.Averaged })
        {
            var options = new TrainingOptions { Algorithm = algorithm, MaxEpochs = 5, LearningRate = 0.1, InitialWeights = new Perceptron(bias, weights) };
            var exact = 0L;
            var history = new List<EpochRecord>();
            Trainer.Train(Scenario.ToSet(rows, labels), options, history.Add, count => exact = count, CancellationToken.None);

            Assert.True(exact > 0);
            var expected = ReferenceTrainer.Train(rows, labels, options, null);
            ReferenceEquivalenceTests.AssertSameHistory(expected.History, history);
            Assert.Equal(labelIsContractClass ? 0 : 1, history[1].Updates == 0 ? 0 : 1);
        }
    }

    [Fact]
    public void Train_NandFromZeros_TakesTheExactPathAtZEqualsThreshold()
    {
        // The API's example: from zeros with η 0.1, z reaches 0.5 exactly at (1,1) in the contract's order.
        double[][] rows = [[0, 0], [0, 1], [1, 0], [1, 1]];
        double[] labels = [1, 1, 1, 0];
        var options = new TrainingOptions { LearningRate = 0.1, MaxEpochs = 100 };
        var exact = 0L;
        var history = new List<EpochRecord>();

        var result = Trainer.Train(Scenario.ToSet(rows, labels), options, history.Add, count => exact = count, CancellationToken.None);

        Assert.True(exact > 0);
        var expected = ReferenceTrainer.Train(rows, labels, options, null);
        ReferenceEquivalenceTests.AssertSameHistory(expected.History, history);
        Assert.Equal(expected.StopReason, result.StopReason);
    }

    [Fact]
    public void DecisionMargin_BoundsTheDifferenceBetweenEvaluationOrders()
    {
        // Wide exponents and cancellation: the margin must cover the contract's order against any other order.
        Gen.Select(Gen.Int[1, 40], Gen.Int[0, 60], Gen.Int).Sample((n, spread, seed) =>
        {
            var random = new Random(seed);
            double Value() => ((random.NextDouble() * 2) - 1) * Math.ScaleB(1, random.Next(-spread, spread + 1));
            var rows = Enumerable.Range(0, 9).Select(_ => Enumerable.Range(0, n).Select(_ => Value()).ToArray()).ToArray();
            var bias = Value();
            var weights = Enumerable.Range(0, n).Select(_ => Value()).ToArray();
            var blocks = new SampleBlocks(Matrix.FromRows(rows), new double[rows.Length], 0.5, 1.0);
            var margin = blocks.DecisionMargin(bias, weights);
            foreach (var x in rows)
            {
                var contract = ReferenceTrainer.NetInput(bias, weights, x);
                var terms = new[] { bias }.Concat(weights.Select((w, j) => w * x[j])).ToArray();
                var reversed = terms.Reverse().Aggregate(0.0, (s, t) => s + t);
                var sorted = terms.OrderBy(Math.Abs).Aggregate(0.0, (s, t) => s + t);
                var pairwise = Pairwise(terms);
                foreach (var other in new[] { reversed, sorted, pairwise })
                {
                    Assert.True(Math.Abs(contract - other) <= margin / 2, $"{contract} vs {other}, margin {margin}");
                }
            }
        }, iter: 2000);
    }

    private static double Pairwise(ReadOnlySpan<double> terms) =>
        terms.Length == 1 ? terms[0] : Pairwise(terms[..(terms.Length / 2)]) + Pairwise(terms[(terms.Length / 2)..]);
}
