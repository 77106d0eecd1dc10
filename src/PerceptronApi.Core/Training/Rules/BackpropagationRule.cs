using PerceptronApi.Core.Model;

namespace PerceptronApi.Core.Training.Rules;

/// <summary>
/// A network of sigmoid units trained by full-batch gradient descent, the gradient found by backpropagation. It has its
/// own trainer and records (<see cref="NetworkTrainer"/>, which also decides when it stops); it learns with a larger
/// rate, for more epochs, from random weights.
/// </summary>
internal sealed class BackpropagationRule : TrainingRule
{
    internal override TrainingAlgorithm Algorithm => TrainingAlgorithm.Backpropagation;

    internal override bool TakesTolerance => true;

    internal override bool TrainsNetwork => true;

    internal override TrainingOptions Defaults => new()
    {
        Algorithm = Algorithm,
        LearningRate = TrainingOptions.DefaultNetworkLearningRate,
        MaxEpochs = TrainingOptions.DefaultNetworkMaxEpochs,
        Initialization = WeightInitialization.Random,
    };

    /// <summary>The sigmoid output's 0/1, whatever the activation field says.</summary>
    internal override (double Negative, double Positive)? LabelSet(Activation activation) =>
        ActivationFunction.Create(Activation.Sigmoid).Labels;
}
