using System.Collections.Immutable;
using PerceptronApi.Core.Model;

namespace PerceptronApi.Core.Classes;

/// <summary>
/// A model over named classes (API.md §4.1). Two classes: one unit, <c>Classes[1]</c> when <c>z &gt;= θ</c>, else
/// <c>Classes[0]</c>. Three or more: one unit per class, the class of the largest <c>z</c> (the first on a tie).
/// </summary>
public sealed class Classifier
{
    /// <summary>Creates a classifier.</summary>
    /// <exception cref="ArgumentException">The units do not fit the classes (one unit for 2 classes, one per class for 3 or more) or each other.</exception>
    public Classifier(ImmutableArray<ClassLabel> classes, ImmutableArray<Perceptron> units, ActivationFunction activation)
    {
        if (classes.IsDefault || classes.Length < 2)
        {
            throw new ArgumentException("A classifier needs at least two classes.", nameof(classes));
        }

        var expected = classes.Length == 2 ? 1 : classes.Length;
        if (units.IsDefault || units.Length != expected || units.Any(unit => unit.InputWidth != units[0].InputWidth))
        {
            throw new ArgumentException($"{classes.Length} classes need {expected} unit(s) of one input width.", nameof(units));
        }

        Classes = classes;
        Units = units;
        Activation = activation;
    }

    /// <summary>The classes, in the contract's order.</summary>
    public ImmutableArray<ClassLabel> Classes { get; }

    /// <summary>One unit (2 classes) or one per class.</summary>
    public ImmutableArray<Perceptron> Units { get; }

    /// <summary>The activation the units were trained with (its threshold decides two classes).</summary>
    public ActivationFunction Activation { get; }

    /// <summary>How many inputs it reads.</summary>
    public int InputWidth => Units[0].InputWidth;

    /// <summary>Each unit's net input for <paramref name="inputs"/>, in the contract's order.</summary>
    public double[] NetInputs(ReadOnlySpan<double> inputs)
    {
        var z = new double[Units.Length];
        for (var k = 0; k < z.Length; k++)
        {
            z[k] = Units[k].NetInput(inputs);
        }

        return z;
    }

    /// <summary>The index of the predicted class for the units' net inputs <paramref name="z"/>.</summary>
    public int Decide(ReadOnlySpan<double> z)
    {
        if (Classes.Length == 2)
        {
            return z[0] >= Activation.Threshold!.Value ? 1 : 0;
        }

        var best = 0;
        for (var k = 1; k < z.Length; k++)
        {
            if (z[k] > z[best])
            {
                best = k;
            }
        }

        return best;
    }

    /// <summary>The predicted class of <paramref name="inputs"/>.</summary>
    public ClassLabel Predict(ReadOnlySpan<double> inputs) => Classes[Decide(NetInputs(inputs))];
}
