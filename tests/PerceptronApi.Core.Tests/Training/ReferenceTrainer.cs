using PerceptronApi.Core.Training;

namespace PerceptronApi.Core.Tests.Training;

/// <summary>
/// The tests' view of the plain implementation in src (<see cref="PlainTrainer"/>): a run collected into lists, with
/// every sample step of the running perceptron.
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
        List<Step> Steps,
        TrainingResult Result,
        List<EpochTrace> Traces);

    /// <summary>z = ((w0 + w1*x1) + w2*x2) + ..., written out here once more so the tests do not lean on src for it.</summary>
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
        var history = new List<EpochRecord>();
        var traces = new List<EpochTrace>();
        var result = PlainTrainer.Train(Scenario.ToSet(x, y), options, seed, history.Add, traces.Add, CancellationToken.None);
        var steps = traces.SelectMany(trace => trace.Steps).Select(step => new Step(step.Bias, [.. step.Weights])).ToList();
        return new Run(history, result.Model.Bias, [.. result.Model.Weights], result.StopReason, result.Errors, result.Loss, steps, result, traces);
    }
}
