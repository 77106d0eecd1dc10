using System.Collections.Immutable;

namespace PerceptronApi.Core.Model;

/// <summary>
/// One unit: a bias <c>w0</c> (the weight of the constant input <c>x0 = 1</c>) and the weights <c>w1..wn</c>.
/// </summary>
public sealed class Perceptron : IEquatable<Perceptron>
{
    /// <summary>Creates a unit.</summary>
    /// <exception cref="ArgumentException">A weight or the bias is not finite, or there are no weights.</exception>
    public Perceptron(double bias, ImmutableArray<double> weights)
    {
        if (!double.IsFinite(bias))
        {
            throw new ArgumentException($"The bias must be a finite number (got {bias}).", nameof(bias));
        }

        if (weights.IsDefaultOrEmpty)
        {
            throw new ArgumentException("A perceptron needs at least one weight.", nameof(weights));
        }

        for (var i = 0; i < weights.Length; i++)
        {
            if (!double.IsFinite(weights[i]))
            {
                throw new ArgumentException($"weights[{i}] must be a finite number (got {weights[i]}).", nameof(weights));
            }
        }

        Bias = bias;
        Weights = weights;
    }

    /// <summary>Creates a unit from a bias and weights.</summary>
    public Perceptron(double bias, params ReadOnlySpan<double> weights)
        : this(bias, ImmutableArray.Create(weights))
    {
    }

    /// <summary>The bias <c>w0</c>.</summary>
    public double Bias { get; }

    /// <summary>The weights <c>w1..wn</c>.</summary>
    public ImmutableArray<double> Weights { get; }

    /// <summary>The number of inputs <c>n</c>.</summary>
    public int InputWidth => Weights.Length;

    /// <summary>
    /// The net input <c>z = ((w0 + w1*x1) + w2*x2) + ...</c>, summed left to right from the bias with every product
    /// rounded before it is added, exactly as the contract fixes it.
    /// </summary>
    public double NetInput(ReadOnlySpan<double> inputs) => NetInput(Bias, Weights.AsSpan(), inputs);

    /// <summary>The contract's net input for a bias and weights that need not be a <see cref="Perceptron"/> yet.</summary>
    public static double NetInput(double bias, ReadOnlySpan<double> weights, ReadOnlySpan<double> inputs)
    {
        if (inputs.Length != weights.Length)
        {
            throw new ArgumentException($"Expected {weights.Length} inputs, got {inputs.Length}.", nameof(inputs));
        }

        // .NET never contracts a*b+c into a fused multiply-add on its own, so this is the tutorial's order.
        var z = bias;
        for (var i = 0; i < weights.Length; i++)
        {
            z += weights[i] * inputs[i];
        }

        return z;
    }

    /// <inheritdoc />
    public bool Equals(Perceptron? other) =>
        other is not null && Bias.Equals(other.Bias) && Weights.AsSpan().SequenceEqual(other.Weights.AsSpan());

    /// <inheritdoc />
    public override bool Equals(object? obj) => Equals(obj as Perceptron);

    /// <inheritdoc />
    public override int GetHashCode()
    {
        var hash = new HashCode();
        hash.Add(Bias);
        foreach (var w in Weights)
        {
            hash.Add(w);
        }

        return hash.ToHashCode();
    }

    /// <inheritdoc />
    public override string ToString() => $"bias {Bias}, weights [{string.Join(", ", Weights)}]";
}
