using System.Collections.Immutable;
using PerceptronApi.Core.Gates;
using PerceptronApi.Core.Model;
using PerceptronApi.Infrastructure;
using PerceptronApi.Models;

namespace PerceptronApi.Predictions;

/// <summary>A checked prediction: the model, the rows and the expected outputs, ready to run.</summary>
/// <param name="Network">The model.</param>
/// <param name="Inputs">The rows, in one block.</param>
/// <param name="RequestRows">The rows as the request gave them (echoed in the answer), or null for a generated truth table.</param>
/// <param name="Expected">The expected outputs, when given.</param>
/// <param name="Work">Rows × (weights and biases + hidden outputs): what running and answering it costs.</param>
internal sealed record PredictionPlan(Network Network, Matrix Inputs, IReadOnlyList<IReadOnlyList<double>>? RequestRows, IReadOnlyList<double>? Expected, long Work);

/// <summary>
/// Turns a request whose shape is valid into a <see cref="PredictionPlan"/>, checking what needs the model: the
/// gate names, the network's layer widths, the rows' width, the label set of the expected outputs, and the limits.
/// </summary>
internal static class PredictionPlanner
{
    /// <summary>Plans a request that names its own model; null with <paramref name="errors"/> when it is invalid.</summary>
    public static PredictionPlan? Plan(PredictRequest request, LimitsOptions limits, out Dictionary<string, string[]> errors)
    {
        errors = [];
        var network = BuildNetwork(request, limits, errors);
        return network is null ? null : TryPlan(network, request, limits, errors);
    }

    /// <summary>Plans rows on a model the route names (a gate, a trained job's model).</summary>
    public static PredictionPlan? Plan(Network network, PredictInputsRequest? request, LimitsOptions limits, out Dictionary<string, string[]> errors)
    {
        errors = [];
        return TryPlan(network, new PredictRequest { Inputs = request?.Inputs, Expected = request?.Expected, Target = request?.Target }, limits, errors);
    }


    private static PredictionPlan? TryPlan(Network network, PredictRequest request, LimitsOptions limits, Dictionary<string, string[]> errors)
    {
        var inputs = BuildInputs(network.InputWidth, request.Inputs, limits, errors);
        if (inputs is null)
        {
            return null;
        }

        // The hidden outputs are computed and written into the answer for every row: they count as work too.
        var (parameters, hidden) = Size(network);
        var perRow = parameters + hidden;
        var work = inputs.Rows * perRow;
        if (work > limits.MaxPredictionWork)
        {
            errors["inputs"] = [$"{inputs.Rows} rows × ({parameters} weights and biases + {hidden} hidden outputs) = {work} exceeds the limit of {limits.MaxPredictionWork} (Limits:MaxPredictionWork). Send fewer rows or a smaller network."];
            return null;
        }

        // What the answer holds per row: the inputs echoed, the hidden outputs, and at most z, output, class, expected
        // and error.
        var valuesPerRow = inputs.Columns + hidden + AnswerValuesPerRow;
        var values = inputs.Rows * valuesPerRow;
        if (values > limits.MaxPredictionValues)
        {
            errors["inputs"] = [$"{inputs.Rows} rows × {valuesPerRow} numbers each = {values} numbers in the answer exceeds the limit of {limits.MaxPredictionValues} (Limits:MaxPredictionValues). Send fewer rows or a smaller network."];
            return null;
        }

        var expected = BuildExpected(network, inputs.Rows, request, errors);
        return errors.Count == 0 ? new PredictionPlan(network, inputs, request.Inputs, expected, work) : null;
    }

    /// <summary>The numbers of a row's answer besides its inputs and hidden outputs: z, output, class, expected, error.</summary>
    public const int AnswerValuesPerRow = 5;

    /// <summary>The weights and biases of every unit, and the outputs of the hidden units (one per hidden unit and row).</summary>
    private static (long Parameters, long Hidden) Size(Network network)
    {
        long parameters = 0, hidden = 0;
        for (var l = 0; l < network.Layers.Length; l++)
        {
            foreach (var unit in network.Layers[l])
            {
                parameters += unit.InputWidth + 1L;
            }

            if (l < network.Layers.Length - 1)
            {
                hidden += network.Layers[l].Length;
            }
        }

        return (parameters, hidden);
    }

