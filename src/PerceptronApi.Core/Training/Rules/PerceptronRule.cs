namespace PerceptronApi.Core.Training.Rules;

/// <summary>Rosenblatt's rule: on each misclassified sample, <c>w0 += δ</c>, <c>wj += δ·xj</c> with <c>δ = η·(y − ŷ)</c>.</summary>
internal sealed class PerceptronRule : SampleStepRule
{
    internal override TrainingAlgorithm Algorithm => TrainingAlgorithm.Perceptron;

    internal override bool CanCycle => true;
}
