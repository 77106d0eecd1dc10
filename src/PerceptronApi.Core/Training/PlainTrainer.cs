using PerceptronApi.Core.Model;
using PerceptronApi.Core.Training.Rules;

namespace PerceptronApi.Core.Training;

/// <summary>
/// The training rules of API.md §1 written out plainly — one sample at a time, scalar arithmetic, no SIMD, no
/// shortcuts — so that a reader finds each rule here first. <see cref="TrainingEngine"/> is the fast path; the tests
/// hold it to this implementation bit for bit. The service also runs this one whenever a run is traced
/// (<see cref="TrainingOptions.Trace"/>), since only this one visits every step: traced runs are small by limit.
/// Validated input is assumed.
/// </summary>
internal static class PlainTrainer
{
    /// <summary>Trains as <see cref="Trainer.Train(TrainingSet, TrainingOptions, Action{EpochRecord}?, CancellationToken)"/> does.</summary>
    /// <param name="data">The samples and labels.</param>
    /// <param name="options">The options.</param>
    /// <param name="seed">The resolved seed (drawn by the caller when the options need one and give none).</param>
    /// <param name="onEpoch">Receives every record as its epoch ends.</param>
    /// <param name="onTrace">Receives every epoch's sample steps (perceptron, pocket and averaged) before its record.</param>
    /// <param name="cancellationToken">Checked between epochs and every few thousand samples.</param>
    internal static TrainingResult Train(TrainingSet data, TrainingOptions options, int? seed, Action<EpochRecord>? onEpoch, Action<EpochTrace>? onTrace, CancellationToken cancellationToken)
    {
        var rule = (UnitRule)options.Rule!;
        var run = new Run(data, options, seed);
        var last = run.Judge(0, run.Bias, run.Weights, updates: 0, run.GivenOrder);
        onEpoch?.Invoke(last);
        var states = options.DetectsCycles ? new EpochStates() : null;
        states?.Add(0, run.Bias, run.Weights);
        var pocketAtLastRecord = run.Pocket;
        StopReason? stop = null;
        EpochCycle? cycle = null;
        for (var epoch = 1; stop is null; epoch++)
        {
            if (cancellationToken.IsCancellationRequested)
            {
                stop = StopReason.Canceled;
                break;
            }

            var order = run.NextOrder();
            EpochRecord record;
            if (!rule.StepsPerSample)
            {
                run.AdalineEpoch(order);
                record = run.Judge(epoch, run.Bias, run.Weights, updates: 1, order);

                // The stop rules are written out here, not taken from the rule object: this is the reference the
                // engine's rules are tested against.
                var fall = last.Loss - record.Loss;
                if (options.Tolerance is { } tolerance && fall >= 0 && fall < tolerance)
                {
                    stop = StopReason.LossTolerance;
                }
            }
            else
            {
                if (run.PerceptronEpoch(order, onTrace is null ? null : [], cancellationToken) is not { } trained)
                {
                    stop = StopReason.Canceled;
                    break;
                }

                var (updates, steps) = trained;

                if (steps is not null)
                {
                    onTrace!(new EpochTrace(epoch, [.. steps]));
                }

                record = rule.ReportsAverage
                    ? run.Judge(epoch, run.AveragedBias, run.AveragedWeights, updates, order)
                    : run.Judge(epoch, run.Bias, run.Weights, updates, order);
                pocketAtLastRecord = run.Pocket;
                if (updates == 0)
                {
                    stop = StopReason.Converged;
                }
                else if (states?.Add(epoch, run.Bias, run.Weights) is { } repeated)
                {
                    cycle = repeated;
                    stop = StopReason.Cycle;
                }
            }

            onEpoch?.Invoke(record);
            last = record;
            if (stop is null && epoch >= options.MaxEpochs)
            {
                stop = StopReason.MaxEpochsReached;
            }
        }

        var reason = stop.Value;
        var converged = reason is StopReason.Converged or StopReason.LossTolerance;
        if (!rule.KeepsPocket)
        {
            return new TrainingResult(new Perceptron(last.Bias, last.Weights), run.Activation, converged, reason, last.Epoch, last.Errors, last.Accuracy, last.Loss, seed) { Cycle = cycle };
        }

        // The pocket as it was at the last record; its loss belongs to no epoch, so it is summed in the given order.
        var (pocketBias, pocketWeights, _) = pocketAtLastRecord;
        var judged = run.Judge(last.Epoch, pocketBias, pocketWeights, 0, run.GivenOrder);
        return new TrainingResult(new Perceptron(pocketBias, pocketWeights), run.Activation, converged, reason, last.Epoch, judged.Errors, judged.Accuracy, judged.Loss, seed) { Cycle = cycle };
    }

    /// <summary>The state of one run: the running perceptron, the pocket, the averaged sums, the seeded generator.</summary>
    private sealed class Run
    {
        private readonly double[][] _x;
        private readonly double[] _y;
        private readonly TrainingOptions _options;
        private readonly bool _keepsPocket;
        private readonly Random? _random;
        private readonly double _eta;
        private double _pocketBias;
        private double[] _pocketWeights;
        private int _pocketErrors;
        private double _biasSum;
        private readonly double[] _weightSums;
        private long _steps;

