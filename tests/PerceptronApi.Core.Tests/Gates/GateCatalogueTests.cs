using PerceptronApi.Core.Gates;
using PerceptronApi.Core.Model;

namespace PerceptronApi.Core.Tests.Gates;

public class GateCatalogueTests
{
    public static TheoryData<string, double[]> TruthTables => new()
    {
        { "AND", [0, 0, 0, 1] },
        { "OR", [0, 1, 1, 1] },
        { "NAND", [1, 1, 1, 0] },
        { "NOR", [1, 0, 0, 0] },
        { "NOT", [1, 0] },
        { "XOR", [0, 1, 1, 0] },
        { "XNOR", [1, 0, 0, 1] },
    };

    [Theory]
    [MemberData(nameof(TruthTables))]
    public void Gate_ComputesItsTruthTable(string name, double[] outputs)
    {
        Assert.True(GateCatalogue.TryGet(name, out var gate));

        Assert.Equal(outputs, gate.TruthTable.Select(row => row.Output));
        Assert.Equal(outputs, Predictor.Predict(gate.Network, gate.TruthTableInputs).Outputs);
        Assert.Equal(outputs.Length, 1 << gate.Arity);
    }

    [Fact]
    public void AndAndNor_AreTheTutorialsWeights()
    {
        Assert.Equal(new Perceptron(-0.5, 0.6, 0.6), GateCatalogue.AndUnit);
        Assert.Equal(new Perceptron(0.5, -0.6, -0.6), GateCatalogue.NorUnit);
    }

    [Fact]
    public void TruthTableInputs_AreInBinaryCountingOrder()
    {
        GateCatalogue.TryGet("AND", out var and);

        Assert.Equal([[0.0, 0], [0.0, 1], [1.0, 0], [1.0, 1]], and.TruthTable.Select(row => row.Inputs.ToArray()));
    }

    [Theory]
    [InlineData("XOR")]
    [InlineData("XNOR")]
    public void NonSeparableGates_AreTwoLayerNetworks(string name)
    {
        GateCatalogue.TryGet(name, out var gate);

        Assert.False(gate.LinearlySeparable);
        Assert.Equal([2, 1], gate.Network.Layers.Select(layer => layer.Length));
    }

    [Theory]
    [InlineData("nor")]
    [InlineData("Nor")]
    [InlineData("NOR")]
    public void TryGet_IgnoresCase(string name)
    {
        Assert.True(GateCatalogue.TryGet(name, out var gate));
        Assert.Equal("NOR", gate.Name);
    }

    [Fact]
    public void TryGet_UnknownName_Fails()
    {
        Assert.False(GateCatalogue.TryGet("MAYBE", out _));
        Assert.False(GateCatalogue.TryGet(null, out _));
    }

    [Fact]
    public void AllGates_UseTheStepAtOneHalf()
    {
        Assert.All(GateCatalogue.All, gate => Assert.Equal(ActivationFunction.DefaultStep, gate.Network.Activation));
        Assert.Equal(["AND", "OR", "NAND", "NOR", "NOT", "XOR", "XNOR"], GateCatalogue.Names.ToArray());
    }
}
