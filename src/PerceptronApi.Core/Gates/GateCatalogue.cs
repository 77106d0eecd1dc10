using System.Collections.Frozen;
using System.Collections.Immutable;
using PerceptronApi.Core.Model;

namespace PerceptronApi.Core.Gates;

/// <summary>
/// The logic gates as perceptrons, all under the tutorial's convention: step activation, output 1 when <c>z &gt;= 0.5</c>.
/// AND and NOR are the tutorial's weights verbatim; the others are chosen in the same style (weights ±0.6).
/// </summary>
public static class GateCatalogue
{
    private static readonly ActivationFunction Step = ActivationFunction.DefaultStep;

    /// <summary>AND: bias −0.5, weights [0.6, 0.6] (the tutorial's). Only (1,1) reaches 0.7 ≥ 0.5.</summary>
    public static Perceptron AndUnit { get; } = new(-0.5, 0.6, 0.6);

    /// <summary>OR: bias 0, weights [0.6, 0.6]. One active input reaches 0.6 ≥ 0.5.</summary>
    public static Perceptron OrUnit { get; } = new(0.0, 0.6, 0.6);

    /// <summary>NAND: bias 1.5, weights [−0.6, −0.6]. Only (1,1) falls to 0.3 &lt; 0.5.</summary>
    public static Perceptron NandUnit { get; } = new(1.5, -0.6, -0.6);

    /// <summary>NOR: bias 0.5, weights [−0.6, −0.6] (the tutorial's). (0,0) gives exactly 0.5, which is ≥ 0.5.</summary>
    public static Perceptron NorUnit { get; } = new(0.5, -0.6, -0.6);

    /// <summary>NOT: bias 0.5, weight [−0.6], NOR with one input.</summary>
    public static Perceptron NotUnit { get; } = new(0.5, -0.6);

    /// <summary>Every gate, in the order the catalogue lists them.</summary>
    public static ImmutableArray<LogicGate> All { get; } =
    [
        Single("AND", "1 only when both inputs are 1. The tutorial's weights: w0 = -0.5, w1 = w2 = 0.6.", AndUnit),
        Single("OR", "1 when at least one input is 1: w0 = 0, w1 = w2 = 0.6.", OrUnit),
        Single("NAND", "The negation of AND: 0 only when both inputs are 1. w0 = 1.5, w1 = w2 = -0.6.", NandUnit),
        Single("NOR", "1 only when both inputs are 0. The tutorial's weights: w0 = 0.5, w1 = w2 = -0.6; (0,0) gives z = 0.5 exactly, and 0.5 >= 0.5.", NorUnit),
        Single("NOT", "The negation of its one input: w0 = 0.5, w1 = -0.6.", NotUnit),
        new LogicGate(
            "XOR",
            "1 when exactly one input is 1. Not linearly separable, so no single perceptron computes it: a hidden layer of OR and NAND feeds an AND.",
            linearlySeparable: false,
            new Network([[OrUnit, NandUnit], [AndUnit]], Step)),
        new LogicGate(
            "XNOR",
            "1 when both inputs are equal. Not linearly separable: a hidden layer of AND and NOR feeds an OR.",
            linearlySeparable: false,
            new Network([[AndUnit, NorUnit], [OrUnit]], Step)),
    ];

    private static readonly FrozenDictionary<string, LogicGate> ByName =
        All.ToFrozenDictionary(gate => gate.Name, StringComparer.OrdinalIgnoreCase);

    /// <summary>The gates' names, in catalogue order.</summary>
    public static ImmutableArray<string> Names { get; } = [.. All.Select(gate => gate.Name)];

    /// <summary>Finds a gate by name, ignoring case.</summary>
    public static bool TryGet(string? name, out LogicGate gate)
    {
        if (name is not null && ByName.TryGetValue(name, out var found))
        {
            gate = found;
            return true;
        }

        gate = null!;
        return false;
    }

    private static LogicGate Single(string name, string description, Perceptron unit) =>
        new(name, description, linearlySeparable: true, new Network(unit, Step));
}
