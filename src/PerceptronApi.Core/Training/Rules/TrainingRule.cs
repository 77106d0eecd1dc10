using PerceptronApi.Core.Model;

namespace PerceptronApi.Core.Training.Rules;

/// <summary>
/// What sets one training algorithm apart from the others, as one object per algorithm: how its epochs learn, what it
/// reports, when it stops, which options apply to it and what it defaults to. The kernels (<see cref="SampleBlocks"/>,
/// <see cref="RunningSums"/>) and the epoch loops (<see cref="TrainingEngine"/>, <see cref="PlainTrainer"/>,
/// <see cref="NetworkTrainer"/>) are shared: they ask the rule, never compare the algorithm against a name. The
/// engine reads a rule's answers once per pass, so its per-sample loops stay free of calls.
/// </summary>
internal abstract class TrainingRule
{
    /// <summary>Every rule, in the declaration order of <see cref="TrainingAlgorithm"/> (indexed by it).</summary>
    internal static IReadOnlyList<TrainingRule> All { get; } =
        [new PerceptronRule(), new PocketRule(), new AveragedRule(), new AdalineRule(), new BackpropagationRule()];

    /// <summary>The algorithm this rule is.</summary>
    internal abstract TrainingAlgorithm Algorithm { get; }

    /// <summary>The algorithm's name in requests and messages.</summary>
    internal string Name => EnumNames.Of(Algorithm);

    /// <summary>
    /// Whether each epoch visits the samples one at a time and updates on each mistake (the perceptron rules): such a
    /// run can be traced step by step. Otherwise an epoch is one update from the whole set's gradient.
    /// </summary>
    internal virtual bool StepsPerSample => false;

    /// <summary>Whether the run reports the best weights judged so far (the pocket) rather than the running weights.</summary>
    internal virtual bool KeepsPocket => false;

    /// <summary>Whether each record reports the average of the weights after every sample step so far.</summary>
    internal virtual bool ReportsAverage => false;

    /// <summary>Whether a repeated end-of-epoch state (in a fixed order) proves that the run would go on forever.</summary>
    internal virtual bool CanCycle => false;

    /// <summary>Whether <see cref="TrainingOptions.Tolerance"/> applies: the run descends a loss.</summary>
    internal virtual bool TakesTolerance => false;

    /// <summary>Whether the rule trains a network of sigmoid units (<see cref="NetworkTrainer"/>) rather than one unit.</summary>
    internal virtual bool TrainsNetwork => false;

    /// <summary>The options a request for this algorithm gets for every field it leaves out.</summary>
    internal virtual TrainingOptions Defaults => new() { Algorithm = Algorithm };

    /// <summary>The two labels a binary run trains on, or <see langword="null"/> when <paramref name="activation"/> cannot train.</summary>
    internal virtual (double Negative, double Positive)? LabelSet(Activation activation) => UnitLabels(activation);

    /// <summary>The labels of a unit with <paramref name="activation"/>: step's 0/1, sign's −1/1, none for the others.</summary>
    internal static (double Negative, double Positive)? UnitLabels(Activation activation) =>
        activation is Activation.Step or Activation.Sign ? ActivationFunction.Create(activation).Labels : null;

    /// <summary>The rule of <paramref name="algorithm"/>, or <see langword="null"/> for a value outside the enum.</summary>
    internal static TrainingRule? Of(TrainingAlgorithm algorithm) =>
        (uint)algorithm < (uint)All.Count ? All[(int)algorithm] : null;

    /// <summary>The names of the rules that <paramref name="match"/>, as a sentence's list: <c>a, b and c</c>.</summary>
    internal static string Names(Func<TrainingRule, bool> match) =>
        EnumNames.Sentence([.. All.Where(match).Select(rule => rule.Name)], "and");
}

/// <summary>The rules that train one unit (<see cref="TrainingEngine"/> and <see cref="PlainTrainer"/> run them).</summary>
internal abstract class UnitRule : TrainingRule
{
    /// <summary>
    /// Why the run stops after <paramref name="record"/> (which followed <paramref name="previous"/>), before the epoch
    /// limit is looked at; <see langword="null"/> to go on. <paramref name="cycle"/> tells whether the epoch ended in an
    /// earlier epoch's state.
    /// </summary>
    internal abstract StopReason? StopAfter(EpochRecord previous, EpochRecord record, TrainingOptions options, bool cycle);
}

/// <summary>The rules that learn one sample at a time (Rosenblatt's update on each mistake).</summary>
internal abstract class SampleStepRule : UnitRule
{
    internal sealed override bool StepsPerSample => true;

    /// <summary>An epoch without an update has classified every sample right; a repeated state proves a cycle.</summary>
    internal override StopReason? StopAfter(EpochRecord previous, EpochRecord record, TrainingOptions options, bool cycle) =>
        record.Updates == 0 ? StopReason.Converged : cycle ? StopReason.Cycle : null;
}
