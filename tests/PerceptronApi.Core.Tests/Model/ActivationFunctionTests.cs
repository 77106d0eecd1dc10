using PerceptronApi.Core.Model;

namespace PerceptronApi.Core.Tests.Model;

public class ActivationFunctionTests
{
    [Theory]
    [InlineData(Activation.Step, 0.5)]
    [InlineData(Activation.Sign, 0.0)]
    public void Create_WithoutThreshold_TakesTheDefault(Activation kind, double expected)
    {
        Assert.Equal(expected, ActivationFunction.Create(kind).Threshold);
    }

    [Theory]
    [InlineData(Activation.Linear)]
    [InlineData(Activation.Sigmoid)]
    public void Create_ContinuousActivations_HaveNoThreshold(Activation kind)
    {
        Assert.Null(ActivationFunction.Create(kind).Threshold);
        Assert.Throws<ArgumentException>(() => ActivationFunction.Create(kind, 0.5));
    }

    [Theory]
    [InlineData(0.5, 1.0)]
    [InlineData(0.49999999999999994, 0.0)]
    [InlineData(0.5000000000000001, 1.0)]
    public void Step_ComparesWithGreaterOrEqual(double z, double expected)
    {
        Assert.Equal(expected, ActivationFunction.DefaultStep.Output(z));
    }

    [Theory]
    [InlineData(0.0, 1.0)]
    [InlineData(-0.1, -1.0)]
    public void Sign_OutputsMinusOneOrOne(double z, double expected)
    {
        Assert.Equal(expected, ActivationFunction.Create(Activation.Sign).Output(z));
    }

    [Fact]
    public void Sigmoid_IsTheLogisticFunction_AndClassesAtOneHalf()
    {
        var sigmoid = ActivationFunction.Create(Activation.Sigmoid);

        Assert.Equal(0.5, sigmoid.Output(0));
        Assert.Equal(1 / (1 + Math.Exp(-0.7)), sigmoid.Output(0.7));
        Assert.Equal(1.0, sigmoid.Classify(0));
        Assert.Equal(0.0, sigmoid.Classify(-1e-9));
    }

    [Fact]
    public void Linear_OutputsZ_AndClassesLikeTheStep()
    {
        var linear = ActivationFunction.Create(Activation.Linear);

        Assert.Equal(0.3, linear.Output(0.3));
        Assert.Equal(0.0, linear.Classify(0.3));
        Assert.Equal(1.0, linear.Classify(0.5));
    }

    [Fact]
    public void Labels_FollowTheActivation()
    {
        Assert.Equal((0.0, 1.0), ActivationFunction.DefaultStep.Labels);
        Assert.Equal((-1.0, 1.0), ActivationFunction.Create(Activation.Sign).Labels);
        Assert.False(ActivationFunction.DefaultStep.IsLabel(-1));
        Assert.True(ActivationFunction.Create(Activation.Sign).IsLabel(-1));
    }
}
