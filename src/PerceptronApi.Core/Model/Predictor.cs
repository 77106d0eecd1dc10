using System.Numerics;

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

        var netInputs = GC.AllocateUninitializedArray<double>(inputs.Rows);
        NetInputs(network.OutputUnit, layerInput, netInputs);
        var activation = network.Activation;
        var outputs = GC.AllocateUninitializedArray<double>(inputs.Rows);
        if (activation.Kind is Activation.Step or Activation.Sign)
        {
            // A threshold's output is its class: one array serves as both.
            var (negative, positive) = activation.Labels;
            Threshold(netInputs, activation.Threshold!.Value, negative, positive, outputs);
            return new PredictionBatch(netInputs, outputs, outputs, hidden);
        }

        var classes = GC.AllocateUninitializedArray<double>(inputs.Rows);
        for (var r = 0; r < netInputs.Length; r++)
        {
            outputs[r] = activation.Output(netInputs[r]);
            classes[r] = activation.Classify(netInputs[r]);
        }

        return new PredictionBatch(netInputs, outputs, classes, hidden);
    }

    /// <summary><c>destination[r] = z[r] &gt;= θ ? positive : negative</c>, several rows per instruction.</summary>
    private static void Threshold(ReadOnlySpan<double> z, double threshold, double negative, double positive, Span<double> destination)
    {
        var r = 0;
        if (Vector.IsHardwareAccelerated)
        {
            var theta = new Vector<double>(threshold);
            var high = new Vector<double>(positive);
            var low = new Vector<double>(negative);
            for (; r <= z.Length - Vector<double>.Count; r += Vector<double>.Count)
            {
                var values = new Vector<double>(z[r..]);
                Vector.ConditionalSelect(Vector.GreaterThanOrEqual(values, theta), high, low).CopyTo(destination[r..]);
            }
        }

        for (; r < z.Length; r++)
        {
            destination[r] = z[r] >= threshold ? positive : negative;
        }
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
        var bias = unit.Bias;
        var r = 0;

        // Four rows at a time: four independent sums in flight, each still bias first and left to right, every
        // product rounded before it is added — the same bits as Perceptron.NetInput, row by row.
        for (; r <= inputs.Rows - 4; r += 4)
        {
            var x0 = data.Slice(r * columns, columns);
            var x1 = data.Slice((r + 1) * columns, columns);
            var x2 = data.Slice((r + 2) * columns, columns);
            var x3 = data.Slice((r + 3) * columns, columns);
            double z0 = bias, z1 = bias, z2 = bias, z3 = bias;
            for (var j = 0; j < weights.Length; j++)
            {
                var w = weights[j];
                z0 += w * x0[j];
                z1 += w * x1[j];
                z2 += w * x2[j];
                z3 += w * x3[j];
            }

            destination[r] = z0;
            destination[r + 1] = z1;
            destination[r + 2] = z2;
            destination[r + 3] = z3;
        }

        for (; r < inputs.Rows; r++)
        {
            destination[r] = Perceptron.NetInput(bias, weights, data.Slice(r * columns, columns));
        }
    }
}
