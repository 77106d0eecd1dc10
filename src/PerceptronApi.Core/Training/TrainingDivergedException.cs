namespace PerceptronApi.Core.Training;

/// <summary>
/// Training produced a non-finite bias, weight or loss (typically ADALINE with too large a learning rate).
/// The message names the epoch and the learning rate, in words a client can act on.
/// </summary>
public sealed class TrainingDivergedException : Exception
{
    /// <summary>Creates the exception with a default message.</summary>
    public TrainingDivergedException()
        : base("The weights diverged to non-finite values; lower the learning rate.")
    {
    }

    /// <summary>Creates the exception with a message.</summary>
    public TrainingDivergedException(string message)
        : base(message)
    {
    }

    /// <summary>Creates the exception with a message and the exception that caused it.</summary>
    public TrainingDivergedException(string message, Exception innerException)
        : base(message, innerException)
    {
    }

    /// <summary>Creates the exception for a run that diverged at <paramref name="epoch"/> with learning rate <paramref name="learningRate"/>.</summary>
    public TrainingDivergedException(int epoch, double learningRate)
        : base($"The weights diverged to non-finite values at epoch {epoch}; lower the learning rate ({learningRate}).")
    {
        Epoch = epoch;
        LearningRate = learningRate;
    }

    /// <summary>The epoch at which a value stopped being finite, when known.</summary>
    public int? Epoch { get; }

    /// <summary>The learning rate of the run, when known.</summary>
    public double? LearningRate { get; }
}
