using PerceptronApi.Core.Gates;
using PerceptronApi.Core.Model;

namespace PerceptronApi.Core.Tests.Model;

public class PredictorTests
{
    [Fact]
    public void BinaryCounting_ListsRowsWithX1MostSignificant()
    {
        var rows = Matrix.BinaryCounting(2);

        Assert.Equal([0.0, 0, 0, 1, 1, 0, 1, 1], rows.Data.ToArray());
        Assert.Equal(4, rows.Rows);
        Assert.Equal(2, rows.Columns);
    }

    [Fact]
    public void Predict_Nor_HasZOfExactlyOneHalfAtOrigin_AndOutputsOne()
    {
        var batch = Predictor.Predict(GateCatalogue.All.Single(g => g.Name == "NOR").Network, Matrix.BinaryCounting(2));

        Assert.Equal(0.5, batch.NetInputs[0]);
        Assert.Equal([1.0, 0, 0, 0], batch.Outputs);
    }

    [Fact]
    public void Predict_Network_ReportsHiddenOutputs()
    {
        GateCatalogue.TryGet("XOR", out var xor);

        var batch = Predictor.Predict(xor.Network, Matrix.BinaryCounting(2));

        var hidden = Assert.Single(batch.Hidden);
        Assert.Equal([0.0, 1, 1, 1, 1, 1, 1, 0], hidden.Data.ToArray());
        Assert.Equal([0.0, 1, 1, 0], batch.Outputs);
    }

    [Fact]
    public void Predict_RowsOfTheWrongWidth_AreRefused()
    {
        var network = new Network(new Perceptron(0, 1, 1), ActivationFunction.DefaultStep);

        Assert.Throws<ArgumentException>(() => Predictor.Predict(network, Matrix.BinaryCounting(3)));
    }

    [Fact]
    public void Network_LayersThatDoNotFit_AreRefused()
    {
        var step = ActivationFunction.DefaultStep;

        Assert.Throws<ArgumentException>(() => new Network([[new Perceptron(0, 1, 1)], [new Perceptron(0, 1, 1)]], step));
        Assert.Throws<ArgumentException>(() => new Network([[new Perceptron(0, 1), new Perceptron(0, 1)]], step));
    }

    [Fact]
    public void FromRows_RaggedRows_AreRefused()
    {
        Assert.Throws<ArgumentException>(() => Matrix.FromRows([[1.0, 2.0], [1.0]]));
    }
}
