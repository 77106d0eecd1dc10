namespace PerceptronApi.Core.Training.Rules;

/// <summary>
/// The averaged perceptron: the perceptron rule, reporting the average of the weights after every sample step. The
/// average changes even in an epoch without updates, so a repeated running state proves nothing about the records.
/// </summary>
internal sealed class AveragedRule : SampleStepRule
{
    internal override TrainingAlgorithm Algorithm => TrainingAlgorithm.Averaged;

    internal override bool ReportsAverage => true;
}
