using System.Collections.Immutable;
using System.Security.Cryptography;
using PerceptronApi.Core.Gates;
using PerceptronApi.Core.Model;
using PerceptronApi.Core.Training;

namespace PerceptronApi.Training;

/// <summary>A checked training request: the data, the core's options and the parameters the job reports.</summary>
internal sealed record TrainingPlan(TrainingSet Data, TrainingOptions Options, JobParameters Parameters);

/// <summary>
/// Turns a request whose shape is valid into a <see cref="TrainingPlan"/>: resolves the gate, fills in defaults,
/// draws a seed when randomness is asked for without one, and checks the service's limits and the core's rules.
/// </summary>
internal static class TrainingRequestPlanner
{
    public static TrainingPlan? TryPlan(TrainingJobRequest request, TrainingJobOptions limits, Dictionary<string, string[]> errors)
    {
        IReadOnlyList<IReadOnlyList<double>> rows;
        IReadOnlyList<double> labels;
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
            labels = [.. gate.TruthTableOutputs.Select(output => activation == Activation.Sign && output == 0 ? -1.0 : output)];
        }
        else
        {
            rows = request.Inputs!;
            labels = request.Labels!;
        }

        var maxEpochs = request.MaxEpochs ?? TrainingOptions.DefaultMaxEpochs;
        var features = rows.Count > 0 && rows[0] is { } first ? first.Count : 0;
        CheckLimits(rows.Count, features, maxEpochs, limits, errors);
        if (errors.Count > 0)
        {
            return null;
        }

        var options = new TrainingOptions
        {
            Algorithm = request.Algorithm ?? TrainingAlgorithm.Perceptron,
            Activation = activation,
            Threshold = request.Threshold,
            LearningRate = request.LearningRate ?? TrainingOptions.DefaultLearningRate,
            MaxEpochs = maxEpochs,
            Initialization = request.Initialization ?? WeightInitialization.Zeros,
            InitialWeights = request.InitialWeights is { } initial ? new Perceptron(initial.Bias, initial.Weights.ToImmutableArray()) : null,
            Shuffle = request.Shuffle ?? false,
            Seed = request.Seed,
            Tolerance = request.Tolerance,

            // The request has no stopOnCycle field yet: runs go on to maxEpochs as they always did.
            StopOnCycle = false,
        };

        // The job reports its seed from the start, so any run can be repeated.
        if (options.UsesRandomness && options.Seed is null)
        {
            options = options with { Seed = RandomNumberGenerator.GetInt32(int.MaxValue) };
        }

        foreach (var issue in Trainer.Validate(rows, labels, options))
        {
            errors[issue.Field] = [issue.Message.EndsWith('.') ? issue.Message : issue.Message + "."];
        }

        if (errors.Count > 0)
        {
            return null;
        }

        var data = new TrainingSet(Matrix.FromRows(rows), [.. labels]);
        var parameters = new JobParameters(
            options.Algorithm,
            options.Activation,
            ActivationFunction.Create(options.Activation, options.Threshold).Threshold!.Value,
            options.LearningRate,
            options.MaxEpochs,
            options.Initialization,
            options.Shuffle,
            options.Seed,
            data.Samples,
            data.Features,
            gateName,
            options.Tolerance,
            request.InitialWeights);
        return new TrainingPlan(data, options, parameters);
    }

    private static void CheckLimits(int samples, int features, int maxEpochs, TrainingJobOptions limits, Dictionary<string, string[]> errors)
    {
        if (samples > limits.MaxSamples)
        {
            errors["inputs"] = [$"has {samples} samples; the limit is {limits.MaxSamples} (Training:MaxSamples)."];
        }

        if (features > limits.MaxFeatures)
        {
            errors["inputs[0]"] = [$"has {features} features; the limit is {limits.MaxFeatures} (Training:MaxFeatures)."];
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
        else if (maxEpochs > 0 && (maxEpochs + 1L) * (features + 1L) > limits.MaxHistoryValues)
        {
            errors["maxEpochs"] = [$"is {maxEpochs}: with {features} features the history would hold {(maxEpochs + 1L) * (features + 1L)} numbers; the limit is {limits.MaxHistoryValues} (Training:MaxHistoryValues)."];
        }

        if (errors.Count == 0 && maxEpochs > 0 && (long)samples * features * maxEpochs is var work && work > limits.MaxWork)
        {
            errors["maxEpochs"] = [$"is {maxEpochs}: {samples} samples × {features} features × {maxEpochs} epochs = {work} exceeds the limit of {limits.MaxWork} (Training:MaxWork)."];
        }
    }
}
