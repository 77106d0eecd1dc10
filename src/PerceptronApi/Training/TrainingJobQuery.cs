using System.Collections.Frozen;
using System.Collections.Immutable;
using System.Reflection;
using System.Globalization;
using Microsoft.AspNetCore.Mvc;
using PerceptronApi.Core.Model;
using PerceptronApi.Core.Training;
using PerceptronApi.Models;

namespace PerceptronApi.Training;

/// <summary>
/// The hyper-parameters as query parameters, for a <c>text/csv</c> body (which has no room for them). Each is read as
/// text and checked here, so a bad value is reported against its parameter's name.
/// </summary>
public sealed record TrainingJobQuery
{
    /// <summary>The learning rule, perceptron by default (the values are the schema's enum). Only with a text/csv body.</summary>
    [FromQuery(Name = "algorithm")]
    public string? Algorithm { get; init; }

    /// <summary>step (default) or sign. Only with a text/csv body.</summary>
    [FromQuery(Name = "activation")]
    public string? Activation { get; init; }

    /// <summary>θ. Only with a text/csv body.</summary>
    [FromQuery(Name = "threshold")]
    public string? Threshold { get; init; }

    /// <summary>η (default 0.1). Only with a text/csv body.</summary>
    [FromQuery(Name = "learningRate")]
    public string? LearningRate { get; init; }

    /// <summary>The epoch limit (default 100). Only with a text/csv body.</summary>
    [FromQuery(Name = "maxEpochs")]
    public string? MaxEpochs { get; init; }

    /// <summary>zeros (default) or random. Only with a text/csv body.</summary>
    [FromQuery(Name = "initialization")]
    public string? Initialization { get; init; }

    /// <summary>The starting bias (with initialWeights.weights). Only with a text/csv body.</summary>
    [FromQuery(Name = "initialWeights.bias")]
    public string? InitialBias { get; init; }

    /// <summary>The starting weights, comma-separated (with initialWeights.bias). Only with a text/csv body.</summary>
    [FromQuery(Name = "initialWeights.weights")]
    public string? InitialWeights { get; init; }

    /// <summary>true or false (default). Only with a text/csv body.</summary>
    [FromQuery(Name = "shuffle")]
    public string? Shuffle { get; init; }

    /// <summary>true or false (default): keep every sample step. Only with a text/csv body.</summary>
    [FromQuery(Name = "trace")]
    public string? Trace { get; init; }

    /// <summary>The seed. Only with a text/csv body.</summary>
    [FromQuery(Name = "seed")]
    public string? Seed { get; init; }

    /// <summary>ADALINE's loss tolerance. Only with a text/csv body.</summary>
    [FromQuery(Name = "tolerance")]
    public string? Tolerance { get; init; }

    /// <summary>The query parameter names this record reads.</summary>
    internal static FrozenSet<string> Names { get; } = typeof(TrainingJobQuery).GetProperties()
        .Select(property => property.GetCustomAttribute<FromQueryAttribute>()?.Name)
        .OfType<string>()
        .ToFrozenSet(StringComparer.OrdinalIgnoreCase);

    /// <summary>The request these parameters make (the CSV samples go beside it); errors are keyed by the parameter's name.</summary>
    internal TrainingJobRequest ToRequest(Dictionary<string, string[]> errors)
    {
        var request = new TrainingJobRequest
        {
            Algorithm = QueryValues.Enum<TrainingAlgorithm>("algorithm", Algorithm, errors),
            Activation = QueryValues.Enum<Activation>("activation", Activation, errors),
            Threshold = QueryValues.Number("threshold", Threshold, errors),
            LearningRate = QueryValues.Number("learningRate", LearningRate, errors),
            MaxEpochs = QueryValues.Integer("maxEpochs", MaxEpochs, errors),
            Initialization = QueryValues.Enum<WeightInitialization>("initialization", Initialization, errors),
            Shuffle = QueryValues.Boolean("shuffle", Shuffle, errors),
            Trace = QueryValues.Boolean("trace", Trace, errors),
            Seed = QueryValues.Integer("seed", Seed, errors),
            Tolerance = QueryValues.Number("tolerance", Tolerance, errors),
        };

        if (InitialBias is null != InitialWeights is null)
        {
            errors[InitialBias is null ? "initialWeights.bias" : "initialWeights.weights"] = ["is required with the other initialWeights parameter."];
        }
        else if (InitialBias is not null)
        {
            var bias = QueryValues.Number("initialWeights.bias", InitialBias, errors);
            var weights = InitialWeights!.Split(',').Select((text, i) => QueryValues.Number($"initialWeights.weights[{i}]", text, errors)).ToList();
            if (bias is not null && weights.All(w => w is not null))
            {
                request = request with { InitialWeights = new UnitDto(bias.Value, weights.Select(w => w!.Value).ToImmutableArray()) };
            }
        }

        return request;
    }
}

/// <summary>Reads query values as the contract's types, with messages in JSON terms.</summary>
internal static class QueryValues
{
    public static double? Number(string name, string? text, Dictionary<string, string[]> errors)
    {
        if (string.IsNullOrEmpty(text))
        {
            return null;
        }

        if (double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out var value) && double.IsFinite(value))
        {
            return value;
        }

        errors[name] = [$"must be a finite number (got \"{text}\")."];
        return null;
    }

    public static int? Integer(string name, string? text, Dictionary<string, string[]> errors)
    {
        if (string.IsNullOrEmpty(text))
        {
            return null;
        }

        if (int.TryParse(text, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var value))
        {
            return value;
        }

        errors[name] = [text.Contains(',', StringComparison.Ordinal)
            ? $"is given more than once (got \"{text}\")."
            : text.TrimStart('-').All(char.IsAsciiDigit) ? $"is too large (got \"{text}\")." : $"must be an integer (got \"{text}\")."];
        return null;
    }

    public static bool? Boolean(string name, string? text, Dictionary<string, string[]> errors)
    {
        if (string.IsNullOrEmpty(text))
        {
            return null;
        }

        if (bool.TryParse(text, out var value))
        {
            return value;
        }

        errors[name] = [$"must be true or false (got \"{text}\")."];
        return null;
    }

    public static TEnum? Enum<TEnum>(string name, string? text, Dictionary<string, string[]> errors)
        where TEnum : struct, Enum
    {
        if (string.IsNullOrEmpty(text))
        {
            return null;
        }

        // Enum.TryParse also takes "1" or "Step, Sign"; the contract's values are single lower-case names.
        if (text.All(char.IsLetter) && System.Enum.TryParse<TEnum>(text, ignoreCase: true, out var value))
        {
            return value;
        }

        errors[name] = [$"must be one of {string.Join(", ", System.Enum.GetNames<TEnum>().Select(n => $"\"{char.ToLowerInvariant(n[0])}{n[1..]}\""))} (got \"{text}\")."];
        return null;
    }
}
