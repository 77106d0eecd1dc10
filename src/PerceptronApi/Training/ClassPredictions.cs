using System.Collections.Immutable;
using PerceptronApi.Core.Classes;
using PerceptronApi.Core.Model;
using PerceptronApi.Infrastructure;
using PerceptronApi.Models;
using PerceptronApi.Predictions;

namespace PerceptronApi.Training;

/// <summary>A checked prediction with a classes job's model: the rows, the expected classes, and what it costs.</summary>
/// <param name="Rows">The rows, planned as for one unit (their width, the default truth table, the limits).</param>
/// <param name="Classes">The job's classes.</param>
/// <param name="Expected">Each row's expected class index, when labels were given.</param>
/// <param name="Network">Two classes: the trained unit or network.</param>
/// <param name="Classifier">One-vs-rest: every class's unit.</param>
/// <param name="Work">Every unit's weights and biases, per row.</param>
internal sealed record ClassPredictionPlan(PredictionPlan Rows, ImmutableArray<ClassLabel> Classes, int[]? Expected, Network? Network, Classifier? Classifier, long Work);

/// <summary>
/// Predicting with a classes job (API.md §4.1): each row's net input(s) and the class they decide — two classes by the
/// unit's (or network's) own decision, classes[1] when positive; one-vs-rest by the largest net input, the first on a tie.
/// </summary>
internal static class ClassPredictions
{
    public static ClassPredictionPlan? Plan(JobParameters parameters, JobResult result, JobPredictRequest? request, LimitsOptions limits, Dictionary<string, string[]> errors)
    {
        ImmutableArray<ClassLabel> classes = [.. parameters.Classes!];
        // A network's units are sigmoid units; a perceptron's activation and θ are the job's.
        var activation = parameters.Activation == Activation.Sigmoid ? ActivationFunction.Create(Activation.Sigmoid) : ActivationFunction.Create(parameters.Activation, parameters.Threshold);
        Network? network = null;
        Classifier? classifier = null;
        if (result.Units is { } units)
        {
            classifier = new Classifier(classes, [.. units.Select(unit => new Perceptron(unit.Bias, unit.Weights))], activation);
        }
        else
        {
            network = result.Layers is { } layers
                ? new Network(ModelMapping.FromLayers(layers), activation)
                : new Network(new Perceptron(result.Bias!.Value, result.Weights!.Value), activation);
        }

        if (request?.Target is not null)
        {
            errors["target"] = [$"names a gate, whose outputs are 0 and 1; this job predicts its classes ({string.Join(", ", classes)}). Give the expected classes in \"expected\" instead."];
            return null;
        }

        // The rows are read and limited as for one unit; one-vs-rest runs every class's unit on each of them.
        var rows = PredictionPlanner.Plan(network ?? new Network(classifier!.Units[0], activation), new PredictInputsRequest { Inputs = request?.Inputs }, limits, out var rowErrors);
        if (rows is null)
        {
            foreach (var (field, messages) in rowErrors)
            {
                errors[field] = messages;
            }

            return null;
        }

        var work = classifier is null ? rows.Work : rows.Work * classifier.Units.Length;
        if (work > limits.MaxPredictionWork)
        {
            errors["inputs"] = [$"{rows.Inputs.Rows} rows × {classifier!.Units.Length} units × {classifier.InputWidth + 1} weights and biases = {work} exceeds the limit of {limits.MaxPredictionWork} (Limits:MaxPredictionWork). Send fewer rows."];
            return null;
        }

        var expected = Expected(request?.Expected, rows.Inputs.Rows, classes, errors);
        return errors.Count == 0 ? new ClassPredictionPlan(rows, classes, expected, network, classifier, work) : null;
    }

    /// <summary>Runs the plan; null with an error when a row's net input overflows (JSON has no infinity).</summary>
    public static ClassPredictResponse? Run(ClassPredictionPlan plan, Dictionary<string, string[]> errors)
    {
        var inputs = plan.Rows.Inputs;
        var predictions = new ClassPredictionDto[inputs.Rows];
        var correct = 0;
        double[]? netInputs = null, decided = null;
        if (plan.Network is { } network)
        {
            // The unit's (or network's) own decision: its positive output is classes[1].
            var batch = Predictor.Predict(network, inputs);
            (netInputs, decided) = (batch.NetInputs, batch.Classes);
        }

        for (var r = 0; r < inputs.Rows; r++)
        {
            double[] z;
            int predicted;
            if (plan.Classifier is { } classifier)
            {
                z = classifier.NetInputs(inputs.Row(r));
                predicted = classifier.Decide(z);
            }
            else
            {
                z = [netInputs![r]];
                predicted = decided![r] > 0 ? 1 : 0;
            }

            if (!Array.TrueForAll(z, double.IsFinite))
            {
                errors[$"inputs[{r}]"] = ["makes the net input overflow: z is not a finite number. Use smaller inputs."];
                return null;
            }

            var expected = plan.Expected?[r];
            correct += expected == predicted ? 1 : 0;
            predictions[r] = new ClassPredictionDto(
                plan.Rows.RequestRows?[r] ?? TruthTables.Row(inputs, r),
                new NetInputs(z, single: plan.Classifier is null),
                plan.Classes[predicted],
                expected is { } e ? plan.Classes[e] : null,
                expected is null ? null : expected == predicted);
        }

        var activation = plan.Network?.Activation ?? plan.Classifier!.Activation;
        var summary = plan.Expected is null ? null : new PredictionSummary(predictions.Length, correct, predictions.Length - correct, (double)correct / predictions.Length);
        return new ClassPredictResponse(
            ModelMapping.Name(activation.Kind),
            plan.Classifier is null ? activation.Threshold : null,
            plan.Classes,
            predictions,
            summary);
    }

    private static int[]? Expected(IReadOnlyList<ClassLabel>? labels, int rows, ImmutableArray<ClassLabel> classes, Dictionary<string, string[]> errors)
    {
        if (labels is null)
        {
            return null;
        }

        if (labels.Count != rows)
        {
            errors["expected"] = [$"has {labels.Count} labels; there are {rows} input rows."];
            return null;
        }

        var indices = new int[rows];
        for (var i = 0; i < rows; i++)
        {
            indices[i] = classes.IndexOf(labels[i]);
            if (indices[i] < 0 && errors.Count < 10)
            {
                errors[$"expected[{i}]"] = [$"must be one of the job's classes ({string.Join(", ", classes)}); got {(labels[i].IsNumber ? labels[i].ToString() : $"\"{labels[i]}\"")}."];
            }
        }

        return errors.Count == 0 ? indices : null;
    }
}
