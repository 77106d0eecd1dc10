using System.Collections.Immutable;
using PerceptronApi.Core.Model;
using PerceptronApi.Core.Training;

namespace PerceptronApi.Core.Classes;

/// <summary>
/// One-vs-rest over 3 or more classes (API.md §4.1): unit <c>k</c> is trained exactly as a binary run of the same
/// options on "class k or not" — its own engine, the same seed, so the same initial weights and the same sample order
/// in every epoch — and all units advance epoch by epoch together. A unit that has stopped keeps its weights and
/// reports no updates; the run ends when every unit has stopped.
/// </summary>
public static class OneVsRestTrainer
{
    /// <summary>
    /// Validates, then trains: <paramref name="onEpoch"/> receives the combined epoch-0 record and each later one as the
    /// epoch ends. Each unit holds its own copy of the samples (memory: one copy per class).
    /// </summary>
    /// <exception cref="ArgumentException">The request is invalid, or <paramref name="classes"/> has fewer than 3 classes.</exception>
    /// <exception cref="TrainingDivergedException">A unit diverged (ADALINE with too large a rate).</exception>
    public static OneVsRestResult Train(Matrix inputs, ClassAssignment classes, TrainingOptions options, Action<OneVsRestEpochRecord>? onEpoch = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(inputs);
        ArgumentNullException.ThrowIfNull(classes);
        ArgumentNullException.ThrowIfNull(options);
        if (!classes.IsOneVsRest)
        {
            throw new ArgumentException("One-vs-rest needs 3 or more classes; 2 classes train one unit with Trainer.Train.", nameof(classes));
        }

        var issues = Validate(inputs, classes, options);
        if (issues.Count > 0)
        {
            throw new ArgumentException("The training request is invalid: " + string.Join("; ", issues.Select(issue => $"{issue.Field} {issue.Message}")) + ".", nameof(options));
        }

        var k = classes.Classes.Length;
        var seed = Trainer.ResolveSeed(options);
        var engines = new TrainingEngine[k];
        try
        {
            for (var unit = 0; unit < k; unit++)
            {
                engines[unit] = new TrainingEngine(new TrainingSet(inputs, classes.LabelsFor(unit, options)), options, seed);
            }

            var records = engines.Select(engine => engine.Start()).ToArray();
            var updates = new int[k];
            var stoppedAt = new int[k];
            onEpoch?.Invoke(Combine(0, records, updates, inputs, classes));
            for (var epoch = 1; ; epoch++)
            {
                if (engines.All(engine => engine.StopReason is not null))
                {
                    return Finish(engines, records, stoppedAt, inputs, classes, canceled: false, seed);
                }

                if (cancellationToken.IsCancellationRequested)
                {
                    return Finish(engines, records, stoppedAt, inputs, classes, canceled: true, seed);
                }

                var next = new EpochRecord[k];
                for (var unit = 0; unit < k; unit++)
                {
                    if (engines[unit].StopReason is not null)
                    {
                        next[unit] = records[unit] with { Epoch = epoch, Updates = 0 };
                        continue;
                    }

                    if (engines[unit].RunEpoch(cancellationToken) is not { } record)
                    {
                        return Finish(engines, records, stoppedAt, inputs, classes, canceled: true, seed);
                    }

                    next[unit] = record;
                    stoppedAt[unit] = epoch;
                }

                records = next;
                for (var unit = 0; unit < k; unit++)
                {
                    updates[unit] = records[unit].Updates;
                }

                onEpoch?.Invoke(Combine(epoch, records, updates, inputs, classes));
            }
        }
        finally
        {
            foreach (var engine in engines)
            {
                engine?.Release();
            }
        }
    }

