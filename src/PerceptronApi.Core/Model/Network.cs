using System.Collections.Immutable;

namespace PerceptronApi.Core.Model;

/// <summary>
/// Layers of perceptrons that share one activation: every unit of a layer reads all outputs of the layer before it
/// (the first layer reads the inputs), and the last layer is the single output unit. A single perceptron is a network
/// of one layer of one unit.
/// </summary>
public sealed class Network
{
    /// <summary>Creates a network and checks that the layers fit together.</summary>
    /// <exception cref="ArgumentException">A layer is empty, a unit's width does not match the layer before, or the
    /// last layer has more than one unit.</exception>
    public Network(ImmutableArray<ImmutableArray<Perceptron>> layers, ActivationFunction activation)
    {
        if (layers.IsDefaultOrEmpty)
        {
            throw new ArgumentException("A network needs at least one layer.", nameof(layers));
        }

        for (var l = 0; l < layers.Length; l++)
        {
            if (layers[l].IsDefaultOrEmpty)
            {
                throw new ArgumentException($"layers[{l}] has no units.", nameof(layers));
            }

            var width = l == 0 ? layers[0][0].InputWidth : layers[l - 1].Length;
            for (var u = 0; u < layers[l].Length; u++)
            {
                if (layers[l][u].InputWidth != width)
                {
                    throw new ArgumentException(
                        $"layers[{l}][{u}] has {layers[l][u].InputWidth} weights; it needs {width} ({(l == 0 ? "the input width of layers[0][0]" : $"one per unit of layers[{l - 1}]")}).",
                        nameof(layers));
                }
            }
        }

        if (layers[^1].Length != 1)
        {
            throw new ArgumentException($"The last layer must be a single output unit; it has {layers[^1].Length}.", nameof(layers));
        }

        Layers = layers;
        Activation = activation;
    }

    /// <summary>A network of one perceptron.</summary>
    public Network(Perceptron unit, ActivationFunction activation)
        : this([[unit]], activation)
    {
    }

    /// <summary>The layers, input side first; the last is the single output unit.</summary>
    public ImmutableArray<ImmutableArray<Perceptron>> Layers { get; }

    /// <summary>The activation every unit uses.</summary>
    public ActivationFunction Activation { get; }

    /// <summary>How many inputs the network reads.</summary>
    public int InputWidth => Layers[0][0].InputWidth;

    /// <summary>The output unit.</summary>
    public Perceptron OutputUnit => Layers[^1][0];

    /// <summary>Whether this is one perceptron (no hidden layer).</summary>
    public bool IsSinglePerceptron => Layers.Length == 1;

    /// <summary>The total number of units.</summary>
    public int UnitCount => Layers.Sum(layer => layer.Length);
}
