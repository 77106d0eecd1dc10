using System.Text.Json.Serialization;
using PerceptronApi.Core.Gates;
using PerceptronApi.Models;

namespace PerceptronApi.Gates;

/// <summary>A logic gate as perceptrons.</summary>
/// <param name="Name">The gate's name (AND, OR, NAND, NOR, NOT, XOR, XNOR).</param>
/// <param name="Arity">How many inputs it takes.</param>
/// <param name="LinearlySeparable">Whether a single perceptron computes it (XOR and XNOR need a hidden layer).</param>
/// <param name="Description">What it does and how its weights are chosen.</param>
/// <param name="Activation">The activation of every unit: step.</param>
/// <param name="Threshold">θ: output 1 when z &gt;= θ.</param>
/// <param name="Layers">The layers, input side first, each a list of units; the last is the output unit.</param>
/// <param name="TruthTable">Only for one gate (<c>GET /api/v1/gates/{name}</c>): every input row in binary counting order
/// (x1 most significant) with the gate's output.</param>
public sealed record GateResponse(
    string Name,
    int Arity,
    bool LinearlySeparable,
    string Description,
    string Activation,
    double? Threshold,
    IReadOnlyList<IReadOnlyList<UnitDto>> Layers,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] IReadOnlyList<TruthTableRowDto>? TruthTable = null)
{
    internal static GateResponse From(LogicGate gate) => new(
        gate.Name,
        gate.Arity,
        gate.LinearlySeparable,
        gate.Description,
        ModelMapping.Name(gate.Network.Activation.Kind),
        gate.Network.Activation.Threshold,
        ModelMapping.ToLayers(gate.Network));

    internal static GateResponse WithTruthTable(LogicGate gate) => From(gate) with
    {
        TruthTable = [.. gate.TruthTable.Select(row => new TruthTableRowDto(row.Inputs, row.Output))],
    };
}

/// <summary>One row of a truth table.</summary>
/// <param name="Inputs">The inputs, x1 first.</param>
/// <param name="Output">The gate's output.</param>
public sealed record TruthTableRowDto(IReadOnlyList<double> Inputs, double Output);
