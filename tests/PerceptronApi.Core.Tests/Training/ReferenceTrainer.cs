using PerceptronApi.Core.Training;

namespace PerceptronApi.Core.Tests.Training;

/// <summary>
/// An independent, deliberately plain implementation of API.md §1: scalar, one sample at a time, jagged rows, no SIMD,
/// no shortcuts. The fast trainer must agree with it bit for bit.
/// </summary>
internal static class ReferenceTrainer
{
    internal sealed record Step(double Bias, double[] Weights);

    internal sealed record Run(
        List<EpochRecord> History,
        double Bias,
        double[] Weights,
        StopReason StopReason,
        int Errors,
        double Loss,
        List<Step> Steps);

    /// <summary>z = ((w0 + w1*x1) + w2*x2) + ...</summary>
    internal static double NetInput(double bias, double[] weights, double[] x)
    {
        var z = bias;
        for (var j = 0; j < weights.Length; j++)
        {
            z += weights[j] * x[j];
        }

        return z;
    }

    internal static Run Train(double[][] x, double[] y, TrainingOptions options, int? seed)
    {
        var m = x.Length;
        var n = x[0].Length;
        var threshold = options.Threshold ?? (options.Activation == PerceptronApi.Core.Model.Activation.Sign ? 0.0 : 0.5);
        var negative = options.Activation == PerceptronApi.Core.Model.Activation.Sign ? -1.0 : 0.0;
        var eta = options.LearningRate;
        var random = seed is { } s ? new Random(s) : null;

        var bias = 0.0;
        var weights = new double[n];
        if (options.InitialWeights is { } initial)
        {
            bias = initial.Bias;
            weights = [.. initial.Weights];
        }
        else if (options.Initialization == WeightInitialization.Random)
        {
            bias = random!.NextDouble() - 0.5;
            for (var j = 0; j < n; j++)
            {
                weights[j] = random.NextDouble() - 0.5;
            }
        }

        double Classify(double z) => z >= threshold ? 1.0 : negative;

        int CountErrors(double b, double[] w)
        {
            var errors = 0;
            for (var i = 0; i < m; i++)
            {
                if (Classify(NetInput(b, w, x[i])) != y[i])
                {
                    errors++;
                }
            }

            return errors;
        }

        EpochRecord Judge(int epoch, double b, double[] w, int updates, int[] order)
        {
            var errors = 0;
            var sum = 0.0;
            foreach (var i in order)
            {
                var z = NetInput(b, w, x[i]);
                if (Classify(z) != y[i])
                {
                    errors++;
                }

                sum += (z - y[i]) * (z - y[i]);
            }

            var loss = sum / (2.0 * m);
            if (!double.IsFinite(loss) || !double.IsFinite(b) || w.Any(v => !double.IsFinite(v)))
            {
                throw new TrainingDivergedException(epoch, eta);
            }

            return new EpochRecord(epoch, b, [.. w], updates, errors, 1.0 - ((double)errors / m), loss);
        }

        var identity = Enumerable.Range(0, m).ToArray();
        var history = new List<EpochRecord> { Judge(0, bias, weights, 0, identity) };
        var steps = new List<Step>();
        var pocketBias = bias;
        var pocketWeights = (double[])weights.Clone();
        var pocketErrors = history[0].Errors;
        var sumBias = 0.0;
        var sumWeights = new double[n];
        long stepCount = 0;
        StopReason? stop = null;
        for (var epoch = 1; stop is null; epoch++)
        {
            var order = (int[])identity.Clone();
            if (options.Shuffle)
            {
                for (var i = m - 1; i > 0; i--)
                {
                    var j = random!.Next(i + 1);
                    (order[i], order[j]) = (order[j], order[i]);
                }
            }

            EpochRecord record;
            if (options.Algorithm == TrainingAlgorithm.Adaline)
            {
                var g0 = 0.0;
                var g = new double[n];
                foreach (var i in order)
                {
                    var d = NetInput(bias, weights, x[i]) - y[i];
                    g0 += d;
                    for (var j = 0; j < n; j++)
                    {
                        g[j] += d * x[i][j];
                    }
                }

                bias -= eta * (g0 / m);
                for (var j = 0; j < n; j++)
                {
                    weights[j] -= eta * (g[j] / m);
                }

                record = Judge(epoch, bias, weights, 1, order);
                var fall = history[^1].Loss - record.Loss;
                if (options.Tolerance is { } tolerance && fall >= 0 && fall < tolerance)
                {
                    stop = StopReason.LossTolerance;
                }
            }
            else
            {
                var updates = 0;
                foreach (var i in order)
                {
                    var e = y[i] - Classify(NetInput(bias, weights, x[i]));
                    if (e != 0)
                    {
                        var delta = eta * e;
                        bias += delta;
                        for (var j = 0; j < n; j++)
                        {
                            weights[j] += delta * x[i][j];
                        }

                        updates++;
                        if (options.Algorithm == TrainingAlgorithm.Pocket)
                        {
                            var errors = CountErrors(bias, weights);
                            if (errors < pocketErrors)
                            {
                                (pocketBias, pocketWeights, pocketErrors) = (bias, (double[])weights.Clone(), errors);
                            }
                        }
                    }

                    steps.Add(new Step(bias, (double[])weights.Clone()));
                    stepCount++;
                    sumBias += bias;
                    for (var j = 0; j < n; j++)
                    {
                        sumWeights[j] += weights[j];
                    }
                }

                if (options.Algorithm == TrainingAlgorithm.Averaged)
                {
                    record = Judge(epoch, sumBias / stepCount, [.. sumWeights.Select(v => v / stepCount)], updates, order);
                }
                else
                {
                    record = Judge(epoch, bias, weights, updates, order);
                }

                if (updates == 0)
                {
                    stop = StopReason.Converged;
                }
            }

            history.Add(record);
            if (stop is null && epoch >= options.MaxEpochs)
            {
                stop = StopReason.MaxEpochsReached;
            }
        }

        var last = history[^1];
        if (options.Algorithm != TrainingAlgorithm.Pocket)
        {
            return new Run(history, last.Bias, [.. last.Weights], stop.Value, last.Errors, last.Loss, steps);
        }

        var squares = 0.0;
        for (var i = 0; i < m; i++)
        {
            var d = NetInput(pocketBias, pocketWeights, x[i]) - y[i];
            squares += d * d;
        }

        return new Run(history, pocketBias, pocketWeights, stop.Value, pocketErrors, squares / (2.0 * m), steps);
    }
}