        internal Run(TrainingSet data, TrainingOptions options, int? seed)
        {
            _options = options;
            _keepsPocket = options.Rule!.KeepsPocket;
            _x = [.. Enumerable.Range(0, data.Samples).Select(i => data.Inputs.Row(i).ToArray())];
            _y = [.. data.Labels];
            _eta = options.LearningRate;
            Activation = ActivationFunction.Create(options.Activation, options.Threshold);
            _random = seed is { } s ? new Random(s) : null;
            GivenOrder = [.. Enumerable.Range(0, data.Samples)];
            Weights = new double[data.Features];
            _weightSums = new double[data.Features];
            if (options.InitialWeights is { } initial)
            {
                Bias = initial.Bias;
                Weights = [.. initial.Weights];
            }
            else if (options.Initialization == WeightInitialization.Random)
            {
                // The scheme of WeightInitialization.Random: the bias first, then each weight, uniform in [−0.5, 0.5).
                Bias = _random!.NextDouble() - TrainingOptions.RandomInitialScale;
                for (var j = 0; j < Weights.Length; j++)
                {
                    Weights[j] = _random.NextDouble() - TrainingOptions.RandomInitialScale;
                }
            }

            _pocketBias = Bias;
            _pocketWeights = [.. Weights];
            _pocketErrors = CountErrors(Bias, Weights);
        }

        internal ActivationFunction Activation { get; }

        internal int[] GivenOrder { get; }

        /// <summary>The running perceptron's bias.</summary>
        internal double Bias { get; private set; }

        /// <summary>The running perceptron's weights.</summary>
        internal double[] Weights { get; }

        internal (double Bias, double[] Weights, int Errors) Pocket => (_pocketBias, [.. _pocketWeights], _pocketErrors);

        internal double AveragedBias => _biasSum / _steps;

        internal double[] AveragedWeights => [.. _weightSums.Select(sum => sum / _steps)];

        /// <summary>The order of the next epoch: the given one, or a fresh Fisher–Yates shuffle from the seeded generator.</summary>
        internal int[] NextOrder()
        {
            var order = (int[])GivenOrder.Clone();
            if (_options.Shuffle)
            {
                for (var i = order.Length - 1; i > 0; i--)
                {
                    var j = _random!.Next(i + 1);
                    (order[i], order[j]) = (order[j], order[i]);
                }
            }

            return order;
        }

        /// <summary>
        /// One epoch of Rosenblatt's rule: per sample <c>e = y − ŷ</c>; if <c>e ≠ 0</c>, <c>w0 += η·e</c> and
        /// <c>wi += η·e·xi</c>. Pocket judges the weights after every update on the whole set and keeps them when they
        /// make strictly fewer errors; averaged adds the weights to running sums after every step. Returns the number of
        /// updates and, when asked, the steps; <see langword="null"/> when canceled.
        /// </summary>
        internal (int Updates, List<TraceStep>? Steps)? PerceptronEpoch(int[] order, List<TraceStep>? steps, CancellationToken cancellationToken)
        {
            var updates = 0;
            for (var step = 0; step < order.Length; step++)
            {
                if (step % TrainingEngine.CancellationCheckInterval == 0 && step > 0 && cancellationToken.IsCancellationRequested)
                {
                    return null;
                }

                var i = order[step];
                var z = Perceptron.NetInput(Bias, Weights, _x[i]);
                var output = Activation.Output(z);
                var error = _y[i] - output;
                if (error != 0)
                {
                    var delta = _eta * error;
                    Bias += delta;
                    for (var j = 0; j < Weights.Length; j++)
                    {
                        Weights[j] += delta * _x[i][j];
                    }

                    updates++;
                    if (_keepsPocket)
                    {
                        var errors = CountErrors(Bias, Weights);
                        if (errors < _pocketErrors)
                        {
                            (_pocketBias, _pocketWeights, _pocketErrors) = (Bias, [.. Weights], errors);
                        }
                    }
                }

                _steps++;
                _biasSum += Bias;
                for (var j = 0; j < Weights.Length; j++)
                {
                    _weightSums[j] += Weights[j];
                }

                steps?.Add(new TraceStep(step, i, [.. _x[i]], z, output, _y[i], error, error != 0, Bias, [.. Weights]));
            }

            return (updates, steps);
        }

        /// <summary>One epoch of ADALINE: the gradient of <c>1/(2M) Σ (z − y)²</c> summed in the epoch's order, one step.</summary>
        internal void AdalineEpoch(int[] order)
        {
            var m = (double)order.Length;
            var biasGradient = 0.0;
            var weightGradients = new double[Weights.Length];
            foreach (var i in order)
            {
                var d = Perceptron.NetInput(Bias, Weights, _x[i]) - _y[i];
                biasGradient += d;
                for (var j = 0; j < Weights.Length; j++)
                {
                    weightGradients[j] += d * _x[i][j];
                }
            }

            Bias -= _eta * (biasGradient / m);
            for (var j = 0; j < Weights.Length; j++)
            {
                Weights[j] -= _eta * (weightGradients[j] / m);
            }
        }

        /// <summary>The record of a model: errors and <c>1/(2M) Σ (z − y)²</c>, summed in <paramref name="order"/>.</summary>
        internal EpochRecord Judge(int epoch, double bias, double[] weights, int updates, int[] order)
        {
            var errors = 0;
            var squares = 0.0;
            foreach (var i in order)
            {
                var z = Perceptron.NetInput(bias, weights, _x[i]);
                if (Activation.Classify(z) != _y[i])
                {
                    errors++;
                }

                squares += (z - _y[i]) * (z - _y[i]);
            }

            var loss = squares / (2.0 * order.Length);
            if (!double.IsFinite(loss) || !double.IsFinite(bias) || !weights.All(double.IsFinite))
            {
                throw new TrainingDivergedException(epoch, _eta);
            }

            return new EpochRecord(epoch, bias, [.. weights], updates, errors, 1.0 - ((double)errors / order.Length), loss);
        }

        private int CountErrors(double bias, double[] weights) =>
            Enumerable.Range(0, _x.Length).Count(i => Activation.Classify(Perceptron.NetInput(bias, weights, _x[i])) != _y[i]);
    }
}
