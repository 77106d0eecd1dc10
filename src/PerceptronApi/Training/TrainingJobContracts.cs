using System.Collections.Immutable;
using System.ComponentModel.DataAnnotations;
using System.Text.Json.Serialization;
using Microsoft.AspNetCore.Mvc;
using PerceptronApi.Core.Classes;
using PerceptronApi.Core.Model;
using PerceptronApi.Core.Training;
using PerceptronApi.Models;

namespace PerceptronApi.Training;

/// <summary>
/// A training job: a gate's truth table, or <c>inputs</c> with <c>labels</c>, and the hyper-parameters (all optional).
/// </summary>
public sealed record TrainingJobRequest : IValidatableObject
{
    /// <summary>Train on this gate's truth table (AND, OR, NAND, NOR, NOT, XOR, XNOR).</summary>
    public string? Gate { get; init; }

    /// <summary>The samples, one row each (with <c>labels</c>).</summary>
    public IReadOnlyList<IReadOnlyList<double>>? Inputs { get; init; }

    /// <summary>
    /// One label per row: 0 or 1 for step, −1 or 1 for sign — or any numbers or any strings (not mixed), which make a
    /// classes job: two classes train one unit, three or more one unit per class (one-vs-rest).
    /// </summary>
    public IReadOnlyList<ClassLabel>? Labels { get; init; }

    /// <summary>The learning rule, perceptron by default (the values are the schema's enum).</summary>
    public TrainingAlgorithm? Algorithm { get; init; }

    /// <summary>step (default) or sign; the labels' set follows it.</summary>
    public Activation? Activation { get; init; }

    /// <summary>θ: 0.5 for step and 0 for sign by default.</summary>
    public double? Threshold { get; init; }

    /// <summary>η, greater than 0 (default 0.1).</summary>
    public double? LearningRate { get; init; }

    /// <summary>The most epochs to run (default 100).</summary>
    public int? MaxEpochs { get; init; }

    /// <summary>zeros (default) or random (seeded, uniform in [−0.5, 0.5)).</summary>
    public WeightInitialization? Initialization { get; init; }

    /// <summary>Starting weights; they override <c>initialization</c>.</summary>
    public UnitDto? InitialWeights { get; init; }

    /// <summary>Visit the samples in a fresh seeded order every epoch (default false).</summary>
    public bool? Shuffle { get; init; }

    /// <summary>The seed of every random choice; drawn and echoed in <c>parameters.seed</c> when needed and not given.</summary>
    public int? Seed { get; init; }

    /// <summary>ADALINE and backpropagation: stop once the loss falls by less than this in an epoch (default: never).</summary>
    public double? Tolerance { get; init; }

    /// <summary>Perceptron and pocket without shuffle: stop when an epoch ends where an earlier one ended (default true).</summary>
    public bool? StopOnCycle { get; init; }

    /// <summary>
    /// Perceptron, pocket and averaged on binary or two-class data: keep every sample step of every epoch, served at
    /// <c>…/epochs/{epoch}/steps</c> (default false; at most Training:MaxTraceSteps samples × maxEpochs).
    /// </summary>
    public bool? Trace { get; init; }

    /// <summary>Backpropagation: the sizes of the hidden layers, e.g. [2].</summary>
    public IReadOnlyList<int>? HiddenLayers { get; init; }

    /// <summary>Backpropagation: starting layers in the shape of "layers" (they override initialization).</summary>
    public IReadOnlyList<IReadOnlyList<UnitDto>>? InitialLayers { get; init; }

    /// <summary>Backpropagation: stop at the first epoch whose loss is at most this.</summary>
    public double? TargetLoss { get; init; }

    /// <inheritdoc />
    public IEnumerable<ValidationResult> Validate(ValidationContext validationContext) => DataProblems().Concat(ShapeProblems());

    /// <summary>Where the training data should be and is not (a CSV body brings its own).</summary>
    private IEnumerable<ValidationResult> DataProblems()
    {
        var ownData = Inputs is not null || Labels is not null;
        if (Gate is null && !ownData)
        {
            yield return new ValidationResult("Give the training data: \"gate\", or \"inputs\" with \"labels\".", ["gate", "inputs"]);
        }
        else if (Gate is not null && ownData)
        {
            yield return new ValidationResult("Give either \"gate\" or \"inputs\" with \"labels\", not both.", ["gate"]);
        }
        else if (ownData && Inputs is null)
        {
            yield return new ValidationResult("is required with \"labels\".", ["inputs"]);
        }
        else if (ownData && Labels is null)
        {
            yield return new ValidationResult("is required with \"inputs\".", ["labels"]);
        }
    }

