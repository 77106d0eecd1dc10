using PerceptronApi.Core.Model;

namespace PerceptronApi.Core.Tests.Model;

public class PerceptronTests
{
    [Fact]
    public void NetInput_SumsFromTheBiasLeftToRight()
    {
        // 0.1 + 0.2 is 0.30000000000000004; adding 0.3 first and 0.2 last would give 0.6000000000000001 instead.
        var unit = new Perceptron(0.1, 0.2, 0.3);

        Assert.Equal(((0.1 + (0.2 * 1)) + (0.3 * 1)), unit.NetInput([1, 1]));
        Assert.Equal(0.6000000000000001, unit.NetInput([1, 1]));
    }

    [Fact]
    public void NetInput_TutorialGuessOnNor_GivesTheTutorialsZ()
    {
        var guess = new Perceptron(0.4, 0.7, -0.2);
        var inputs = Matrix.BinaryCounting(2);

        double[] z = [.. Enumerable.Range(0, 4).Select(r => guess.NetInput(inputs.Row(r)))];

        Assert.Equal([0.4, 0.2, 1.1, 0.9000000000000001], z);
    }

    [Fact]
    public void NetInput_WrongWidth_Throws()
    {
        var unit = new Perceptron(0, 1, 1);

        var error = Assert.Throws<ArgumentException>(() => unit.NetInput([1]));
        Assert.Equal("inputs", error.ParamName);
    }

    [Theory]
    [InlineData(double.NaN)]
    [InlineData(double.PositiveInfinity)]
    public void Constructor_NonFiniteBias_IsRefused(double bias)
    {
        var error = Assert.Throws<ArgumentException>(() => new Perceptron(bias, 1.0));
        Assert.Equal("bias", error.ParamName);
    }

    [Fact]
    public void Constructor_NoWeights_IsRefused()
    {
        Assert.Throws<ArgumentException>(() => new Perceptron(0, System.Collections.Immutable.ImmutableArray<double>.Empty));
    }

    [Fact]
    public void Equality_ComparesBiasAndWeights()
    {
        Assert.Equal(new Perceptron(0.5, -0.6, -0.6), new Perceptron(0.5, -0.6, -0.6));
        Assert.NotEqual(new Perceptron(0.5, -0.6, -0.6), new Perceptron(0.5, -0.6, -0.5));
    }
}
