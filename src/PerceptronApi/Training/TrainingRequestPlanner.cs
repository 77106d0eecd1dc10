using System.Collections.Immutable;
using System.Security.Cryptography;
using PerceptronApi.Core.Classes;
using PerceptronApi.Core.Gates;
using PerceptronApi.Core.Model;
using PerceptronApi.Core.Training;
using PerceptronApi.Models;

namespace PerceptronApi.Training;

/// <summary>A checked training request: the data, the core's options and the parameters the job reports.</summary>
/// <param name="Data">The samples, with labels in the run's label set (a classes job: of its first binary problem).</param>
/// <param name="Options">The core's options.</param>
/// <param name="Parameters">What the job reports.</param>
/// <param name="Classes">A classes job's classes and each sample's class; null for a binary job.</param>
internal sealed record TrainingPlan(TrainingSet Data, TrainingOptions Options, JobParameters Parameters, ClassAssignment? Classes = null);

/// <summary>
/// Turns a request whose shape is valid into a <see cref="TrainingPlan"/>: resolves the gate, fills in defaults,
/// draws a seed when randomness is asked for without one, and checks the service's limits and the core's rules.
/// </summary>
internal static class TrainingRequestPlanner
{
    /// <param name="request">The hyper-parameters, and for a JSON body the samples.</param>
    /// <param name="limits">The service's limits.</param>
    /// <param name="errors">Where problems are added.</param>
    /// <param name="csv">A CSV body's samples, already in one row-major block (the request then holds none).</param>
    public static TrainingPlan? TryPlan(TrainingJobRequest request, TrainingJobOptions limits, Dictionary<string, string[]> errors, CsvTrainingData.Parsed? csv = null)
    {
        IReadOnlyList<IReadOnlyList<double>> rows = [];
        IReadOnlyList<ClassLabel> given;
        string? gateName = null;
        var activation = request.Activation ?? Activation.Step;
        if (request.Gate is { } name)
        {
            if (!GateCatalogue.TryGet(name, out var gate))
            {
                errors["gate"] = [Predictions.PredictionPlanner.UnknownGate(name)];
                return null;
            }

            gateName = gate.Name;
            var inputs = gate.TruthTableInputs;
            rows = [.. Enumerable.Range(0, inputs.Rows).Select(r => (IReadOnlyList<double>)inputs.Row(r).ToArray())];

            // A gate's outputs are 0/1; with the sign activation the labels are −1/1.
            given = [.. gate.TruthTableOutputs.Select(output => ClassLabel.Of(activation == Activation.Sign && output == 0 ? -1.0 : output))];
        }
        else if (csv is not null)
        {
            given = csv.Labels;
        }
        else
        {
            rows = request.Inputs!;
            given = request.Labels!;
        }

        // Every field left out takes the core's default for the algorithm (a network learns with other defaults).
        var defaults = TrainingOptions.Defaults(request.Algorithm ?? TrainingAlgorithm.Perceptron);
        var maxEpochs = request.MaxEpochs ?? defaults.MaxEpochs;
        var samples = csv?.Rows ?? rows.Count;
        var features = csv?.Columns ?? (rows.Count > 0 && rows[0] is { } first ? first.Count : 0);
        var shape = NetworkShape.Of(request, features);
        // Problems are named where the request put them: a JSON path, or a CSV line and column.
        Func<IssueLocation, string> keyOf = csv is null ? location => location.Path : csv.KeyOf;
        CheckLimits(samples, features, maxEpochs, shape, limits, keyOf, errors);
        if (request.Trace == true && (long)samples * maxEpochs is var steps && steps > limits.MaxTraceSteps)
        {
            errors["trace"] = [$"would keep {samples} samples × {maxEpochs} epochs = {steps} steps; the limit is {limits.MaxTraceSteps} (Training:MaxTraceSteps). Ask for fewer epochs or send fewer samples."];
        }

        if (errors.Count > 0)
        {
            return null;
        }

        var options = defaults with
        {
            Activation = activation,
            Threshold = request.Threshold,
            LearningRate = request.LearningRate ?? defaults.LearningRate,
            MaxEpochs = maxEpochs,
            Initialization = request.Initialization ?? defaults.Initialization,
            InitialWeights = request.InitialWeights is { } initial ? new Perceptron(initial.Bias, initial.Weights.ToImmutableArray()) : null,
            Shuffle = request.Shuffle ?? defaults.Shuffle,
            Seed = request.Seed,
            Tolerance = request.Tolerance,
            StopOnCycle = request.StopOnCycle ?? defaults.StopOnCycle,
            HiddenLayers = request.HiddenLayers is { } hidden ? [.. hidden] : defaults.HiddenLayers,
            InitialLayers = request.InitialLayers is { } layers ? ModelMapping.FromLayers(layers) : null,
            TargetLoss = request.TargetLoss,
            Trace = request.Trace ?? false,
        };

        // The job reports its seed from the start, so any run can be repeated.
        if (options.UsesRandomness && options.Seed is null)
        {
            options = options with { Seed = RandomNumberGenerator.GetInt32(int.MaxValue) };
        }

        // Labels in the run's label set make a binary job; other numbers or names, a classes job over them.
        var issues = new List<ValidationIssue>();
        // (An activation that cannot train has no label set: its own issue says so.)
        var classes = options.LabelSet is null ? null : ClassAssignment.Resolve(given, options, issues);
        double[] labels = classes is null ? new double[given.Count] : classes.IsBinary ? [.. classes.BinaryLabels] : [.. classes.LabelsFor(classes.Classes.Length == 2 ? 1 : 0, options)];
        TrainingSet? data = null;
        if (classes is not null || options.LabelSet is null)
        {
            // Samples as JSON gave them are checked row by row, then copied into one block; CSV samples are in it already.
            if (csv is null)
            {
                issues.AddRange(Trainer.Validate(rows, labels, options));
            }
            else
            {
                data = RowMajorSamples.TryCreate(csv.Values, csv.Columns, labels, options, issues);
            }
        }

        if (options.Trace && classes is { IsOneVsRest: true } && !issues.Exists(issue => issue.Field == "trace"))
        {
            issues.Add(new("trace", $"applies to a single unit's steps: binary labels or two classes; these labels make {classes.Classes.Length} classes, trained one-vs-rest. Leave \"trace\" out, or train one class against the rest yourself"));
        }

        foreach (var issue in issues)
        {
            var message = issue.MessageNaming(keyOf);
            errors[keyOf(issue.Location)] = [message.EndsWith('.') ? message : message + "."];
        }

        if (errors.Count > 0)
        {
            return null;
        }

        data ??= new TrainingSet(Matrix.FromRows(rows), [.. labels]);
        var network = options.Algorithm == TrainingAlgorithm.Backpropagation;
        var parameters = new JobParameters(
            options.Algorithm,
            network ? Activation.Sigmoid : options.Activation,

            // A sigmoid has no θ (its class is "output >= 0.5", fixed): null, as predicting with the network answers.
            network ? null : ActivationFunction.Create(options.Activation, options.Threshold).Threshold!.Value,
            options.LearningRate,
            options.MaxEpochs,

            // Given starting weights replace the initialization scheme: it did not run, so it is not reported.
            options.InitialWeights is null && options.InitialLayers is null ? options.Initialization : null,
            options.Shuffle,
            options.Seed,
            data.Samples,
            data.Features,
            gateName,
            options.Tolerance,
            request.InitialWeights,
            network ? shape!.HiddenLayers : null,
            options.TargetLoss,

            // Echoed where the rule has them, so the job says what ran (cycles: perceptron and pocket; traces: the
            // per-sample rules).
            options.Algorithm is TrainingAlgorithm.Perceptron or TrainingAlgorithm.Pocket ? options.StopOnCycle && !options.Shuffle : null,
            classes!.IsBinary ? null : classes.Classes,
            options.Algorithm is TrainingAlgorithm.Perceptron or TrainingAlgorithm.Pocket or TrainingAlgorithm.Averaged ? options.Trace : null,
            request.InitialLayers);
        return new TrainingPlan(data, options, parameters, classes.IsBinary ? null : classes);
    }

