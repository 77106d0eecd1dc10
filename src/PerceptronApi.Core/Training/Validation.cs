using System.Runtime.CompilerServices;
using System.Globalization;
using System.Runtime.Intrinsics;
using PerceptronApi.Core.Model;
using PerceptronApi.Core.Training.Rules;

namespace PerceptronApi.Core.Training;

/// <summary>
/// The checks behind <see cref="Trainer.Validate(TrainingSet, TrainingOptions)"/>; every message speaks JSON, and a
/// problem with one sample carries its index (and the value's) as an <see cref="IssueLocation"/> for the host to render.
/// </summary>
internal static class Validation
{
    /// <summary>At most this many issues are listed per repeated field (rows, labels), so a huge bad request gives a short answer.</summary>
    internal const int MaxIssuesPerField = 10;

    internal static string Format(double value) => value switch
    {
        double.NaN => "NaN",
        double.PositiveInfinity => "Infinity",
        double.NegativeInfinity => "-Infinity",
        _ => value.ToString("R", CultureInfo.InvariantCulture),
    };

    internal static string Name(Activation activation) => EnumNames.Of(activation);

    internal static string Name(TrainingAlgorithm algorithm) => EnumNames.Of(algorithm);

    internal static void CheckOptions(TrainingOptions options, List<ValidationIssue> issues)
    {
        if (!Enum.IsDefined(options.Algorithm))
        {
            issues.Add(new("algorithm", $"must be {EnumNames.List<TrainingAlgorithm>()} (got {(int)options.Algorithm})"));
        }

        if (options.Rule is { TrainsNetwork: true })
        {
            // A network's own rules cover its activation and threshold too.
            NetworkValidation.CheckOptions(options, issues);
        }
        else
        {
            NetworkValidation.CheckNetworkFieldsAbsent(options, issues);
            if (options.Activation is Activation.Linear or Activation.Sigmoid)
            {
                issues.Add(new("activation", $"must be step or sign to train; {Name(options.Activation)} is for prediction only"));
            }
            else if (!Enum.IsDefined(options.Activation))
            {
                issues.Add(new("activation", $"must be step or sign (got {(int)options.Activation})"));
            }
        }

        if (options.Threshold is { } threshold && !double.IsFinite(threshold))
        {
            issues.Add(new("threshold", $"must be a finite number (got {Format(threshold)})"));
        }

        if (!double.IsFinite(options.LearningRate) || options.LearningRate <= 0)
        {
            issues.Add(new("learningRate", $"must be a finite number greater than 0 (got {Format(options.LearningRate)})"));
        }

        if (options.MaxEpochs is < 1 or > TrainingOptions.MaxEpochsLimit)
        {
            issues.Add(new("maxEpochs", $"must be between 1 and {TrainingOptions.MaxEpochsLimit} (got {options.MaxEpochs})"));
        }

        if (!Enum.IsDefined(options.Initialization))
        {
            issues.Add(new("initialization", $"must be zeros or random (got {(int)options.Initialization})"));
        }

        if (options.Tolerance is { } tolerance)
        {
            if (options.Rule is not { TakesTolerance: true })
            {
                issues.Add(new("tolerance", $"applies only to the {TrainingRule.Names(rule => rule.TakesTolerance)} algorithms; leave it out for {Name(options.Algorithm)} (got {Format(tolerance)})"));
            }
            else if (!double.IsFinite(tolerance) || tolerance < 0)
            {
                issues.Add(new("tolerance", $"must be a finite number of at least 0 (got {Format(tolerance)})"));
            }
        }

        if (options.Seed is < 0)
        {
            issues.Add(new("seed", $"must be an integer of at least 0 (got {options.Seed})"));
        }

        if (options.Trace && options.Rule is not { StepsPerSample: true })
        {
            issues.Add(new("trace", $"applies only to the {TrainingRule.Names(rule => rule.StepsPerSample)} algorithms, whose steps are per sample; leave it out for {Name(options.Algorithm)}"));
        }
    }

    internal static void CheckData(TrainingSet data, TrainingOptions options, List<ValidationIssue> issues)
    {
        var inputs = data.Inputs;
        if (inputs is null || inputs.Rows == 0)
        {
            issues.Add(new("inputs", "must contain at least one sample"));
        }
        else if (inputs.Columns == 0)
        {
            issues.Add(new(IssueLocation.Input(0), "must contain at least one value"));
        }
        else
        {
            CheckFinite(inputs, issues);
        }

        var rows = inputs?.Rows ?? 0;
        var labels = data.Labels.IsDefault ? [] : data.Labels.AsSpan();
        CheckLabels(labels, rows, options, issues);

        CheckInitialWidth(inputs is { Rows: > 0 } ? inputs.Columns : 0, options, issues);
    }

