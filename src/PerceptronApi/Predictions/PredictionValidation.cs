using System.ComponentModel.DataAnnotations;

namespace PerceptronApi.Predictions;

/// <summary>
/// The checks a prediction request's shape must pass before any model is built: which model is given, that rows are
/// arrays of one width. Checks that need the model (its width, its label set) or the limits come later, in
/// <see cref="PredictionPlanner"/>. Keys are JSON paths so clients can point at the field.
/// </summary>
internal static class PredictionValidation
{
    private const string OneModel = "Give exactly one model: \"gate\", \"bias\" with \"weights\", or \"layers\".";

    /// <summary>
    /// The shape errors of <paramref name="request"/> keyed by field, as the framework's validation reports them; null
    /// when there are none.
    /// </summary>
    public static Dictionary<string, string[]>? Errors(PredictRequest request)
    {
        Dictionary<string, string[]>? errors = null;
        foreach (var result in ValidateShape(request))
        {
            foreach (var member in result.MemberNames)
            {
                errors ??= [];
                errors[member] = errors.TryGetValue(member, out var messages) ? [.. messages, result.ErrorMessage!] : [result.ErrorMessage!];
            }
        }

        return errors;
    }

    public static IEnumerable<ValidationResult> ValidateShape(PredictRequest request, bool requireModel = true)
    {
        if (requireModel)
        {
            foreach (var result in ValidateModel(request))
            {
                yield return result;
            }
        }

        if (request.Inputs is { } inputs)
        {
            if (inputs.Count == 0)
            {
                yield return Error("inputs", "must have at least one row.");
            }

            for (var i = 0; i < inputs.Count; i++)
            {
                if (inputs[i] is null)
                {
                    yield return Error($"inputs[{i}]", "must be an array of numbers.");
                }
                else if (inputs[0] is { } first && inputs[i].Count != first.Count)
                {
                    yield return Error($"inputs[{i}]", $"has {inputs[i].Count} values; inputs[0] has {first.Count}. Every row needs the same width.");
                }
                else if (inputs[i].Count == 0)
                {
                    yield return Error($"inputs[{i}]", "must have at least one value.");
                }
            }
        }

        if (request.Expected is not null && request.Target is not null)
        {
            yield return Error("target", "Give either \"expected\" or \"target\", not both.");
        }
    }

    private static IEnumerable<ValidationResult> ValidateModel(PredictRequest request)
    {
        var givesUnit = request.Bias is not null || request.Weights is not null;
        var models = (request.Gate is not null ? 1 : 0) + (givesUnit ? 1 : 0) + (request.Layers is not null ? 1 : 0);
        if (models == 0)
        {
            yield return new ValidationResult(OneModel, ["gate", "weights", "layers"]);
            yield break;
        }

        if (models > 1)
        {
            // The names are listed only for the error: a valid request allocates no list.
            var given = new List<string>(3);
            if (request.Gate is not null)
            {
                given.Add("gate");
            }

            if (givesUnit)
            {
                given.Add(request.Weights is not null ? "weights" : "bias");
            }

            if (request.Layers is not null)
            {
                given.Add("layers");
            }

            yield return new ValidationResult($"{OneModel} Got {string.Join(" and ", given.Select(name => $"\"{name}\""))}.", given);
            yield break;
        }

        if (request.Gate is not null && (request.Activation is not null || request.Threshold is not null))
        {
            yield return Error(request.Activation is not null ? "activation" : "threshold", "A gate fixes its activation (step, θ 0.5): leave \"activation\" and \"threshold\" out, or give \"bias\" and \"weights\" instead.");
        }

        if (givesUnit)
        {
            if (request.Bias is null)
            {
                yield return Error("bias", "is required with \"weights\".");
            }

            if (request.Weights is null)
            {
                yield return Error("weights", "is required with \"bias\".");
            }
            else if (request.Weights.Count == 0)
            {
                yield return Error("weights", "must have at least one weight.");
            }
        }

        if (request.Layers is { } layers)
        {
            if (layers.Count == 0)
            {
                yield return Error("layers", "must have at least one layer.");
            }

            for (var l = 0; l < layers.Count; l++)
            {
                if (layers[l] is not { Count: > 0 } layer)
                {
                    yield return Error($"layers[{l}]", "must be an array of at least one unit.");
                    continue;
                }

                for (var u = 0; u < layer.Count; u++)
                {
                    if (layer[u] is null)
                    {
                        yield return Error($"layers[{l}][{u}]", "must be a unit: { \"bias\": number, \"weights\": [numbers] }.");
                    }
                    else if (layer[u].Weights is not { Count: > 0 })
                    {
                        yield return Error($"layers[{l}][{u}].weights", "must have at least one weight.");
                    }
                }
            }
        }

        if (request.Threshold is not null && request.Activation is Core.Model.Activation.Linear or Core.Model.Activation.Sigmoid)
        {
            yield return Error("threshold", $"The {request.Activation.ToString()!.ToLowerInvariant()} activation takes no threshold.");
        }
    }

    private static ValidationResult Error(string field, string message) => new(message, [field]);
}
