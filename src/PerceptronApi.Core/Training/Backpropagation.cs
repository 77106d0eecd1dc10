using System.Collections.Immutable;
using PerceptronApi.Core.Model;

namespace PerceptronApi.Core.Training;

/// <summary>
/// The arithmetic of API.md §4.2, written plainly: a network of sigmoid units as arrays (<c>Biases[l][u]</c>,
/// <c>Weights[l][u][k]</c>), one full-batch pass that judges it and sums its gradient, and the update.
/// Every sum runs in a fixed order (samples in their given order; a unit's inputs in index order, from the bias), so a
/// run is bit for bit repeatable.
/// </summary>
internal sealed class Backpropagation
{
    private static readonly ActivationFunction SigmoidFunction = ActivationFunction.Create(Activation.Sigmoid);

    private readonly double[][] _x;
    private readonly double[] _y;

    // Per layer, per unit: the activations and deltas of the sample being processed.
    private readonly double[][] _activations;
    private readonly double[][] _deltas;

    internal Backpropagation(Matrix inputs, ReadOnlySpan<double> labels, ImmutableArray<ImmutableArray<Perceptron>> layers)
    {
        _x = [.. Enumerable.Range(0, inputs.Rows).Select(i => inputs.Row(i).ToArray())];
        _y = labels.ToArray();
        Biases = [.. layers.Select(layer => layer.Select(unit => unit.Bias).ToArray())];
        Weights = [.. layers.Select(layer => layer.Select(unit => unit.Weights.ToArray()).ToArray())];
        BiasGradients = [.. Biases.Select(layer => new double[layer.Length])];
        WeightGradients = [.. Weights.Select(layer => layer.Select(unit => new double[unit.Length]).ToArray())];
        _activations = [.. Biases.Select(layer => new double[layer.Length])];
        _deltas = [.. Biases.Select(layer => new double[layer.Length])];
    }

    /// <summary><c>Biases[l][u]</c>: the bias of unit <c>u</c> of layer <c>l</c>.</summary>
    internal double[][] Biases { get; }

    /// <summary><c>Weights[l][u][k]</c>: the weight unit <c>u</c> of layer <c>l</c> gives input <c>k</c>.</summary>
    internal double[][][] Weights { get; }

    /// <summary>After <see cref="Pass"/>: <c>(1/M) Σ δ</c> per unit, the loss's derivative by its bias.</summary>
    internal double[][] BiasGradients { get; }

    /// <summary>After <see cref="Pass"/>: <c>(1/M) Σ δ·input</c> per weight, the loss's derivative by that weight.</summary>
    internal double[][][] WeightGradients { get; }

    internal int Samples => _x.Length;

    /// <summary>
    /// One pass over every sample in order under the current weights: forward (each unit's <c>z</c> in the contract's
    /// order, <c>a = 1/(1 + e^−z)</c>), then backward (output <c>δ = (ŷ − y)·ŷ·(1 − ŷ)</c>, hidden
    /// <c>δj = aj·(1 − aj)·Σk wkj·δk</c>), adding each sample's <c>δ·input</c> to the gradient sums; at the end the sums
    /// are divided by <c>M</c>. Returns the misclassified samples and <c>Σ (ŷ − y)²</c> (not yet divided).
    /// </summary>
    internal (int Errors, double SquaredErrorSum) Pass(CancellationToken cancellationToken)
    {
        foreach (var layer in BiasGradients)
        {
            Array.Clear(layer);
        }

        foreach (var unit in WeightGradients.SelectMany(layer => layer))
        {
            Array.Clear(unit);
        }

        var errors = 0;
        var squares = 0.0;
        var output = Biases.Length - 1;
        for (var i = 0; i < _x.Length; i++)
        {
            if (i % TrainingEngine.CancellationCheckInterval == 0 && i > 0)
            {
                cancellationToken.ThrowIfCancellationRequested();
            }

            Forward(_x[i]);
            var predicted = _activations[output][0];
            var difference = predicted - _y[i];
            squares += difference * difference;
            if ((predicted >= 0.5 ? 1.0 : 0.0) != _y[i])
            {
                errors++;
            }

            // Backward: the output unit's δ, then each hidden layer's from the layer after it.
            _deltas[output][0] = difference * predicted * (1 - predicted);
            for (var l = output - 1; l >= 0; l--)
            {
                var next = Weights[l + 1];
                for (var j = 0; j < _activations[l].Length; j++)
                {
                    var back = next[0][j] * _deltas[l + 1][0];
                    for (var k = 1; k < next.Length; k++)
                    {
                        back += next[k][j] * _deltas[l + 1][k];
                    }

                    var a = _activations[l][j];
                    _deltas[l][j] = a * (1 - a) * back;
                }
            }

            // This sample's share of every gradient: δ times the unit's input (1 for the bias).
            for (var l = 0; l <= output; l++)
            {
                var inputs = l == 0 ? _x[i] : _activations[l - 1];
                for (var u = 0; u < Biases[l].Length; u++)
                {
                    var delta = _deltas[l][u];
                    BiasGradients[l][u] += delta;
                    var gradients = WeightGradients[l][u];
                    for (var k = 0; k < gradients.Length; k++)
                    {
                        gradients[k] += delta * inputs[k];
                    }
                }
            }
        }

        double m = _x.Length;
        for (var l = 0; l <= output; l++)
        {
            for (var u = 0; u < Biases[l].Length; u++)
            {
                BiasGradients[l][u] /= m;
                var gradients = WeightGradients[l][u];
                for (var k = 0; k < gradients.Length; k++)
                {
                    gradients[k] /= m;
                }
            }
        }

        return (errors, squares);
    }

    /// <summary>Every weight of every layer at once: <c>w ← w − η·g</c>, with the gradients of the last <see cref="Pass"/>.</summary>
    internal void Step(double learningRate)
    {
        for (var l = 0; l < Biases.Length; l++)
        {
            for (var u = 0; u < Biases[l].Length; u++)
            {
                Biases[l][u] -= learningRate * BiasGradients[l][u];
                var weights = Weights[l][u];
                var gradients = WeightGradients[l][u];
                for (var k = 0; k < weights.Length; k++)
                {
                    weights[k] -= learningRate * gradients[k];
                }
            }
        }
    }

    /// <summary>Whether every bias and weight is a finite number.</summary>
    internal bool AllFinite() =>
        Biases.All(layer => layer.All(double.IsFinite)) && Weights.All(layer => layer.All(unit => unit.All(double.IsFinite)));

    /// <summary>The network as units, input side first.</summary>
    internal ImmutableArray<ImmutableArray<Perceptron>> Layers() =>
        [.. Biases.Select((layer, l) => layer.Select((bias, u) => new Perceptron(bias, Weights[l][u])).ToImmutableArray())];

    /// <summary>The loss <c>1/(2M) Σ (ŷ − y)²</c> of the current weights (for tests: no gradient, nothing kept).</summary>
    internal double Loss()
    {
        var squares = 0.0;
        for (var i = 0; i < _x.Length; i++)
        {
            Forward(_x[i]);
            var difference = _activations[^1][0] - _y[i];
            squares += difference * difference;
        }

        return squares / (2.0 * _x.Length);
    }

    private void Forward(double[] x)
    {
        for (var l = 0; l < Biases.Length; l++)
        {
            var inputs = l == 0 ? x : _activations[l - 1];
            for (var u = 0; u < Biases[l].Length; u++)
            {
                _activations[l][u] = Sigmoid(Perceptron.NetInput(Biases[l][u], Weights[l][u], inputs));
            }
        }
    }

    private static double Sigmoid(double z) => SigmoidFunction.Output(z);
}
