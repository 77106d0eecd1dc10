using System.Collections.Immutable;

namespace PerceptronApi.Core.Training;

/// <summary>
/// The state after one epoch (epoch 0 is the initial weights, before any update).
/// <c>Updates</c> counts what happened during the epoch; <c>Errors</c> judges the weights at its end.
/// </summary>
/// <param name="Epoch">0 for the initial state, then 1, 2, ...</param>
/// <param name="Bias">The bias after this epoch (for averaged: the averaged model's).</param>
/// <param name="Weights">The weights after this epoch (for averaged: the averaged model's).</param>
/// <param name="Updates">How many samples changed the weights during this epoch (0 at epoch 0; ADALINE: 1).</param>
/// <param name="Errors">Misclassified training samples under this record's bias and weights.</param>
/// <param name="Accuracy"><c>1 − Errors / samples</c>.</param>
/// <param name="Loss"><c>1/(2M) Σ (z − y)²</c> under this record's bias and weights.</param>
public sealed record EpochRecord(
    int Epoch,
    double Bias,
    ImmutableArray<double> Weights,
    int Updates,
    int Errors,
    double Accuracy,
    double Loss);
