using System.Collections.Immutable;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using PerceptronApi.Core.Model;
using PerceptronApi.Core.Training.Rules;

namespace PerceptronApi.Core.Training;

/// <summary>
/// One training run, epoch by epoch: <see cref="Start"/> gives the epoch-0 record, each <see cref="RunEpoch"/> the next,
/// until <see cref="StopReason"/> is set. Not thread-safe; one run per instance. Validated input is assumed.
/// </summary>
internal sealed class TrainingEngine
{
    /// <summary>Samples visited between two looks at the cancellation token inside an epoch.</summary>
    internal const int CancellationCheckInterval = 4096;

    /// <summary>How far (in samples) a fused judgement runs ahead of the training position.</summary>
    private const int JudgementLead = 256;

    /// <summary>Samples trained per call of the fused loop: few enough that the rows the judgement has just read are still in cache for the training.</summary>
    private const int TrainingChunk = 2048;

    private readonly SampleBlocks _samples;

    /// <summary>Decisions taken in the contract's order because the fast order could not prove them (for tests).</summary>
    internal long ExactDecisions => _samples.ExactDecisions;
    private readonly TrainingOptions _options;
    private readonly UnitRule _rule;
    private readonly double _learningRate;
    private readonly double _negative;
    private readonly double _positive;
    private readonly Random? _random;
    private readonly int[]? _permutation;
    private readonly int _m;
    private readonly int _n;

    // The running weights.
    private readonly double[] _weights;
    private double _bias;

    // Averaged: the sums of the weights after every sample step, and the number of steps.
    private readonly double[] _weightSums;
    private double _biasSum;
    private long _steps;

    // Pocket: the best weights judged so far.
    private readonly double[] _pocketWeights;
    private double _pocketBias;
    private int _pocketErrors;

    // ADALINE: the gradient sums under the current weights, from the last pass (valid in the current order).
    private readonly double[] _gradientSums;
    private double _biasGradientSum;

    private (double Bias, double[] Weights, int Errors) _pocketAtLastRecord;

    // Perceptron rules without shuffle: the epoch after the last record, already trained (fused with that record's
    // judgement), waiting for its own record.
    private TrainedEpoch? _ahead;

    private readonly Matrix _inputs;
    private readonly ImmutableArray<double> _labels;
    private EpochRecord? _last;

    // Perceptron and pocket in a fixed order: the end states so far, and the cycle once one is found.
    private readonly EpochStates? _states;
    private EpochCycle? _cycle;

    internal TrainingEngine(TrainingSet data, TrainingOptions options, int? seed)
    {
        _options = options;
        _rule = (UnitRule)options.Rule!;
        _learningRate = options.LearningRate;
        Activation = ActivationFunction.Create(options.Activation, options.Threshold);
        (_negative, _positive) = Activation.Labels;
        _m = data.Samples;
        _n = data.Features;
        _samples = new SampleBlocks(data.Inputs, ImmutableCollectionsMarshal.AsArray(data.Labels)!, Activation.Threshold!.Value, _positive);
        _inputs = data.Inputs;
        _labels = data.Labels;

        // Padded so the averaged sums can run over whole vectors; the padding stays 0.
        _weights = new double[RunningSums.PaddedLength(_n)];
        _weightSums = new double[_weights.Length];
        _pocketWeights = new double[_n];
        _gradientSums = new double[_n];
        Seed = seed;
        if (seed is { } s)
        {
            _random = new Random(s);
        }

        if (options.InitialWeights is { } initial)
        {
            _bias = initial.Bias;
            initial.Weights.AsSpan().CopyTo(_weights);
        }
        else if (options.Initialization == WeightInitialization.Random)
        {
            _bias = _random!.NextDouble() - TrainingOptions.RandomInitialScale;
            for (var j = 0; j < _n; j++)
            {
                _weights[j] = _random.NextDouble() - TrainingOptions.RandomInitialScale;
            }
        }

        if (options.Shuffle)
        {
            _permutation = new int[_m];
        }

        if (options.DetectsCycles)
        {
            _states = new EpochStates();
        }
    }

    /// <summary>The activation, threshold resolved.</summary>
    internal ActivationFunction Activation { get; }

    /// <summary>The seed of the run's generator, when it has one.</summary>
    internal int? Seed { get; }

    /// <summary>Set once the run must stop (other than by cancellation).</summary>
    internal StopReason? StopReason { get; private set; }

