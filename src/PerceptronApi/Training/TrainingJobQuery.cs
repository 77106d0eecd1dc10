using System.Collections.Frozen;
using System.Collections.Immutable;
using System.Reflection;
using System.Globalization;
using System.Text.Json;
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

    /// <summary>The starting weights, comma-separated, e.g. 0.7,-0.2 (with initialWeights.bias). Only with a text/csv body.</summary>
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

    /// <summary>ADALINE and backpropagation: stop once the loss falls by less than this in an epoch. Only with a text/csv body.</summary>
    [FromQuery(Name = "tolerance")]
    public string? Tolerance { get; init; }

    /// <summary>Perceptron and pocket: true (default) or false, whether a repeated end-of-epoch state stops the run. Only with a text/csv body.</summary>
    [FromQuery(Name = "stopOnCycle")]
    public string? StopOnCycle { get; init; }

    /// <summary>Backpropagation: the hidden layers' sizes, comma-separated, e.g. 2 or 3,2. Only with a text/csv body.</summary>
    [FromQuery(Name = "hiddenLayers")]
    public string? HiddenLayers { get; init; }

    /// <summary>
    /// Backpropagation: the starting network as the JSON of "initialLayers" (URL-encoded), e.g.
    /// [[{"bias":0.1,"weights":[0.2,-0.3]}],[{"bias":0,"weights":[0.5]}]]. Only with a text/csv body.
    /// </summary>
    [FromQuery(Name = "initialLayers")]
    public string? InitialLayers { get; init; }

    /// <summary>Backpropagation: stop at the first epoch whose loss is at most this. Only with a text/csv body.</summary>
    [FromQuery(Name = "targetLoss")]
    public string? TargetLoss { get; init; }

    /// <summary>The query parameter names this record reads.</summary>
    internal static FrozenSet<string> Names { get; } = typeof(TrainingJobQuery).GetProperties()
        .Select(property => property.GetCustomAttribute<FromQueryAttribute>()?.Name)
        .OfType<string>()
        .ToFrozenSet(StringComparer.OrdinalIgnoreCase);

    /// <summary>The request these parameters make (the CSV samples go beside it); errors are keyed by the parameter's name.</summary>
    internal TrainingJobRequest ToRequest(JsonSerializerOptions json, Dictionary<string, string[]> errors)
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
            StopOnCycle = QueryValues.Boolean("stopOnCycle", StopOnCycle, errors),
            HiddenLayers = QueryValues.List("hiddenLayers", HiddenLayers, errors, QueryValues.Integer),
            InitialLayers = QueryValues.Json<IReadOnlyList<IReadOnlyList<UnitDto>>>("initialLayers", InitialLayers, json, errors),
            TargetLoss = QueryValues.Number("targetLoss", TargetLoss, errors),
        };

        // An empty value counts as left out, as for every other parameter: one half alone is an error, not ignored.
        if (string.IsNullOrEmpty(InitialBias) != string.IsNullOrEmpty(InitialWeights))
        {
            errors[string.IsNullOrEmpty(InitialBias) ? "initialWeights.bias" : "initialWeights.weights"] = ["is required with the other initialWeights parameter."];
        }
        else if (!string.IsNullOrEmpty(InitialBias))
        {
            var bias = QueryValues.Number("initialWeights.bias", InitialBias, errors);
            var weights = QueryValues.List("initialWeights.weights", InitialWeights, errors, QueryValues.Number);
            if (bias is not null && weights is not null)
            {
                request = request with { InitialWeights = new UnitDto(bias.Value, weights.ToImmutableArray()) };
            }
        }

        // The checks of the JSON body's shape that the query's types leave open (a unit of initialLayers without weights).
        foreach (var problem in request.ShapeProblems())
        {
            foreach (var member in problem.MemberNames)
            {
                errors.TryAdd(member, [problem.ErrorMessage ?? "is invalid."]);
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

    /// <summary>
    /// A whole number in digits too large for an int: an epoch past any a job can reach (maxEpochs is an int), so a
    /// route asking for it finds nothing there rather than a malformed request.
    /// </summary>
    public static bool IsBeyondAnyEpoch(string? text) =>
        !string.IsNullOrEmpty(text) && text.All(char.IsAsciiDigit) && !int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out _);

    /// <summary>Comma-separated values (a repeated parameter arrives joined the same way); each is named by its index.</summary>
    public static List<T>? List<T>(string name, string? text, Dictionary<string, string[]> errors, Func<string, string?, Dictionary<string, string[]>, T?> item)
        where T : struct
    {
        if (string.IsNullOrEmpty(text))
        {
            return null;
        }

        var items = text.Split(',');
        var values = new List<T>(items.Length);
        for (var i = 0; i < items.Length; i++)
        {
            if (items[i].Length == 0)
            {
                errors[$"{name}[{i}]"] = ["is empty: separate the values with single commas."];
            }
            else if (item($"{name}[{i}]", items[i], errors) is { } value)
            {
                values.Add(value);
            }
        }

        return values.Count == items.Length ? values : null;
    }

    /// <summary>A value too nested for a query's text, given as JSON and read as the body's field of that name would be.</summary>
    public static T? Json<T>(string name, string? text, JsonSerializerOptions json, Dictionary<string, string[]> errors)
        where T : class
    {
        if (string.IsNullOrEmpty(text))
        {
            return null;
        }

        T? value;
        try
        {
            value = JsonSerializer.Deserialize<T>(text, json);
        }
        catch (JsonException exception)
        {
            var (field, message) = Infrastructure.JsonErrorMessages.Describe(exception);
            errors[field == "$" ? name : field.StartsWith('[') ? name + field : $"{name}.{field}"] = [message];
            return null;
        }

        if (value is null)
        {
            errors[name] = ["must not be null."];
        }

        return value;
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
