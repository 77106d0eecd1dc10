using System.Collections.Immutable;
using PerceptronApi.Core.Training;

namespace PerceptronApi.Core.Classes;

/// <summary>One class's unit in a one-vs-rest epoch record: its model and how it does on its own binary problem.</summary>
/// <param name="Class">The class the unit says "yes" to.</param>
/// <param name="Bias">The unit's bias after this epoch (averaged: the averaged model's).</param>
/// <param name="Weights">The unit's weights after this epoch.</param>
/// <param name="Updates">The unit's updates during this epoch (0 once it has stopped).</param>
/// <param name="Errors">Samples the unit gets wrong in "this class or not".</param>
/// <param name="Loss"><c>1/(2M) Σ (z − y)²</c> of the unit on its binary labels.</param>
public sealed record UnitRecord(ClassLabel Class, double Bias, ImmutableArray<double> Weights, int Updates, int Errors, double Loss);

/// <summary>A one-vs-rest epoch: every unit after the same epoch, and how their argmax classifies the samples.</summary>
/// <param name="Epoch">0 for the initial state, then 1, 2, ...</param>
/// <param name="Updates">The units' updates, summed.</param>
/// <param name="Errors">Samples whose predicted class (the unit with the largest <c>z</c>; the first on a tie) is wrong.</param>
/// <param name="Accuracy"><c>1 − Errors / samples</c>.</param>
/// <param name="Loss">The mean of the units' losses.</param>
/// <param name="Units">One per class, in the classes' order.</param>
public sealed record OneVsRestEpochRecord(int Epoch, int Updates, int Errors, double Accuracy, double Loss, ImmutableArray<UnitRecord> Units);

/// <summary>One class's unit when the run ended.</summary>
/// <param name="Class">The class the unit says "yes" to.</param>
/// <param name="Bias">The unit's final bias (pocket: the pocket's; averaged: the averaged model's).</param>
/// <param name="Weights">The unit's final weights.</param>
/// <param name="Converged">Whether the unit's own run converged.</param>
/// <param name="StopReason">Why the unit's own run stopped.</param>
/// <param name="Cycle">Where its run repeated itself, when it stopped on a cycle.</param>
public sealed record UnitResult(ClassLabel Class, double Bias, ImmutableArray<double> Weights, bool Converged, StopReason StopReason, EpochCycle? Cycle);

/// <summary>The outcome of a one-vs-rest run.</summary>
/// <param name="Model">The classifier: the units and their classes.</param>
/// <param name="Units">Each unit's result, in the classes' order.</param>
/// <param name="Converged">Whether every unit converged.</param>
/// <param name="StopReason">The reason of the last unit to stop, or <see cref="StopReason.MaxEpochsReached"/>.</param>
/// <param name="Epochs">How many epochs ran.</param>
/// <param name="Errors">Samples the final classifier gets wrong.</param>
/// <param name="Accuracy"><c>1 − Errors / samples</c>.</param>
/// <param name="Loss">The mean of the final units' losses.</param>
/// <param name="Seed">The seed used, when the run used randomness.</param>
public sealed record OneVsRestResult(
    Classifier Model,
    ImmutableArray<UnitResult> Units,
    bool Converged,
    StopReason StopReason,
    int Epochs,
    int Errors,
    double Accuracy,
    double Loss,
    int? Seed)
{
    /// <summary>The classes, in the contract's order.</summary>
    public ImmutableArray<ClassLabel> Classes => Model.Classes;
}