    /// <summary>The epoch-0 record: the initial weights, judged in the samples' given order.</summary>
    internal EpochRecord Start()
    {
        int errors;
        double squares;
        if (_rule.StepsPerSample)
        {
            (errors, squares) = _samples.Evaluate(_bias, _weights.AsSpan(0, _n));
        }
        else
        {
            // The judgement's pass also sums the gradient the first epoch descends.
            (errors, squares, _biasGradientSum) = _samples.Gradient(_bias, _weights.AsSpan(0, _n), _gradientSums);
        }

        _pocketBias = _bias;
        _weights.AsSpan(0, _n).CopyTo(_pocketWeights);
        _pocketErrors = errors;
        _pocketAtLastRecord = (_bias, [.. _pocketWeights], errors);
        _states?.Add(0, _bias, _weights.AsSpan(0, _n));
        _last = Record(0, _bias, _weights.AsSpan(0, _n), 0, errors, squares);
        return _last;
    }

    /// <summary>Runs the next epoch and returns its record, or <see langword="null"/> when canceled during it.</summary>
    internal EpochRecord? RunEpoch(CancellationToken cancellationToken)
    {
        var epoch = _last!.Epoch + 1;
        var record = _rule.StepsPerSample
            ? PerceptronEpoch(epoch, cancellationToken)
            : GradientEpoch(epoch);
        if (record is null)
        {
            return null;
        }

        StopReason = _rule.StopAfter(_last, record, _options, cycle: _cycle is not null);
        if (StopReason is null && epoch >= _options.MaxEpochs)
        {
            StopReason = Training.StopReason.MaxEpochsReached;
        }

        _last = record;
        return record;
    }

    /// <summary>Hands the engine's large scratch arrays back for later runs; the engine must not be used afterwards.</summary>
    internal void Release()
    {
        if (!Released)
        {
            Released = true;
            _samples.Release();
        }
    }

    /// <summary>Whether <see cref="Release"/> has run.</summary>
    internal bool Released { get; private set; }

    /// <summary>The result after the last record (<paramref name="reason"/> may be <see cref="Training.StopReason.Canceled"/>).</summary>
    internal TrainingResult Finish(StopReason reason)
    {
        var last = _last!;
        var converged = reason is Training.StopReason.Converged or Training.StopReason.LossTolerance;
        var cycle = reason == Training.StopReason.Cycle ? _cycle : null;
        if (!_rule.KeepsPocket)
        {
            return new TrainingResult(new Perceptron(last.Bias, last.Weights), Activation, converged, reason, last.Epoch, last.Errors, last.Accuracy, last.Loss, Seed) { Cycle = cycle };
        }

        // The pocket as it was after the last completed epoch; its loss belongs to no single epoch, so it is summed
        // in the samples' given order.
        var (bias, weights, errors) = _pocketAtLastRecord;
        var squares = 0.0;
        var labels = _labels.AsSpan();
        for (var i = 0; i < _m; i++)
        {
            var d = Perceptron.NetInput(bias, weights, _inputs.Row(i)) - labels[i];
            squares += d * d;
        }

        return new TrainingResult(new Perceptron(bias, weights.AsSpan()), Activation, converged, reason, last.Epoch, errors, Accuracy(errors), squares / (2.0 * _m), Seed) { Cycle = cycle };
    }

    /// <summary>
    /// The perceptron rules' record of <paramref name="epoch"/>. Its training pass may already have run (fused with the
    /// previous record's judgement); its own judgement — errors and loss under the model at its end — then runs fused
    /// with the NEXT epoch's training pass when there will be one in the same order (no shuffle): both walk the same rows
    /// in the same order, so the rows come through memory once, and the judgement's independent work fills the gaps
    /// of the training's update chain. The record is complete (and returned) when that pass ends.
    /// </summary>
    private EpochRecord? PerceptronEpoch(int epoch, CancellationToken cancellationToken)
    {
        TrainedEpoch trained;
        if (_ahead is { } ahead)
        {
            trained = ahead;
            _ahead = null;
        }
        else
        {
            if (_permutation is not null)
            {
                Shuffle(_permutation);
                _samples.Reorder(_permutation);
            }

            var judgement = default(SampleBlocks.Judgement);
            if (TrainPass(null, ref judgement, cancellationToken) is not { } done)
            {
                return null;
            }

            trained = done;
        }

        if (_states is not null && trained.Updates > 0)
        {
            _cycle = _states.Add(epoch, trained.Bias, trained.Weights);
        }

        var stops = trained.Updates == 0 || _cycle is not null || epoch >= _options.MaxEpochs;
        EpochRecord record;
        if (trained.Updates == 0 && _permutation is null && !_rule.ReportsAverage)
        {
            // Unchanged weights in an unchanged order: the last record's judgement holds bit for bit. (An average moves
            // on with every step, updates or not.)
            record = _last! with { Epoch = epoch, Updates = 0 };
        }
        else if (!stops && _permutation is null)
        {
            var judgement = default(SampleBlocks.Judgement);
            if (TrainPass(trained, ref judgement, cancellationToken) is not { } next)
            {
                return null;
            }

            _ahead = next;
            record = Record(epoch, trained.Bias, trained.Weights, trained.Updates, judgement.Errors, judgement.SquaredErrorSum);
        }
        else
        {
            var (errors, squares) = _samples.Evaluate(trained.Bias, trained.Weights);
            record = Record(epoch, trained.Bias, trained.Weights, trained.Updates, errors, squares);
        }

        if (_rule.KeepsPocket)
        {
            _pocketAtLastRecord = trained.Pocket;
        }

        return record;
    }

