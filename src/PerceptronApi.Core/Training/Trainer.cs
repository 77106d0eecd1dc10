using System.Security.Cryptography;

namespace PerceptronApi.Core.Training;

/// <summary>
/// Trains one perceptron on a <see cref="TrainingSet"/> with the perceptron, pocket, averaged or ADALINE rule, exactly
/// as the contract (API.md §1) defines them, reporting an <see cref="EpochRecord"/> per epoch as it ends.
/// Deterministic: the same data, options and seed give the same history bit for bit.
/// </summary>
public static class Trainer
{
    /// <summary>
    /// Everything wrong with a training request, each issue named by its JSON path (<c>learningRate</c>,
    /// <c>labels[3]</c>, <c>inputs[2]</c>, <c>initialWeights.weights</c>, ...). Empty when the request is valid.
    /// Rows and labels list at most <c>10</c> issues each.
    /// </summary>
    public static IReadOnlyList<ValidationIssue> Validate(TrainingSet data, TrainingOptions options)
    {
        ArgumentNullException.ThrowIfNull(data);
        ArgumentNullException.ThrowIfNull(options);
        var issues = new List<ValidationIssue>();
        Validation.CheckData(data, options, issues);
        Validation.CheckOptions(options, issues);
        return issues;
    }

    /// <summary>
    /// Validates samples given as separate rows (before they become a <see cref="Model.Matrix"/>, which cannot be
    /// ragged), their labels and the options: the same issues as <see cref="Validate(TrainingSet, TrainingOptions)"/>,
    /// plus <c>inputs[i]</c> for a row whose width differs from row 0.
    /// </summary>
    public static IReadOnlyList<ValidationIssue> Validate(IReadOnlyList<IReadOnlyList<double>> inputs, IReadOnlyList<double> labels, TrainingOptions options)
    {
        ArgumentNullException.ThrowIfNull(inputs);
        ArgumentNullException.ThrowIfNull(labels);
        ArgumentNullException.ThrowIfNull(options);
        var issues = new List<ValidationIssue>();
        Validation.CheckRows(inputs, issues);
        Validation.CheckLabels([.. labels], inputs.Count, options, issues);
        Validation.CheckInitialWidth(inputs.Count > 0 && inputs[0] is { } first ? first.Count : 0, options, issues);

        Validation.CheckOptions(options, issues);
        return issues;
    }

    /// <summary>
    /// Validates, then trains: <paramref name="onEpoch"/> receives the epoch-0 record (the initial weights) and then each
    /// epoch's record, synchronously, as soon as that epoch ends. Cancellation is checked between epochs and every few
    /// thousand samples within one; a canceled run returns the state of its last record with
    /// <see cref="StopReason.Canceled"/>.
    /// </summary>
    /// <exception cref="ArgumentException">The request is invalid; the message names each parameter and value.</exception>
    /// <exception cref="TrainingDivergedException">A bias, weight or loss became non-finite (ADALINE with too large a rate).</exception>
    public static TrainingResult Train(TrainingSet data, TrainingOptions options, Action<EpochRecord>? onEpoch = null, CancellationToken cancellationToken = default) =>
        Train(data, options, onEpoch, exactDecisions: null, cancellationToken);

    /// <summary>
    /// Trains as above; with <see cref="TrainingOptions.Trace"/> set, <paramref name="onTrace"/> receives each epoch's
    /// sample steps just before that epoch's record. A traced run takes the plain, step-by-step path
    /// (<see cref="PlainTrainer"/>), which gives the same records bit for bit, more slowly: traces are for small runs.
    /// </summary>
    /// <exception cref="ArgumentException">The request is invalid; the message names each parameter and value.</exception>
    public static TrainingResult Train(TrainingSet data, TrainingOptions options, Action<EpochRecord>? onEpoch, Action<EpochTrace>? onTrace, CancellationToken cancellationToken = default)
    {
        if (!options.Trace)
        {
            return Train(data, options, onEpoch, exactDecisions: null, cancellationToken);
        }

        ThrowIfInvalid(data, options);
        return PlainTrainer.Train(data, options, ResolveSeed(options), onEpoch, onTrace, cancellationToken);
    }

    /// <summary>Trains as above and reports how many decisions needed the contract-order fallback (for tests).</summary>
    internal static TrainingResult Train(TrainingSet data, TrainingOptions options, Action<EpochRecord>? onEpoch, Action<long>? exactDecisions, CancellationToken cancellationToken)
    {
        var engine = CreateEngine(data, options);
        try
        {
            var initial = engine.Start();
            onEpoch?.Invoke(initial);
            while (true)
            {
                if (engine.StopReason is { } reason)
                {
                    return engine.Finish(reason);
                }

                var record = cancellationToken.IsCancellationRequested ? null : engine.RunEpoch(cancellationToken);
                if (record is null)
                {
                    return engine.Finish(StopReason.Canceled);
                }

                onEpoch?.Invoke(record);
            }
        }
        finally
        {
            exactDecisions?.Invoke(engine.ExactDecisions);
            engine.Release();
        }
    }

    /// <summary>
    /// Validates at once, then trains lazily: each record is yielded as its epoch ends (epoch 0 first). Enumeration ends
    /// when training stops, including when <paramref name="cancellationToken"/> is canceled.
    /// </summary>
    /// <exception cref="ArgumentException">The request is invalid.</exception>
    public static IEnumerable<EpochRecord> TrainEpochs(TrainingSet data, TrainingOptions options, CancellationToken cancellationToken = default)
    {
        var engine = CreateEngine(data, options);
        var seed = engine.Seed;
        return Epochs(engine, () => new TrainingEngine(data, options, seed), cancellationToken);
    }

    private static IEnumerable<EpochRecord> Epochs(TrainingEngine first, Func<TrainingEngine> again, CancellationToken cancellationToken)
    {
        // A second enumeration replays the run (same seed) on a fresh engine: the first one's arrays are handed back.
        var engine = first.Released ? again() : first;
        try
        {
            yield return engine.Start();
            while (engine.StopReason is null && !cancellationToken.IsCancellationRequested)
            {
                if (engine.RunEpoch(cancellationToken) is not { } record)
                {
                    yield break;
                }

                yield return record;
            }
        }
        finally
        {
            engine.Release();
        }
    }

    private static TrainingEngine CreateEngine(TrainingSet data, TrainingOptions options)
    {
        ThrowIfInvalid(data, options);
        return new TrainingEngine(data, options, ResolveSeed(options));
    }

    /// <summary>A run that needs randomness and has no seed draws one from the OS generator (no state of ours), and reports it.</summary>
    internal static int? ResolveSeed(TrainingOptions options) =>
        options.UsesRandomness ? options.Seed ?? RandomNumberGenerator.GetInt32(int.MaxValue) : options.Seed;

    private static void ThrowIfInvalid(TrainingSet data, TrainingOptions options)
    {
        ArgumentNullException.ThrowIfNull(data);
        ArgumentNullException.ThrowIfNull(options);
        if (options.Rule is { TrainsNetwork: true })
        {
            throw new ArgumentException("Backpropagation trains a network: use NetworkTrainer.Train.", nameof(options));
        }

        var issues = Validate(data, options);
        if (issues.Count > 0)
        {
            var first = issues[0].Field;
            var paramName = first.StartsWith("inputs", StringComparison.Ordinal) || first.StartsWith("labels", StringComparison.Ordinal) ? nameof(data) : nameof(options);
            throw new ArgumentException(
                "The training request is invalid: " + string.Join("; ", issues.Select(issue => $"{issue.Field} {issue.Message}")) + ".",
                paramName);
        }
    }
}