    /// <summary>Starting weights that have no weights, wherever the request came from (a JSON body or a CSV's query).</summary>
    internal IEnumerable<ValidationResult> ShapeProblems()
    {
        if (InitialWeights is { Weights: null or { Count: 0 } })
        {
            yield return new ValidationResult("must have at least one weight.", ["initialWeights.weights"]);
        }

        for (var l = 0; InitialLayers is not null && l < InitialLayers.Count; l++)
        {
            for (var u = 0; InitialLayers[l] is { } layer && u < layer.Count; u++)
            {
                if (layer[u] is not { Weights.Count: > 0 })
                {
                    yield return new ValidationResult("must have at least one weight.", [$"initialLayers[{l}][{u}].weights"]);
                }
            }
        }
    }
}

/// <summary>Where a job is in its life.</summary>
public enum JobStatus
{
    /// <summary>Waiting for a worker.</summary>
    Queued,

    /// <summary>Training.</summary>
    Running,

    /// <summary>Finished with a result (converged or not).</summary>
    Succeeded,

    /// <summary>Stopped by an error (see <c>error</c>).</summary>
    Failed,

    /// <summary>Stopped on request or by shutdown (see <c>statusReason</c>).</summary>
    Canceled,
}

/// <summary>The hyper-parameters a job runs with, defaults filled in.</summary>
/// <param name="Algorithm">The learning rule that ran.</param>
/// <param name="Activation">step or sign.</param>
/// <param name="Threshold">θ of step or sign; null for a network, whose sigmoid output has none (class 1 when it is at least 0.5), as predicting with it answers.</param>
/// <param name="LearningRate">η.</param>
/// <param name="MaxEpochs">The epoch limit.</param>
/// <param name="Initialization">zeros or random; null when the run starts from given weights (initialWeights or initialLayers).</param>
/// <param name="Shuffle">Whether each epoch visits the samples in a fresh seeded order.</param>
/// <param name="Seed">The seed (given, or drawn when randomness is used); null when nothing is random.</param>
/// <param name="Samples">M, the number of samples.</param>
/// <param name="Features">n, the number of inputs per sample.</param>
/// <param name="Gate">The gate whose truth table is the data, if any.</param>
/// <param name="Tolerance">ADALINE's loss tolerance, if any.</param>
/// <param name="InitialWeights">The explicit starting weights, if any.</param>
/// <param name="HiddenLayers">Backpropagation: the hidden layers' sizes.</param>
/// <param name="TargetLoss">Backpropagation: the loss that stops training, if any.</param>
/// <param name="StopOnCycle">Perceptron and pocket: whether a repeated end-of-epoch state stops the run (never with shuffle).</param>
/// <param name="Classes">A classes job's classes, sorted: with two, the first is the negative one.</param>
/// <param name="InitialLayers">Backpropagation: the explicit starting network, if any.</param>
/// <param name="Trace">Perceptron, pocket and averaged: whether every sample step is kept (<c>…/epochs/{epoch}/steps</c>).</param>
public sealed record JobParameters(
    TrainingAlgorithm Algorithm,
    Activation Activation,
    double? Threshold,
    double LearningRate,
    int MaxEpochs,
    WeightInitialization? Initialization,
    bool Shuffle,
    int? Seed,
    int Samples,
    int Features,
    string? Gate,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] double? Tolerance,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] UnitDto? InitialWeights,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] IReadOnlyList<int>? HiddenLayers = null,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] double? TargetLoss = null,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] bool? StopOnCycle = null,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] IReadOnlyList<ClassLabel>? Classes = null,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] bool? Trace = null,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] IReadOnlyList<IReadOnlyList<UnitDto>>? InitialLayers = null);

/// <summary>How far training has come.</summary>
/// <param name="Epoch">The last epoch recorded (0 = the initial weights).</param>
/// <param name="MaxEpochs">The epoch limit.</param>
public sealed record JobProgress(int Epoch, int MaxEpochs);

