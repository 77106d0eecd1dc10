using System.Collections.Immutable;

namespace PerceptronApi.Core.Training;

/// <summary>Every sample step of one epoch of a perceptron rule, in the order the samples were visited.</summary>
/// <param name="Epoch">The epoch (1, 2, ...).</param>
/// <param name="Steps">One step per sample.</param>
public sealed record EpochTrace(int Epoch, ImmutableArray<TraceStep> Steps);

/// <summary>
/// One sample step: the sample, what the running perceptron made of it before the step, and the running perceptron
/// after it. This is the tutorial's table, row by row.
/// </summary>
/// <param name="Step">0-based position in the epoch.</param>
/// <param name="Sample">The sample's index in the training set.</param>
/// <param name="Inputs">The sample's inputs.</param>
/// <param name="Z">The net input under the weights before the step, in the contract's order.</param>
/// <param name="Output">The activation's output for <paramref name="Z"/>.</param>
/// <param name="Expected">The sample's label.</param>
/// <param name="Error"><c>Expected − Output</c>.</param>
/// <param name="Updated">Whether the step changed the weights (the error was not 0).</param>
/// <param name="Bias">The running perceptron's bias after the step.</param>
/// <param name="Weights">The running perceptron's weights after the step.</param>
public sealed record TraceStep(
    int Step,
    int Sample,
    ImmutableArray<double> Inputs,
    double Z,
    double Output,
    double Expected,
    double Error,
    bool Updated,
    double Bias,
    ImmutableArray<double> Weights);