    /// <summary>
    /// One training pass of the perceptron rules over the current order. When <paramref name="judged"/> is given, its
    /// model is judged on the way into <paramref name="judgement"/>, a little ahead of the training position.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)] // runs a few times per job: no time to tier up
    private TrainedEpoch? TrainPass(TrainedEpoch? judged, ref SampleBlocks.Judgement judgement, CancellationToken cancellationToken)
    {
        // The rule's answers, read once per pass: the loops below test plain locals.
        var averaged = _rule.ReportsAverage;
        var pocket = _rule.KeepsPocket;
        var weights = _weights.AsSpan(0, _n);
        var judgedBias = judged?.Bias ?? 0.0;
        var judgedWeights = judged?.Weights ?? [];
        var updates = 0;
        var position = 0;
        var pendingSteps = 0;
        var checkpoint = CancellationCheckInterval;
        if (!pocket)
        {
            // Perceptron and averaged: the fused search-and-update loop, a chunk at a time (the judgement, when there is
            // one, runs over each chunk just before the training does: one trip through memory for both).
            var step = _learningRate * (_positive - _negative);
            var sums = averaged ? _weightSums : null;
            while (position < _m)
            {
                if (position >= checkpoint)
                {
                    if (cancellationToken.IsCancellationRequested)
                    {
                        return null;
                    }

                    checkpoint = position + CancellationCheckInterval;
                }

                var chunkEnd = Math.Min(_m, position + TrainingChunk);
                if (judged is not null)
                {
                    _samples.Judge(ref judgement, chunkEnd, judgedBias, judgedWeights);
                }

                updates += _samples.Train(position, chunkEnd, ref _bias, _weights, step, sums, ref _biasSum, ref _steps, ref pendingSteps, prefetch: judged is null);
                position = chunkEnd;
            }
        }

        while (position < _m)
        {
            if (position >= checkpoint)
            {
                if (cancellationToken.IsCancellationRequested)
                {
                    return null;
                }

                checkpoint = position + CancellationCheckInterval;
            }

            if (judged is not null && judgement.Next < position + JudgementLead)
            {
                _samples.Judge(ref judgement, position + JudgementLead, judgedBias, judgedWeights);
            }

            var end = Math.Min(_m, checkpoint);
            var mistake = _samples.FindMistake(position, end, _bias, weights);
            if (mistake == end)
            {
                pendingSteps += mistake - position;
                position = end;
                continue;
            }

            if (averaged)
            {
                // The steps before the mistake add the weights as they are; its own step adds the updated weights, and
                // so do the steps up to the next mistake: that one run is added with the next.
                AddToSums(pendingSteps + (mistake - position));
                pendingSteps = 1;
            }

            Update(mistake);
            updates++;
            if (pocket && _pocketErrors > 0)
            {
                // Judge the new weights on the whole set; a tie keeps the earlier pocket (the ratchet).
                var errors = _samples.CountErrors(_bias, weights, stopAt: _pocketErrors);
                if (errors < _pocketErrors)
                {
                    _pocketBias = _bias;
                    weights.CopyTo(_pocketWeights);
                    _pocketErrors = errors;
                }

                if (cancellationToken.IsCancellationRequested)
                {
                    return null;
                }
            }

            position = mistake + 1;
        }

        if (averaged)
        {
            AddToSums(pendingSteps);
        }

        if (judged is not null)
        {
            _samples.Judge(ref judgement, _m, judgedBias, judgedWeights);
        }

        var pocketState = pocket ? (_pocketBias, [.. _pocketWeights], _pocketErrors) : default((double, double[], int));
        if (!averaged)
        {
            return new TrainedEpoch(updates, _bias, [.. weights], pocketState);
        }

        var steps = (double)_steps;
        var average = new double[_n];
        for (var j = 0; j < _n; j++)
        {
            average[j] = _weightSums[j] / steps;
        }

        return new TrainedEpoch(updates, _biasSum / steps, average, pocketState);
    }