    /// <summary>Whether the starting weights or layers read as many inputs as the samples have columns.</summary>
    internal static void CheckInitialWidth(int columns, TrainingOptions options, List<ValidationIssue> issues)
    {
        if (columns == 0)
        {
            return;
        }

        if (options.InitialWeights is { } initial && initial.InputWidth != columns)
        {
            issues.Add(new("initialWeights.weights", $"must have {columns} values, one per input column (got {initial.InputWidth})"));
        }

        if (options.Rule is { TrainsNetwork: true })
        {
            NetworkValidation.CheckInitialWidth(columns, options, issues);
        }
    }

    internal static void CheckRows(IReadOnlyList<IReadOnlyList<double>> inputs, List<ValidationIssue> issues)
    {
        if (inputs.Count == 0)
        {
            issues.Add(new("inputs", "must contain at least one sample"));
            return;
        }

        var width = inputs[0]?.Count ?? 0;
        if (width == 0)
        {
            issues.Add(new(IssueLocation.Input(0), "must contain at least one value"));
            return;
        }

        var listed = 0;
        for (var i = 0; i < inputs.Count && listed < MaxIssuesPerField; i++)
        {
            var row = inputs[i];
            if (row is null || row.Count != width)
            {
                issues.Add(new(IssueLocation.Input(i), $"must have {width} values like inputs[0] (got {row?.Count ?? 0})"));
                listed++;
                continue;
            }

            for (var j = 0; j < width; j++)
            {
                if (!double.IsFinite(row[j]))
                {
                    issues.Add(new(IssueLocation.Input(i, j), $"must contain only finite numbers (inputs[{i}][{j}] is {Format(row[j])})"));
                    listed++;
                    break;
                }
            }
        }
    }

    internal static void CheckLabels(ReadOnlySpan<double> labels, int rows, TrainingOptions options, List<ValidationIssue> issues)
    {
        if (labels.Length != rows)
        {
            issues.Add(new("labels", $"must have one label per input row: {rows} rows, {labels.Length} labels"));
        }

        if (options.LabelSet is not { } labelSet)
        {
            return; // the activation issue says it all; its label set is not a training one.
        }

        var (negative, positive) = labelSet;
        var listed = 0;
        for (var i = 0; i < labels.Length && listed < MaxIssuesPerField; i++)
        {
            if (labels[i] != negative && labels[i] != positive)
            {
                var owner = options.Rule is { TrainsNetwork: true } ? "backpropagation's sigmoid output" : $"the {Name(options.Activation)} activation";
                issues.Add(new(IssueLocation.Label(i), $"must be {Format(negative)} or {Format(positive)} for {owner} (got {Format(labels[i])})"));
                listed++;
            }
        }
    }

    private static void CheckFinite(Matrix inputs, List<ValidationIssue> issues)
    {
        var data = inputs.Data;
        if (AllFinite(data))
        {
            return;
        }

        var columns = inputs.Columns;
        var listed = 0;
        for (var i = 0; i < inputs.Rows && listed < MaxIssuesPerField; i++)
        {
            var row = data.Slice(i * columns, columns);
            for (var j = 0; j < row.Length; j++)
            {
                if (!double.IsFinite(row[j]))
                {
                    issues.Add(new(IssueLocation.Input(i, j), $"must contain only finite numbers (inputs[{i}][{j}] is {Format(row[j])})"));
                    listed++;
                    break;
                }
            }
        }
    }

    /// <summary>Whether every value is finite: a vectorized first look (x − x is 0 exactly for finite x, NaN otherwise).</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static bool AllFinite(ReadOnlySpan<double> values)
    {
        var i = 0;
        var bad = Vector256<double>.Zero;
        for (; i + (4 * Vector256<double>.Count) <= values.Length; i += 4 * Vector256<double>.Count)
        {
            var a = Vector256.Create(values.Slice(i, Vector256<double>.Count));
            var b = Vector256.Create(values.Slice(i + Vector256<double>.Count, Vector256<double>.Count));
            var c = Vector256.Create(values.Slice(i + (2 * Vector256<double>.Count), Vector256<double>.Count));
            var d = Vector256.Create(values.Slice(i + (3 * Vector256<double>.Count), Vector256<double>.Count));
            bad |= ~Vector256.Equals((a - a) + (b - b), Vector256<double>.Zero) | ~Vector256.Equals((c - c) + (d - d), Vector256<double>.Zero);
        }

        if (bad != Vector256<double>.Zero)
        {
            return false;
        }

        for (; i < values.Length; i++)
        {
            if (!double.IsFinite(values[i]))
            {
                return false;
            }
        }

        return true;
    }
}
