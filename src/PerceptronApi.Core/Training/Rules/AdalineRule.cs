namespace PerceptronApi.Core.Training.Rules;

/// <summary>
/// ADALINE's delta rule as batch gradient descent on the squared error: one update per epoch,
/// <c>wj −= η·Σ (z − y)·xj / M</c>; stops once the loss falls by less than the tolerance in one epoch.
/// </summary>
internal sealed class AdalineRule : UnitRule
{
    internal override TrainingAlgorithm Algorithm => TrainingAlgorithm.Adaline;

    internal override bool TakesTolerance => true;

    internal override StopReason? StopAfter(EpochRecord previous, EpochRecord record, TrainingOptions options, bool cycle) =>
        options.Tolerance is { } tolerance && previous.Loss - record.Loss is var fall && fall >= 0 && fall < tolerance
            ? StopReason.LossTolerance
            : null;
}
