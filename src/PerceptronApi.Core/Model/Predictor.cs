namespace PerceptronApi.Core.Model;

/// <summary>What a network made of a batch of rows: per row the output unit's <c>z</c>, the output, and the class.</summary>
/// <param name="NetInputs">The output unit's net input per row.</param>
/// <param name="Outputs">The activation's output per row.</param>
/// <param name="Classes">The class per row, in the activation's label set (see <see cref="ActivationFunction.Classify"/>).</param>
/// <param name="Hidden">The outputs of each hidden layer (rows × units), empty for a single perceptron.</param>
public sealed record PredictionBatch(double[] NetInputs, double[] Outputs, double[] Classes, IReadOnlyList<Matrix> Hidden);

/// <summary>Runs a network over a batch of rows held in one contiguous block.</summary>
public static class Predictor
{
    /// <summary>Predicts every row of <paramref name="inputs"/>.</summary>
    /// <exception cref="ArgumentException">The inputs' width does not match the network.</exception>
    public static PredictionBatch Predict(Network network, Matrix inputs)
    {
        ArgumentNullException.ThrowIfNull(network);
        ArgumentNullException.ThrowIfNull(inputs);
        if (inputs.Rows > 0 && inputs.Columns != network.InputWidth)
        {
            throw new ArgumentException($"The network reads {network.InputWidth} inputs per row; the rows have {inputs.Columns}.", nameof(inputs));
        }

        var hidden = new Matrix[network.Layers.Length - 1];
        var layerInput = inputs;
        for (var l = 0; l < hidden.Length; l++)
        {
            var layer = network.Layers[l];
            var output = new double[inputs.Rows * layer.Length];
            var z = new double[inputs.Rows];
            for (var u = 0; u < layer.Length; u++)
            {
                NetInputs(layer[u], layerInput, z);
                for (var r = 0; r < z.Length; r++)
                {
                    output[(r * layer.Length) + u] = network.Activation.Output(z[r]);
                }
            }

            hidden[l] = Matrix.FromRowMajor(output, inputs.Rows, layer.Length);
            layerInput = hidden[l];
        }

        var netInputs = new double[inputs.Rows];
        NetInputs(network.OutputUnit, layerInput, netInputs);
        var outputs = new double[inputs.Rows];
        var classes = new double[inputs.Rows];
        var activation = network.Activation;
        for (var r = 0; r < netInputs.Length; r++)
        {
            outputs[r] = activation.Output(netInputs[r]);
            classes[r] = activation.Classify(netInputs[r]);
        }

        return new PredictionBatch(netInputs, outputs, classes, hidden);
    }

    /// <summary>
    /// Writes the net input of every row into <paramref name="destination"/>, each summed in the contract's order
    /// (bias first, then left to right).
    /// </summary>
    public static void NetInputs(Perceptron unit, Matrix inputs, Span<double> destination)
    {
        ArgumentNullException.ThrowIfNull(unit);
        ArgumentNullException.ThrowIfNull(inputs);
        if (destination.Length < inputs.Rows)
        {
            throw new ArgumentException($"The destination holds {destination.Length} values; {inputs.Rows} are needed.", nameof(destination));
        }

        var weights = unit.Weights.AsSpan();
        var data = inputs.Data;
        var columns = inputs.Columns;
        for (var r = 0; r < inputs.Rows; r++)
        {
            destination[r] = Perceptron.NetInput(unit.Bias, weights, data.Slice(r * columns, columns));
        }
    }
}