    /// <summary>
    /// Runs a plan and shapes the response: every z, output and, when expected outputs were given, the errors.
    /// Returns <see langword="null"/> with an error when a row's numbers overflow (JSON has no infinity).
    /// </summary>
    public static PredictResponse? Run(PredictionPlan plan, out Dictionary<string, string[]> errors)
    {
        errors = [];
        var requestRows = plan.RequestRows;
        var network = plan.Network;
        var batch = Predictor.Predict(network, plan.Inputs);
        var overflow = FirstNonFiniteRow(batch);
        if (overflow >= 0)
        {
            errors[$"inputs[{overflow}]"] = ["makes the net input overflow: z is not a finite number. Use smaller inputs or weights."];
            return null;
        }
        var continuous = network.Activation.Kind is Activation.Linear or Activation.Sigmoid;
        var rows = new PredictionDto[plan.Inputs.Rows];
        var correct = 0;
        for (var r = 0; r < rows.Length; r++)
        {
            double? expected = plan.Expected?[r];
            if (expected == batch.Classes[r])
            {
                correct++;
            }

            rows[r] = new PredictionDto(
                requestRows?[r] ?? TruthTables.Row(plan.Inputs, r),
                batch.NetInputs[r],
                batch.Outputs[r],
                continuous ? batch.Classes[r] : null,
                expected,
                expected - batch.Outputs[r],
                network.IsSinglePerceptron ? null : [.. batch.Hidden.Select(layer => (IReadOnlyList<double>)layer.Row(r).ToArray())]);
        }

        var summary = plan.Expected is null
            ? null
            : new PredictionSummary(rows.Length, correct, rows.Length - correct, (double)correct / rows.Length);
        return new PredictResponse(ModelMapping.Name(network.Activation.Kind), network.Activation.Threshold, rows, summary);
    }

    private static int FirstNonFiniteRow(PredictionBatch batch)
    {
        for (var r = 0; r < batch.NetInputs.Length; r++)
        {
            if (!double.IsFinite(batch.NetInputs[r]) || !double.IsFinite(batch.Outputs[r]))
            {
                return r;
            }
        }

        foreach (var layer in batch.Hidden)
        {
            for (var r = 0; r < layer.Rows; r++)
            {
                foreach (var value in layer.Row(r))
                {
                    if (!double.IsFinite(value))
                    {
                        return r;
                    }
                }
            }
        }

        return -1;
    }

    private static Network? BuildNetwork(PredictRequest request, LimitsOptions limits, Dictionary<string, string[]> errors)
    {
        if (request.Gate is not null)
        {
            if (GateCatalogue.TryGet(request.Gate, out var gate))
            {
                return gate.Network;
            }

            errors["gate"] = [UnknownGate(request.Gate)];
            return null;
        }

        var activation = ActivationFunction.Create(request.Activation ?? Activation.Step, request.Threshold);
        if (request.Weights is { } weights)
        {
            if (weights.Count > limits.MaxInputWidth)
            {
                errors["weights"] = [$"has {weights.Count} weights; the limit is {limits.MaxInputWidth} (Limits:MaxInputWidth)."];
                return null;
            }

            return new Network(new Perceptron(request.Bias!.Value, weights.ToImmutableArray()), activation);
        }

        var layers = request.Layers!;
        if (layers.Count > limits.MaxLayers)
        {
            errors["layers"] = [$"has {layers.Count} layers; the limit is {limits.MaxLayers} (Limits:MaxLayers)."];
            return null;
        }

        for (var l = 0; l < layers.Count; l++)
        {
            if (layers[l].Count > limits.MaxUnitsPerLayer)
            {
                errors[$"layers[{l}]"] = [$"has {layers[l].Count} units; the limit is {limits.MaxUnitsPerLayer} (Limits:MaxUnitsPerLayer)."];
                continue;
            }

            var width = l == 0 ? layers[0][0].Weights.Count : layers[l - 1].Count;
            if (l == 0 && width > limits.MaxInputWidth)
            {
                errors["layers[0][0].weights"] = [$"has {width} weights; the limit is {limits.MaxInputWidth} (Limits:MaxInputWidth)."];
                continue;
            }

            for (var u = 0; u < layers[l].Count; u++)
            {
                if (layers[l][u].Weights.Count != width)
                {
                    var why = l == 0 ? "as many as layers[0][0]" : $"one per unit of layers[{l - 1}]";
                    errors[$"layers[{l}][{u}].weights"] = [$"has {layers[l][u].Weights.Count} weights; it needs {width} ({why})."];
                }
            }
        }

        if (layers[^1].Count != 1)
        {
            errors[$"layers[{layers.Count - 1}]"] = [$"The last layer must be a single output unit; it has {layers[^1].Count}."];
        }

        return errors.Count == 0 ? new Network(ModelMapping.FromLayers(layers), activation) : null;
    }

