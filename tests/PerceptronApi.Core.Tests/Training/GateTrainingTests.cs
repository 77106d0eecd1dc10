using PerceptronApi.Core.Gates;
using PerceptronApi.Core.Model;
using PerceptronApi.Core.Training;

namespace PerceptronApi.Core.Tests.Training;

public class GateTrainingTests
{
    private static TrainingSet Gate(string name)
    {
        Assert.True(GateCatalogue.TryGet(name, out var gate));
        return new TrainingSet(gate.TruthTableInputs, gate.TruthTableOutputs);
    }

    [Fact]
    public void Train_NorGate_ConvergesAndReportsEveryEpoch()
    {
        var history = new List<EpochRecord>();

        var result = Trainer.Train(Gate("NOR"), new TrainingOptions(), history.Add);

        // API.md §1, the worked example: every number exactly.
        (int Epoch, double Bias, double[] Weights, int Updates, int Errors, double Loss)[] expected =
        [
            (0, 0, [0, 0], 0, 1, 0.125),
            (1, 0.1, [0, 0], 1, 1, 0.105),
            (2, 0.2, [0, 0], 1, 1, 0.095),
            (3, 0.30000000000000004, [0, 0], 1, 1, 0.095),
            (4, 0.4, [0, 0], 1, 1, 0.105),
            (5, 0.4, [0, -0.1], 2, 1, 0.0875),
            (6, 0.4, [-0.1, -0.1], 2, 1, 0.0725),
            (7, 0.5, [-0.1, -0.1], 1, 0, 0.0825),
            (8, 0.5, [-0.1, -0.1], 0, 0, 0.0825),
        ];
        Assert.Equal(expected.Length, history.Count);
        for (var i = 0; i < expected.Length; i++)
        {
            var (epoch, bias, weights, updates, errors, loss) = expected[i];
            var record = history[i];
            Assert.Equal(epoch, record.Epoch);
            Assert.Equal(bias, record.Bias);
            Assert.Equal(weights, record.Weights);
            Assert.Equal(updates, record.Updates);
            Assert.Equal(errors, record.Errors);
            Assert.Equal(1.0 - (errors / 4.0), record.Accuracy);
            // The table prints the loss rounded (the double nearest 1/(2M)·Σ(z − y)² at epoch 1 is 0.10500000000000001,
            // whatever the summation order); the bit-exact values are pinned against the reference implementation.
            Assert.Equal(loss, record.Loss, 15);
        }

        Assert.True(result.Converged);
        Assert.Equal(StopReason.Converged, result.StopReason);
        Assert.Equal(8, result.Epochs);
        Assert.Equal(new Perceptron(0.5, -0.1, -0.1), result.Model);
        Assert.Equal((0, 1.0), (result.Errors, result.Accuracy));
        Assert.Equal(history[^1].Loss, result.Loss);
        Assert.Null(result.Seed);
    }
}
