using PerceptronApi.Core.Model;
using PerceptronApi.Core.Training;
using PerceptronApi.Core.Training.Rules;

namespace PerceptronApi.Core.Tests.Training;

public sealed class TrainingRuleTests
{
    [Fact]
    public void EveryAlgorithmHasExactlyItsOwnRule_InDeclarationOrder()
    {
        Assert.Equal(Enum.GetValues<TrainingAlgorithm>(), TrainingRule.All.Select(rule => rule.Algorithm));
        foreach (var algorithm in Enum.GetValues<TrainingAlgorithm>())
        {
            Assert.Equal(algorithm, TrainingRule.Of(algorithm)!.Algorithm);
        }
    }

    [Fact]
    public void AValueOutsideTheEnum_HasNoRule()
    {
        Assert.Null(TrainingRule.Of((TrainingAlgorithm)5));
        Assert.Null(TrainingRule.Of((TrainingAlgorithm)(-1)));
    }

    [Fact]
    public void TheRulesAnswer_AsTheContractDescribesEachAlgorithm()
    {
        string[] Names(Func<TrainingRule, bool> match) => [.. TrainingRule.All.Where(match).Select(rule => rule.Name)];
        Assert.Equal(["perceptron", "pocket", "averaged"], Names(rule => rule.StepsPerSample));
        Assert.Equal(["pocket"], Names(rule => rule.KeepsPocket));
        Assert.Equal(["averaged"], Names(rule => rule.ReportsAverage));
        Assert.Equal(["perceptron", "pocket"], Names(rule => rule.CanCycle));
        Assert.Equal(["adaline", "backpropagation"], Names(rule => rule.TakesTolerance));
        Assert.Equal(["backpropagation"], Names(rule => rule.TrainsNetwork));
        Assert.Equal("perceptron, pocket and averaged", TrainingRule.Names(rule => rule.StepsPerSample));
    }

    [Fact]
    public void Defaults_AreTheRecordsDefaults_ExceptANetworksRateEpochsAndInitialization()
    {
        foreach (var algorithm in new[] { TrainingAlgorithm.Perceptron, TrainingAlgorithm.Pocket, TrainingAlgorithm.Averaged, TrainingAlgorithm.Adaline })
        {
            Assert.Equal(new TrainingOptions { Algorithm = algorithm }, TrainingOptions.Defaults(algorithm));
        }

        var network = TrainingOptions.Defaults(TrainingAlgorithm.Backpropagation);
        Assert.Equal(
            new TrainingOptions { Algorithm = TrainingAlgorithm.Backpropagation, LearningRate = 4.0, MaxEpochs = 5000, Initialization = WeightInitialization.Random },
            network);
    }

    [Theory]
    [InlineData(TrainingAlgorithm.Perceptron, Activation.Step, 0.0, 1.0)]
    [InlineData(TrainingAlgorithm.Adaline, Activation.Sign, -1.0, 1.0)]
    [InlineData(TrainingAlgorithm.Backpropagation, Activation.Sign, 0.0, 1.0)]
    public void LabelSet_IsTheActivationsOrASigmoidOutputs(TrainingAlgorithm algorithm, Activation activation, double negative, double positive) =>
        Assert.Equal((negative, positive), new TrainingOptions { Algorithm = algorithm, Activation = activation }.LabelSet);

    [Fact]
    public void LabelSet_OfAnActivationThatCannotTrain_IsNone() =>
        Assert.Null(new TrainingOptions { Activation = Activation.Linear }.LabelSet);
}