    private static Matrix? BuildInputs(int width, IReadOnlyList<IReadOnlyList<double>>? rows, LimitsOptions limits, Dictionary<string, string[]> errors)
    {
        if (rows is null)
        {
            if (width > limits.MaxTruthTableWidth)
            {
                errors["inputs"] = [$"is required for a model of {width} inputs: all binary rows are generated only up to {limits.MaxTruthTableWidth} inputs (Limits:MaxTruthTableWidth)."];
                return null;
            }

            if (1 << width > limits.MaxPredictionRows)
            {
                errors["inputs"] = [$"is required: the {1 << width} binary rows of {width} inputs exceed the limit of {limits.MaxPredictionRows} rows (Limits:MaxPredictionRows)."];
                return null;
            }

            return TruthTables.Of(width);
        }

        if (rows.Count > limits.MaxPredictionRows)
        {
            errors["inputs"] = [$"has {rows.Count} rows; the limit is {limits.MaxPredictionRows} (Limits:MaxPredictionRows)."];
            return null;
        }

        if (rows[0].Count != width)
        {
            errors["inputs[0]"] = [$"has {rows[0].Count} value{(rows[0].Count == 1 ? "" : "s")}; the model takes {width} input{(width == 1 ? "" : "s")}."];
            return null;
        }

        return Matrix.FromRows(rows);
    }

    private static IReadOnlyList<double>? BuildExpected(Network network, int rows, PredictRequest request, Dictionary<string, string[]> errors)
    {
        var activation = network.Activation;
        if (request.Target is { } targetName)
        {
            if (!GateCatalogue.TryGet(targetName, out var target))
            {
                errors["target"] = [UnknownGate(targetName)];
                return null;
            }

            if (target.Arity != network.InputWidth)
            {
                errors["target"] = [$"{target.Name} takes {target.Arity} input{(target.Arity == 1 ? "" : "s")}; the model takes {network.InputWidth}."];
                return null;
            }

            var classes = Predictor.Predict(target.Network, request.Inputs is null ? TruthTables.Of(target.Arity) : Matrix.FromRows(request.Inputs)).Classes;
            var (negative, positive) = activation.Labels;
            return [.. classes.Select(c => c == 1.0 ? positive : negative)];
        }

        if (request.Expected is not { } expected)
        {
            return null;
        }

        if (expected.Count != rows)
        {
            errors["expected"] = [$"has {expected.Count} values; there are {rows} input rows."];
            return null;
        }

        var (neg, pos) = activation.Labels;
        for (var i = 0; i < expected.Count; i++)
        {
            if (!activation.IsLabel(expected[i]))
            {
                errors[$"expected[{i}]"] = [$"must be {neg} or {pos} for the {ModelMapping.Name(activation.Kind)} activation (got {expected[i]})."];
            }
        }

        return expected;
    }

    public static string UnknownGate(string name) =>
        $"Unknown gate \"{name}\". Known gates: {string.Join(", ", GateCatalogue.Names)}.";
}
