using System.ComponentModel.DataAnnotations;
using System.Text.Json;
using System.Text.Json.Serialization;
using PerceptronApi.Core.Classes;
using PerceptronApi.Predictions;

namespace PerceptronApi.Training;

/// <summary>
/// The body of <c>POST /api/v1/training-jobs/{id}/predict</c>: rows, and optionally what each should come out as —
/// numbers of the activation's label set for a binary job, the job's class labels (numbers or strings) for a classes job.
/// </summary>
public sealed record JobPredictRequest : IValidatableObject
{
    /// <summary>The rows to predict; default: all 2^n binary rows.</summary>
    public IReadOnlyList<IReadOnlyList<double>>? Inputs { get; init; }

    /// <summary>The expected output of each row: adds <c>expected</c> and the summary (a classes job: <c>correct</c> per row).</summary>
    public IReadOnlyList<ClassLabel>? Expected { get; init; }

    /// <summary>A gate whose outputs are the expected outputs (binary jobs).</summary>
    public string? Target { get; init; }

    /// <inheritdoc />
    public IEnumerable<ValidationResult> Validate(ValidationContext validationContext) =>
        PredictionValidation.ValidateShape(new PredictRequest { Inputs = Inputs, Expected = Expected is null ? null : [], Target = Target }, requireModel: false);

    /// <summary>The request as a binary model reads it: every expected label a number; null with errors otherwise.</summary>
    internal PredictInputsRequest? ForBinary(Dictionary<string, string[]> errors)
    {
        for (var i = 0; Expected is not null && i < Expected.Count; i++)
        {
            if (!Expected[i].IsNumber)
            {
                errors[$"expected[{i}]"] = [$"must be a number: this job trained on numeric labels (got \"{Expected[i]}\")."];
            }
        }

        return errors.Count > 0 ? null : new PredictInputsRequest { Inputs = Inputs, Expected = Expected?.Select(label => label.Number).ToList(), Target = Target };
    }
}

/// <summary>A classes job's answer for every row: the net input(s) and the class they decide.</summary>
/// <param name="Activation">The units' activation (a network: sigmoid).</param>
/// <param name="Threshold">θ that decides two classes (null for a network, whose class is output ≥ 0.5, and for one-vs-rest, decided by the largest z).</param>
/// <param name="Classes">The job's classes: with two, the first is the negative one; with three or more, one unit each, in this order.</param>
/// <param name="Predictions">One entry per input row, in order.</param>
/// <param name="Summary">How many rows came out as expected (only when expected labels were given).</param>
public sealed record ClassPredictResponse(
    string Activation,
    double? Threshold,
    IReadOnlyList<ClassLabel> Classes,
    IReadOnlyList<ClassPredictionDto> Predictions,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] PredictionSummary? Summary);

/// <summary>One row of a classes job's answer.</summary>
/// <param name="Inputs">The row's inputs, x1 first.</param>
/// <param name="Z">Two classes: the unit's net input (a number). One-vs-rest: every class's unit's net input, in the order of <c>classes</c> (an array).</param>
/// <param name="Output">The predicted class: classes[1] when z ≥ θ else classes[0]; one-vs-rest, the class of the largest z (the first on a tie).</param>
/// <param name="Expected">The expected class (when given).</param>
/// <param name="Correct">Whether the output is the expected class (when given).</param>
public sealed record ClassPredictionDto(
    IReadOnlyList<double> Inputs,
    NetInputs Z,
    ClassLabel Output,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] ClassLabel? Expected,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] bool? Correct);

/// <summary>One unit's net input, or one per class (one-vs-rest): written as a number or an array of numbers.</summary>
[JsonConverter(typeof(NetInputsConverter))]
public sealed class NetInputs
{
    internal NetInputs(double[] values, bool single)
    {
        Values = values;
        Single = single;
    }

    internal double[] Values { get; }

    internal bool Single { get; }
}

/// <summary>Writes <see cref="NetInputs"/>; they are never read from a request.</summary>
internal sealed class NetInputsConverter : JsonConverter<NetInputs>
{
    public override NetInputs Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options) =>
        throw new NotSupportedException("Net inputs are only written.");

    public override void Write(Utf8JsonWriter writer, NetInputs value, JsonSerializerOptions options)
    {
        if (value.Single)
        {
            writer.WriteNumberValue(value.Values[0]);
            return;
        }

        writer.WriteStartArray();
        foreach (var z in value.Values)
        {
            writer.WriteNumberValue(z);
        }

        writer.WriteEndArray();
    }
}