    /// <summary>A rule without per-sample steps (ADALINE): one update per epoch, down the whole set's gradient.</summary>
    private EpochRecord GradientEpoch(int epoch)
    {
        var weights = _weights.AsSpan(0, _n);
        if (_permutation is not null)
        {
            Shuffle(_permutation);
            _samples.Reorder(_permutation);

            // The gradient is summed in this epoch's (new) order.
            (_, _, _biasGradientSum) = _samples.Gradient(_bias, weights, _gradientSums);
        }

        // Otherwise the last pass already summed it, under these weights and in this order.
        var m = (double)_m;
        _bias -= _learningRate * (_biasGradientSum / m);
        for (var j = 0; j < _n; j++)
        {
            weights[j] -= _learningRate * (_gradientSums[j] / m);
        }

        int errors;
        double squares;
        if (_permutation is not null)
        {
            (errors, squares) = _samples.Evaluate(_bias, weights);
        }
        else
        {
            // One pass judges the new weights and sums the next epoch's gradient.
            (errors, squares, _biasGradientSum) = _samples.Gradient(_bias, weights, _gradientSums);
        }

        return Record(epoch, _bias, weights, updates: 1, errors, squares);
    }

    /// <summary>Rosenblatt's rule at a misclassified position: <c>δ = η·(y − ŷ)</c>, <c>w0 += δ</c>, <c>wj += δ·xj</c>.</summary>
    private void Update(int position)
    {
        // ŷ is the other label: negative + positive − y, exact for both label sets ({0, 1} and {−1, 1}), and without a
        // branch on the label (which the predictor cannot guess).
        var y = _samples.Label(position);
        var predicted = (_negative + _positive) - y;
        var delta = _learningRate * (y - predicted);
        _bias += delta;
        _samples.AddScaledRow(position, delta, _weights.AsSpan(0, _n));
    }

    /// <summary>
    /// Averaged: <paramref name="steps"/> sample steps under unchanged weights, each adding the weights to the running
    /// sums one step after another (so the sums are exactly the step-by-step sums).
    /// </summary>
    private void AddToSums(int steps)
    {
        if (steps <= 0)
        {
            return;
        }

        _steps += steps;
        RunningSums.AddRepeatedly(ref _biasSum, _bias, _weightSums, _weights, steps);
    }

    private void Shuffle(int[] permutation)
    {
        // A fresh Fisher–Yates permutation of the given order, from the run's seeded generator.
        for (var i = 0; i < permutation.Length; i++)
        {
            permutation[i] = i;
        }

        for (var i = permutation.Length - 1; i > 0; i--)
        {
            var j = _random!.Next(i + 1);
            (permutation[i], permutation[j]) = (permutation[j], permutation[i]);
        }
    }

    private double Accuracy(int errors) => 1.0 - ((double)errors / _m);

    private EpochRecord Record(int epoch, double bias, ReadOnlySpan<double> weights, int updates, int errors, double squares)
    {
        var loss = squares / (2.0 * _m);
        if (!double.IsFinite(bias) || !double.IsFinite(loss) || !AllFinite(weights))
        {
            throw new TrainingDivergedException(epoch, _learningRate);
        }

        return new EpochRecord(epoch, bias, [.. weights], updates, errors, Accuracy(errors), loss);
    }

    private static bool AllFinite(ReadOnlySpan<double> values)
    {
        foreach (var value in values)
        {
            if (!double.IsFinite(value))
            {
                return false;
            }
        }

        return true;
    }

    /// <summary>
    /// An epoch's training outcome: its update count, the model its record reports (the running weights, or for
    /// averaged the averaged model) and, for pocket, the pocket at its end.
    /// </summary>
    private sealed record TrainedEpoch(int Updates, double Bias, double[] Weights, (double Bias, double[] Weights, int Errors) Pocket);
}
