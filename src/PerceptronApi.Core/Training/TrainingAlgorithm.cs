namespace PerceptronApi.Core.Training;

/// <summary>How the weights learn from the training samples.</summary>
public enum TrainingAlgorithm
{
    /// <summary>Rosenblatt's rule, per sample: <c>w += η·(y − ŷ)·x</c>; stops after an epoch without updates.</summary>
    Perceptron,

    /// <summary>The perceptron rule keeping the best weights seen so far (Gallant's pocket with ratchet).</summary>
    Pocket,

    /// <summary>The perceptron rule; the model is the average of the weights after every sample step.</summary>
    Averaged,

    /// <summary>The delta rule as batch gradient descent on the squared error (ADALINE).</summary>
    Adaline,

    /// <summary>
    /// A network of sigmoid units (<see cref="TrainingOptions.HiddenLayers"/>, then one output unit) trained by full-batch
    /// gradient descent on the squared error, the gradient found by backpropagation (see <see cref="NetworkTrainer"/>).
    /// </summary>
    Backpropagation,
}

/// <summary>Where the weights start.</summary>
public enum WeightInitialization
{
    /// <summary>Bias and weights 0.</summary>
    Zeros,

    /// <summary>
    /// Small random values from a seeded generator: <c>new System.Random(seed)</c> draws the bias, then the weights in
    /// order, each <c>NextDouble() − 0.5</c>, uniform in [−0.5, 0.5). A shuffling run then draws its permutations from
    /// the same generator.
    /// </summary>
    Random,
}

/// <summary>Why training stopped.</summary>
public enum StopReason
{
    /// <summary>An epoch went by without a single update: every sample is classified right.</summary>
    Converged,

    /// <summary>The epoch limit was reached first.</summary>
    MaxEpochsReached,

    /// <summary>ADALINE's loss fell by less than the tolerance in one epoch.</summary>
    LossTolerance,

    /// <summary>The caller canceled.</summary>
    Canceled,

    /// <summary>
    /// The running perceptron ended an epoch with updates in exactly the state (bit for bit) of an earlier epoch's end:
    /// the rule would repeat the same epochs forever, which proves the data are not linearly separable.
    /// </summary>
    Cycle,

    /// <summary>A network's loss reached <see cref="TrainingOptions.TargetLoss"/>.</summary>
    TargetLoss,
}
