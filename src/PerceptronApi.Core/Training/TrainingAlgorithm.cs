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
}
