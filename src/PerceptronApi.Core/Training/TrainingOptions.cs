using PerceptronApi.Core.Model;

namespace PerceptronApi.Core.Training;

/// <summary>How to train. Every default is defined here, once.</summary>
public sealed record TrainingOptions
{
    /// <summary>The default learning rate η.</summary>
    public const double DefaultLearningRate = 0.1;

    /// <summary>The default epoch limit.</summary>
    public const int DefaultMaxEpochs = 100;

    /// <summary>The largest <see cref="MaxEpochs"/> the core accepts; a host may set a lower limit of its own.</summary>
    public const int MaxEpochsLimit = 1_000_000;

    /// <summary>Random initial values are drawn uniformly from [−<c>RandomInitialScale</c>, <c>RandomInitialScale</c>).</summary>
    public const double RandomInitialScale = 0.5;

    /// <summary>The algorithm (default <see cref="TrainingAlgorithm.Perceptron"/>).</summary>
    public TrainingAlgorithm Algorithm { get; init; } = TrainingAlgorithm.Perceptron;

    /// <summary>Step or sign (default step); it fixes the label set.</summary>
    public Activation Activation { get; init; } = Activation.Step;

    /// <summary>θ; <see langword="null"/> takes the activation's default (0.5 for step, 0 for sign).</summary>
    public double? Threshold { get; init; }

    /// <summary>η, finite and positive (default 0.1).</summary>
    public double LearningRate { get; init; } = DefaultLearningRate;

    /// <summary>The most epochs to run (default 100).</summary>
    public int MaxEpochs { get; init; } = DefaultMaxEpochs;

    /// <summary>Where the weights start unless <see cref="InitialWeights"/> is given (default zeros).</summary>
    public WeightInitialization Initialization { get; init; } = WeightInitialization.Zeros;

    /// <summary>Explicit starting weights; they override <see cref="Initialization"/>.</summary>
    public Perceptron? InitialWeights { get; init; }

    /// <summary>Whether each epoch visits the samples in a fresh seeded random order (default false).</summary>
    public bool Shuffle { get; init; }

    /// <summary>The seed of every random choice; <see langword="null"/> lets the trainer draw one (and report it).</summary>
    public int? Seed { get; init; }

    /// <summary>ADALINE only: stop once the loss falls by less than this in one epoch (default: never).</summary>
    public double? Tolerance { get; init; }

    /// <summary>Whether this run needs a seed: it shuffles or starts from random weights.</summary>
    public bool UsesRandomness => Shuffle || (Initialization == WeightInitialization.Random && InitialWeights is null);
}
