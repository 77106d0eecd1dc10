using PerceptronApi.Core.Model;

namespace PerceptronApi.Core.Training;

/// <summary>The outcome of a training run.</summary>
/// <param name="Model">The final model (pocket: the pocket; averaged: the averaged model).</param>
/// <param name="Activation">The activation it was trained with, threshold resolved.</param>
/// <param name="Converged">Whether it stopped because it converged (or, for ADALINE with a tolerance, the loss settled).</param>
/// <param name="StopReason">Why it stopped.</param>
/// <param name="Epochs">How many epochs ran (the last record's epoch).</param>
/// <param name="Errors">Misclassified training samples under the final model.</param>
/// <param name="Accuracy"><c>1 − Errors / samples</c>.</param>
/// <param name="Loss"><c>1/(2M) Σ (z − y)²</c> under the final model.</param>
/// <param name="Seed">The seed used, when the run used randomness (drawn if none was given).</param>
public sealed record TrainingResult(
    Perceptron Model,
    ActivationFunction Activation,
    bool Converged,
    StopReason StopReason,
    int Epochs,
    int Errors,
    double Accuracy,
    double Loss,
    int? Seed)
{
    /// <summary>For <see cref="StopReason.Cycle"/>: the epochs whose end states matched.</summary>
    public EpochCycle? Cycle { get; init; }

    /// <summary>Why the run stopped, in words, where that says more than the reason's name (a cycle).</summary>
    public string? Explanation => Cycle?.Explain();
}
