using System.Collections.Immutable;
using PerceptronApi.Core.Model;
using PerceptronApi.Core.Training.Rules;

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

    /// <summary>The default learning rate of <see cref="TrainingAlgorithm.Backpropagation"/> (measured on XOR: docs/backpropagation.md).</summary>
    public const double DefaultNetworkLearningRate = 4.0;

    /// <summary>The default epoch limit of <see cref="TrainingAlgorithm.Backpropagation"/>.</summary>
    public const int DefaultNetworkMaxEpochs = 5000;

    /// <summary>
    /// The options a request for <paramref name="algorithm"/> gets for every field it leaves out: the one place the
    /// per-algorithm defaults are chosen (each algorithm's rule; a network learns with a larger rate, for more epochs,
    /// from random weights).
    /// </summary>
    public static TrainingOptions Defaults(TrainingAlgorithm algorithm) =>
        TrainingRule.Of(algorithm)?.Defaults ?? new TrainingOptions { Algorithm = algorithm };

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

    /// <summary>ADALINE and backpropagation only: stop once the loss falls by less than this in one epoch (default: never).</summary>
    public double? Tolerance { get; init; }

    /// <summary>
    /// Perceptron and pocket without shuffle: stop with <see cref="StopReason.Cycle"/> when an epoch with updates ends in
    /// the running state of an earlier epoch's end (default true; false runs on to <see cref="MaxEpochs"/> as before).
    /// </summary>
    public bool StopOnCycle { get; init; } = true;

    /// <summary>Perceptron, pocket and averaged: record every sample step (<see cref="EpochTrace"/>; default false).</summary>
    public bool Trace { get; init; }

    /// <summary>Backpropagation only: the sizes of the hidden layers, input side first (at least one).</summary>
    public ImmutableArray<int> HiddenLayers { get; init; } = [];

    /// <summary>
    /// Backpropagation only: explicit starting layers in the shape of <see cref="Network.Layers"/>; they override
    /// <see cref="Initialization"/> and fix the hidden layers' sizes.
    /// </summary>
    public ImmutableArray<ImmutableArray<Perceptron>>? InitialLayers { get; init; }

    /// <summary>Backpropagation only: stop at the first record whose loss is at most this (default: never).</summary>
    public double? TargetLoss { get; init; }

    /// <summary>Whether this run needs a seed: it shuffles or starts from random weights.</summary>
    public bool UsesRandomness => Shuffle || (Initialization == WeightInitialization.Random && InitialWeights is null && InitialLayers is null);

    /// <summary>
    /// The two labels a binary run trains on — the activation's (<see cref="ActivationFunction.Labels"/>: 0/1 for step,
    /// −1/1 for sign), or 0/1 for a network's sigmoid output — or <see langword="null"/> when the activation cannot train.
    /// </summary>
    public (double Negative, double Positive)? LabelSet => Rule is { } rule ? rule.LabelSet(Activation) : TrainingRule.UnitLabels(Activation);

    /// <summary>The rule of <see cref="Algorithm"/>; <see langword="null"/> for a value outside the enum (validation says so).</summary>
    internal TrainingRule? Rule => TrainingRule.Of(Algorithm);

    /// <summary>Whether this run can stop on a cycle: a rule that can cycle, in the same order every epoch, asked to.</summary>
    internal bool DetectsCycles => StopOnCycle && !Shuffle && Rule is { CanCycle: true };
}
