using System.ComponentModel.DataAnnotations;
using System.Text.Json.Serialization;
using PerceptronApi.Core.Model;
using PerceptronApi.Models;

namespace PerceptronApi.Predictions;

/// <summary>
/// A model and the inputs to run it on. Give exactly one model: <c>gate</c>, <c>bias</c> with <c>weights</c>, or
/// <c>layers</c>; and at most one of <c>expected</c> and <c>target</c>.
/// </summary>
public sealed record PredictRequest : IValidatableObject
{
    /// <summary>A gate of the catalogue, by name (case-insensitive): its weights, step activation and θ 0.5.</summary>
    public string? Gate { get; init; }

    /// <summary>The bias w0 of a single perceptron (with <c>weights</c>).</summary>
    public double? Bias { get; init; }

    /// <summary>The weights w1..wn of a single perceptron (with <c>bias</c>).</summary>
    public IReadOnlyList<double>? Weights { get; init; }

    /// <summary>A network: layers of units, input side first; the last layer is one output unit.</summary>
    public IReadOnlyList<IReadOnlyList<UnitDto>>? Layers { get; init; }

    /// <summary>step (default), sign, linear or sigmoid. Not with <c>gate</c>.</summary>
    public Activation? Activation { get; init; }

    /// <summary>θ for step (default 0.5) and sign (default 0): output 1 when z &gt;= θ. Not with <c>gate</c>.</summary>
    public double? Threshold { get; init; }

    /// <summary>The rows to predict; default: all 2^n binary rows in counting order (x1 most significant).</summary>
    public IReadOnlyList<IReadOnlyList<double>>? Inputs { get; init; }

    /// <summary>The expected output of each row; adds <c>expected</c>, <c>error</c> and the summary.</summary>
    public IReadOnlyList<double>? Expected { get; init; }

    /// <summary>A gate whose outputs are the expected outputs (for the sign activation its 0 becomes −1).</summary>
    public string? Target { get; init; }

    /// <inheritdoc />
    public IEnumerable<ValidationResult> Validate(ValidationContext validationContext) =>
        PredictionValidation.ValidateShape(this);
}

/// <summary>
/// The body of <c>POST /api/v1/gates/{name}/predict</c> and <c>POST /api/v1/training-jobs/{id}/predict</c>: the model
/// comes from the route.
/// </summary>
public sealed record PredictInputsRequest : IValidatableObject
{
    /// <summary>The rows to predict; default: all 2^n binary rows (the gate's truth table).</summary>
    public IReadOnlyList<IReadOnlyList<double>>? Inputs { get; init; }

    /// <summary>The expected output of each row; adds <c>expected</c>, <c>error</c> and the summary.</summary>
    public IReadOnlyList<double>? Expected { get; init; }

    /// <summary>A gate whose outputs are the expected outputs.</summary>
    public string? Target { get; init; }

    /// <inheritdoc />
    public IEnumerable<ValidationResult> Validate(ValidationContext validationContext) =>
        PredictionValidation.ValidateShape(new PredictRequest { Inputs = Inputs, Expected = Expected, Target = Target }, requireModel: false);
}

/// <summary>The model's answer for every row.</summary>
/// <param name="Activation">The activation used.</param>
/// <param name="Threshold">θ (null for linear and sigmoid).</param>
/// <param name="Predictions">One entry per input row, in order.</param>
/// <param name="Summary">How many rows came out as expected (only when expected outputs were given).</param>
public sealed record PredictResponse(
    string Activation,
    double? Threshold,
    IReadOnlyList<PredictionDto> Predictions,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] PredictionSummary? Summary);

/// <summary>One row: the inputs, the output unit's net input z, and the output.</summary>
/// <param name="Inputs">The row's inputs, x1 first.</param>
/// <param name="Z">The output unit's net input <c>z = w0 + w1*x1 + ... + wn*xn</c>.</param>
/// <param name="Output">The activation's output for z.</param>
/// <param name="Class">For linear and sigmoid only: the 0/1 decision the output stands for, 1 when the output is at least 0.5, else 0; with expected outputs it is what they are compared with. Left out for step and sign, whose output is already the class.</param>
/// <param name="Expected">The expected output (when given).</param>
/// <param name="Error">expected − output: the difference the learning rule feeds back into the weights.</param>
/// <param name="Hidden">For a network: the outputs of each hidden layer.</param>
public sealed record PredictionDto(
    IReadOnlyList<double> Inputs,
    double Z,
    double Output,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] double? Class,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] double? Expected,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] double? Error,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] IReadOnlyList<IReadOnlyList<double>>? Hidden);

/// <summary>How the outputs compare with the expected ones.</summary>
/// <param name="Count">Rows predicted.</param>
/// <param name="Correct">Rows whose class equals the expected output.</param>
/// <param name="Misclassified">Rows whose class differs.</param>
/// <param name="Accuracy">correct / count.</param>
public sealed record PredictionSummary(int Count, int Correct, int Misclassified, double Accuracy);