/// <summary>The trained model and why training stopped.</summary>
/// <param name="Bias">The final bias (pocket: the pocket's; averaged: the averaged model's); absent for a network.</param>
/// <param name="Weights">The final weights; absent for a network.</param>
/// <param name="Converged">Whether training converged (XOR never does, and still succeeds).</param>
/// <param name="StopReason">converged, maxEpochsReached, lossTolerance, cycle or targetLoss.</param>
/// <param name="Epochs">Epochs run.</param>
/// <param name="Errors">Misclassified training samples under the final model.</param>
/// <param name="Accuracy">1 − errors / samples.</param>
/// <param name="Loss">1/(2M) Σ (z − y)² under the final model (a network: of its output ŷ).</param>
/// <param name="Cycle">For stopReason cycle: the earlier epoch whose end state came back, and the epoch that repeated it.</param>
/// <param name="Explanation">For stopReason cycle: what the repetition proves, in words.</param>
/// <param name="Layers">Backpropagation: the trained network, in the shape of "layers".</param>
/// <param name="Classes">A classes job's classes.</param>
/// <param name="Units">One-vs-rest: each class's unit, how it ended.</param>
public sealed record JobResult(
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] double? Bias,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] ImmutableArray<double>? Weights,
    bool Converged,
    StopReason StopReason,
    int Epochs,
    int Errors,
    double Accuracy,
    double Loss,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] CycleDto? Cycle = null,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] string? Explanation = null,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] IReadOnlyList<IReadOnlyList<UnitDto>>? Layers = null,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] IReadOnlyList<ClassLabel>? Classes = null,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] IReadOnlyList<ClassUnitDto>? Units = null);

/// <summary>One class's unit at the end of a one-vs-rest job.</summary>
/// <param name="Class">The class the unit says yes to.</param>
/// <param name="Bias">Its bias.</param>
/// <param name="Weights">Its weights.</param>
/// <param name="Converged">Whether its own run converged.</param>
/// <param name="StopReason">Why its own run stopped.</param>
/// <param name="Cycle">Where its run repeated itself, when it stopped on a cycle.</param>
public sealed record ClassUnitDto(
    ClassLabel Class,
    double Bias,
    ImmutableArray<double> Weights,
    bool Converged,
    StopReason StopReason,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] CycleDto? Cycle);

/// <summary>Where a run repeated itself: the state at the end of epoch <c>to</c> is the one at the end of epoch <c>from</c>.</summary>
/// <param name="From">The earlier epoch (0 = the initial weights).</param>
/// <param name="To">The epoch that ended in the same state.</param>
public sealed record CycleDto(int From, int To);

/// <summary>A training job.</summary>
/// <param name="Id">The job's id (unguessable).</param>
/// <param name="Status">queued, running, succeeded, failed or canceled.</param>
/// <param name="CreatedAt">When it was accepted (UTC).</param>
/// <param name="StartedAt">When a worker started it.</param>
/// <param name="FinishedAt">When it reached its final status.</param>
/// <param name="Parameters">The hyper-parameters, defaults filled in.</param>
/// <param name="Progress">The last epoch recorded.</param>
/// <param name="Result">The trained model; null until the job succeeds.</param>
/// <param name="History">Every epoch record so far (left out with <c>?history=false</c>).</param>
/// <param name="Error">A problem object when the job failed.</param>
/// <param name="StatusReason">Why a job was canceled or failed, in a sentence.</param>
/// <param name="CancelRequestedAt">When a cancel was asked for (null if never): a running job with it set is stopping.</param>
/// <param name="Attempts">How many times a worker started the job (more than 1 when a worker was lost and another re-ran it).</param>
/// <param name="Owner">The name of the API key that created the job (never the key); left out on an open service.</param>
public sealed record JobResponse(
    string Id,
    JobStatus Status,
    DateTime CreatedAt,
    DateTime? StartedAt,
    DateTime? FinishedAt,
    JobParameters Parameters,
    JobProgress Progress,
    JobResult? Result,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] IReadOnlyList<RecordJson>? History,
    ProblemDetails? Error,
    string? StatusReason,
    DateTime? CancelRequestedAt,
    int Attempts,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] string? Owner = null);

/// <summary>A page of items and the link to the next page.</summary>
/// <typeparam name="T">The item type.</typeparam>
/// <param name="Items">This page's items.</param>
/// <param name="Next">The URL of the next page, or null when there is none (yet).</param>
public sealed record Page<T>(IReadOnlyList<T> Items, string? Next);
