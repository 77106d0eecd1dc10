using System.Collections.Immutable;
using PerceptronApi.Core.Model;

namespace PerceptronApi.Core.Gates;

/// <summary>One row of a truth table.</summary>
/// <param name="Inputs">The inputs, <c>x1</c> first.</param>
/// <param name="Output">The gate's output for them.</param>
public sealed record TruthTableRow(ImmutableArray<double> Inputs, double Output);

/// <summary>A logic gate built from perceptrons.</summary>
public sealed class LogicGate
{
    internal LogicGate(string name, string description, bool linearlySeparable, Network network)
    {
        Name = name;
        Description = description;
        LinearlySeparable = linearlySeparable;
        Network = network;
        var inputs = Matrix.BinaryCounting(network.InputWidth);
        var classes = Predictor.Predict(network, inputs).Classes;
        TruthTable = [.. Enumerable.Range(0, inputs.Rows).Select(r => new TruthTableRow([.. inputs.Row(r)], classes[r]))];
    }

    /// <summary>The gate's name in upper case (AND, NOR, ...).</summary>
    public string Name { get; }

    /// <summary>What the gate does and how its perceptrons are set.</summary>
    public string Description { get; }

    /// <summary>How many inputs it takes.</summary>
    public int Arity => Network.InputWidth;

    /// <summary>Whether one perceptron can compute it (XOR and XNOR cannot: they need a hidden layer).</summary>
    public bool LinearlySeparable { get; }

    /// <summary>The perceptrons that compute the gate, with the step activation at θ 0.5.</summary>
    public Network Network { get; }

    /// <summary>Every input row in binary counting order (x1 most significant) with the gate's output.</summary>
    public ImmutableArray<TruthTableRow> TruthTable { get; }

    /// <summary>The truth table's inputs as a matrix.</summary>
    public Matrix TruthTableInputs => Matrix.BinaryCounting(Arity);

    /// <summary>The truth table's outputs, in the same order.</summary>
    public ImmutableArray<double> TruthTableOutputs => [.. TruthTable.Select(row => row.Output)];
}
