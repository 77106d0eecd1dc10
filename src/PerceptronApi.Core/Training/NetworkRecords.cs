using System.Collections.Immutable;
using PerceptronApi.Core.Model;

namespace PerceptronApi.Core.Training;

/// <summary>A network's state after one epoch of backpropagation (epoch 0 is the initial network).</summary>
/// <param name="Epoch">0 for the initial state, then 1, 2, ...</param>
/// <param name="Layers">Every layer's units after this epoch, input side first; the last layer is the output unit.</param>
/// <param name="Updates">0 at epoch 0, else 1 (full-batch gradient descent updates once per epoch).</param>
/// <param name="Errors">Samples whose class (<c>ŷ &gt;= 0.5</c> → 1) differs from their label.</param>
/// <param name="Accuracy"><c>1 − Errors / samples</c>.</param>
/// <param name="Loss"><c>1/(2M) Σ (ŷ − y)²</c> under this record's network.</param>
public sealed record NetworkEpochRecord(
    int Epoch,
    ImmutableArray<ImmutableArray<Perceptron>> Layers,
    int Updates,
    int Errors,
    double Accuracy,
    double Loss);

/// <summary>The outcome of training a network.</summary>
/// <param name="Model">The trained network (sigmoid units).</param>
/// <param name="Converged">Whether it stopped at the target loss or because the loss settled (tolerance).</param>
/// <param name="StopReason">Why it stopped.</param>
/// <param name="Epochs">How many epochs ran (the last record's epoch).</param>
/// <param name="Errors">Misclassified training samples under the trained network.</param>
/// <param name="Accuracy"><c>1 − Errors / samples</c>.</param>
/// <param name="Loss"><c>1/(2M) Σ (ŷ − y)²</c> under the trained network.</param>
/// <param name="Seed">The seed used, when the run used randomness (drawn if none was given).</param>
public sealed record NetworkTrainingResult(
    Network Model,
    bool Converged,
    StopReason StopReason,
    int Epochs,
    int Errors,
    double Accuracy,
    double Loss,
    int? Seed);
