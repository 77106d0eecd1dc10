namespace PerceptronApi.Core.Training.Rules;

/// <summary>
/// Gallant's pocket with ratchet: the perceptron rule, judging the whole set after each update and keeping (in the
/// pocket) the weights with the fewest errors so far; a tie keeps the earlier ones. The result is the pocket.
/// </summary>
internal sealed class PocketRule : SampleStepRule
{
    internal override TrainingAlgorithm Algorithm => TrainingAlgorithm.Pocket;

    internal override bool KeepsPocket => true;

    internal override bool CanCycle => true;
}
