using System.Collections.Immutable;
using PerceptronApi.Core.Model;

namespace PerceptronApi.Core.Training;

/// <summary>
/// Trains a network of sigmoid units by backpropagation (API.md §4.2): <see cref="TrainingOptions.HiddenLayers"/> (or
/// the shape of <see cref="TrainingOptions.InitialLayers"/>), then one output unit, on labels 0/1. Each epoch is one
/// full-batch gradient-descent step; an <see cref="NetworkEpochRecord"/> is reported for epoch 0 and after every epoch.
/// Deterministic: the same data, options and seed give the same history bit for bit.
/// </summary>
public static class NetworkTrainer
{
    /// <summary>
    /// The random initialization of a network, from <c>new System.Random(seed)</c>: layer after layer (input side
    /// first), unit after unit, the bias and then each weight, uniform in
    /// [−<c>RandomInitialScale</c>, <c>RandomInitialScale</c>) as <c>(NextDouble() · 2 − 1) · RandomInitialScale</c>.
    /// Weights of this size break the hidden units' symmetry and keep every sigmoid away from its flat ends.
    /// </summary>
    public const double RandomInitialScale = 0.5;

    /// <summary>
    /// Validates, then trains: <paramref name="onEpoch"/> receives epoch 0 (the initial network) and each later epoch's
    /// record as soon as it ends. Stops at the first record with <c>loss &lt;= TargetLoss</c>, then (from epoch 1) when
    /// the loss fell by less than <c>Tolerance</c>, else at <c>MaxEpochs</c>; a canceled run returns its last record's
    /// network with <see cref="StopReason.Canceled"/>.
    /// </summary>
    /// <exception cref="ArgumentException">The request is invalid; the message names each parameter and value.</exception>
    /// <exception cref="TrainingDivergedException">A bias or weight became non-finite (too large a learning rate).</exception>
    public static NetworkTrainingResult Train(TrainingSet data, TrainingOptions options, Action<NetworkEpochRecord>? onEpoch = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(data);
        ArgumentNullException.ThrowIfNull(options);
        if (options.Rule is not { TrainsNetwork: true })
        {
            throw new ArgumentException($"NetworkTrainer trains backpropagation; {EnumNames.Of(options.Algorithm)} trains one perceptron: use Trainer.Train.", nameof(options));
        }

        var issues = Trainer.Validate(data, options);
        if (issues.Count > 0)
        {
            throw new ArgumentException("The training request is invalid: " + string.Join("; ", issues.Select(issue => $"{issue.Field} {issue.Message}")) + ".", nameof(options));
        }

        var seed = Trainer.ResolveSeed(options);
        var network = new Backpropagation(data.Inputs, data.Labels.AsSpan(), InitialLayers(data.Features, options, seed));

        // Epoch 0 always completes (as for the other algorithms): a canceled run still reports its initial network.
        var record = Judge(network, 0, options, CancellationToken.None)!;
        onEpoch?.Invoke(record);
        double? previousLoss = null;
        while (true)
        {
            if (Stop(record, previousLoss, options) is { } reason)
            {
                return Finish(record, reason, seed);
            }

            if (cancellationToken.IsCancellationRequested)
            {
                return Finish(record, StopReason.Canceled, seed);
            }

            network.Step(options.LearningRate);
            if (Judge(network, record.Epoch + 1, options, cancellationToken) is not { } next)
            {
                return Finish(record, StopReason.Canceled, seed);
            }

            previousLoss = record.Loss;
            record = next;
            onEpoch?.Invoke(record);
        }
    }

    /// <summary>The network a run starts from: the given layers, zeros, or the seeded random scheme above.</summary>
    internal static ImmutableArray<ImmutableArray<Perceptron>> InitialLayers(int features, TrainingOptions options, int? seed)
    {
        if (options.InitialLayers is { } given)
        {
            return given;
        }

        var random = options.Initialization == WeightInitialization.Random ? new Random(seed!.Value) : null;
        double Draw() => random is null ? 0.0 : ((random.NextDouble() * 2) - 1) * RandomInitialScale;
        var layers = ImmutableArray.CreateBuilder<ImmutableArray<Perceptron>>();
        var width = features;
        foreach (var size in options.HiddenLayers.Append(1))
        {
            var units = ImmutableArray.CreateBuilder<Perceptron>(size);
            for (var u = 0; u < size; u++)
            {
                var bias = Draw();
                var weights = new double[width];
                for (var k = 0; k < width; k++)
                {
                    weights[k] = Draw();
                }

                units.Add(new Perceptron(bias, weights));
            }

            layers.Add(units.MoveToImmutable());
            width = size;
        }

        return layers.ToImmutable();
    }

    private static StopReason? Stop(NetworkEpochRecord record, double? previousLoss, TrainingOptions options)
    {
        if (options.TargetLoss is { } target && record.Loss <= target)
        {
            return StopReason.TargetLoss;
        }

        if (options.Tolerance is { } tolerance && previousLoss is { } previous && previous - record.Loss is var fall && fall >= 0 && fall < tolerance)
        {
            return StopReason.LossTolerance;
        }

        return record.Epoch >= options.MaxEpochs ? StopReason.MaxEpochsReached : null;
    }

    /// <summary>
    /// The record of the current weights — one pass, which also sums the gradient of the next step — or
    /// <see langword="null"/> when canceled during the pass.
    /// </summary>
    private static NetworkEpochRecord? Judge(Backpropagation network, int epoch, TrainingOptions options, CancellationToken cancellationToken)
    {
        if (!network.AllFinite())
        {
            throw new TrainingDivergedException(epoch, options.LearningRate);
        }

        int errors;
        double squares;
        try
        {
            (errors, squares) = network.Pass(cancellationToken);
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            return null;
        }

        // Finite weights can still meet inputs that make a net input ∞ − ∞: the loss is then NaN.
        var loss = squares / (2.0 * network.Samples);
        if (!double.IsFinite(loss))
        {
            throw new TrainingDivergedException(epoch, options.LearningRate);
        }

        var updates = epoch == 0 ? 0 : 1;
        return new NetworkEpochRecord(epoch, network.Layers(), updates, errors, 1.0 - ((double)errors / network.Samples), loss);
    }

    private static NetworkTrainingResult Finish(NetworkEpochRecord record, StopReason reason, int? seed)
    {
        var converged = reason is StopReason.TargetLoss or StopReason.LossTolerance;
        return new NetworkTrainingResult(new Network(record.Layers, ActivationFunction.Create(Activation.Sigmoid)), converged, reason, record.Epoch, record.Errors, record.Accuracy, record.Loss, seed);
    }
}