    /// <summary>Everything wrong with a one-vs-rest request (the options and the data as each unit sees them).</summary>
    public static IReadOnlyList<ValidationIssue> Validate(Matrix inputs, ClassAssignment classes, TrainingOptions options)
    {
        ArgumentNullException.ThrowIfNull(inputs);
        ArgumentNullException.ThrowIfNull(classes);
        ArgumentNullException.ThrowIfNull(options);
        if (options.LabelSet is null)
        {
            return Trainer.Validate(new TrainingSet(inputs, [.. classes.ClassOfSample.Select(_ => 0.0)]), options);
        }

        var issues = new List<ValidationIssue>(Trainer.Validate(new TrainingSet(inputs, classes.LabelsFor(0, options)), options));
        if (options.Rule is { TrainsNetwork: true })
        {
            issues.Add(new("labels", $"must hold 2 classes for backpropagation (got {classes.Classes.Length})"));
        }

        if (options.Trace)
        {
            issues.Add(new("trace", $"applies to binary and two-class runs only; this one trains {classes.Classes.Length} units (one per class)"));
        }

        return issues;
    }

    private static OneVsRestEpochRecord Combine(int epoch, EpochRecord[] records, int[] updates, Matrix inputs, ClassAssignment classes)
    {
        var units = ImmutableArray.CreateBuilder<UnitRecord>(records.Length);
        var loss = 0.0;
        for (var unit = 0; unit < records.Length; unit++)
        {
            var r = records[unit];
            units.Add(new UnitRecord(classes.Classes[unit], r.Bias, r.Weights, updates[unit], r.Errors, r.Loss));
            loss += r.Loss;
        }

        var errors = Errors(records.Select(r => (r.Bias, r.Weights)).ToArray(), inputs, classes);
        return new OneVsRestEpochRecord(epoch, updates.Sum(), errors, 1.0 - ((double)errors / inputs.Rows), loss / records.Length, units.MoveToImmutable());
    }

    /// <summary>Samples whose predicted class — the unit with the largest <c>z</c>, the first on a tie — is not their own.</summary>
    private static int Errors((double Bias, ImmutableArray<double> Weights)[] units, Matrix inputs, ClassAssignment classes)
    {
        var errors = 0;
        for (var i = 0; i < inputs.Rows; i++)
        {
            var row = inputs.Row(i);
            var best = 0;
            var bestZ = Perceptron.NetInput(units[0].Bias, units[0].Weights.AsSpan(), row);
            for (var k = 1; k < units.Length; k++)
            {
                var z = Perceptron.NetInput(units[k].Bias, units[k].Weights.AsSpan(), row);
                if (z > bestZ)
                {
                    (best, bestZ) = (k, z);
                }
            }

            if (best != classes.ClassOfSample[i])
            {
                errors++;
            }
        }

        return errors;
    }

    private static OneVsRestResult Finish(TrainingEngine[] engines, EpochRecord[] records, int[] stoppedAt, Matrix inputs, ClassAssignment classes, bool canceled, int? seed)
    {
        var results = engines.Select(engine => engine.Finish(engine.StopReason ?? StopReason.Canceled)).ToArray();
        var units = results.Select((r, k) => new UnitResult(classes.Classes[k], r.Model.Bias, r.Model.Weights, r.Converged, r.StopReason, r.Cycle)).ToImmutableArray();
        var model = new Classifier(classes.Classes, [.. results.Select(r => r.Model)], results[0].Activation);

        // The run's reason: canceled; else the epoch limit if any unit reached it; else the reason of the last unit to
        // stop (the last in class order among those that stopped at the same epoch).
        StopReason reason;
        if (canceled)
        {
            reason = StopReason.Canceled;
        }
        else if (results.Any(r => r.StopReason == StopReason.MaxEpochsReached))
        {
            reason = StopReason.MaxEpochsReached;
        }
        else
        {
            var last = Enumerable.Range(0, results.Length).MaxBy(k => (stoppedAt[k], k));
            reason = results[last].StopReason;
        }

        var errors = Errors([.. results.Select(r => (r.Model.Bias, r.Model.Weights))], inputs, classes);
        var loss = results.Sum(r => r.Loss) / results.Length;
        return new OneVsRestResult(model, units, !canceled && results.All(r => r.Converged), reason, records[0].Epoch, errors, 1.0 - ((double)errors / inputs.Rows), loss, seed);
    }
}