    private static void CheckLimits(int samples, int features, int maxEpochs, NetworkShape? shape, TrainingJobOptions limits, Func<IssueLocation, string> keyOf, Dictionary<string, string[]> errors)
    {
        // A record holds every bias and weight of the model; one epoch touches each of them once per sample.
        var values = shape?.Values ?? (features + 1L);
        if (samples > limits.MaxSamples)
        {
            errors[keyOf(new("inputs"))] = [$"has {samples} samples; the limit is {limits.MaxSamples} (Training:MaxSamples)."];
        }

        if (features > limits.MaxFeatures)
        {
            errors[keyOf(IssueLocation.Input(0))] = [$"has {features} features; the limit is {limits.MaxFeatures} (Training:MaxFeatures)."];
        }

        if (maxEpochs < 1)
        {
            errors["maxEpochs"] = [$"must be between 1 and {limits.MaxEpochs} (Training:MaxEpochs); got {maxEpochs}."];
        }
        else if (maxEpochs > limits.MaxEpochs)
        {
            errors["maxEpochs"] = [$"is {maxEpochs}; the limit is {limits.MaxEpochs} (Training:MaxEpochs)."];
        }
        else if (maxEpochs + 1L > limits.MaxHistoryRecords)
        {
            errors["maxEpochs"] = [$"is {maxEpochs}: its {maxEpochs + 1L} history records exceed the limit of {limits.MaxHistoryRecords} (Training:MaxHistoryRecords)."];
        }
        else if (maxEpochs > 0 && (maxEpochs + 1L) * values > limits.MaxHistoryValues)
        {
            var what = shape is null ? $"{features} features" : $"a network of {values} biases and weights";
            errors["maxEpochs"] = [$"is {maxEpochs}: with {what} the history would hold {(maxEpochs + 1L) * values} numbers; the limit is {limits.MaxHistoryValues} (Training:MaxHistoryValues)."];
        }

        if (errors.Count == 0 && maxEpochs > 0 && shape is null && (long)samples * features * maxEpochs is var work && work > limits.MaxWork)
        {
            errors["maxEpochs"] = [$"is {maxEpochs}: {samples} samples × {features} features × {maxEpochs} epochs = {work} exceeds the limit of {limits.MaxWork} (Training:MaxWork)."];
        }
        else if (errors.Count == 0 && maxEpochs > 0 && shape is not null && samples * shape.Values * maxEpochs is var networkWork && networkWork > limits.MaxWork)
        {
            errors["maxEpochs"] = [$"is {maxEpochs}: {samples} samples × {shape.Values} biases and weights × {maxEpochs} epochs = {networkWork} exceeds the limit of {limits.MaxWork} (Training:MaxWork)."];
        }
    }
}
