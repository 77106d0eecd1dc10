using System.Collections.Immutable;
using PerceptronApi.Core.Training;
using PerceptronApi.Core.Training.Rules;

namespace PerceptronApi.Core.Classes;

/// <summary>
/// What a request's labels make of a job (API.md §4.1): binary, when every label is a number of the run's label set
/// (<see cref="TrainingOptions.LabelSet"/>); otherwise a classes job over the distinct labels, sorted.
/// </summary>
/// <param name="Classes">The distinct labels in the contract's order; empty for a binary job.</param>
/// <param name="ClassOfSample">Per sample, the index of its class in <paramref name="Classes"/>; empty for a binary job.</param>
/// <param name="BinaryLabels">For a binary job, the labels as numbers; empty otherwise.</param>
public sealed record ClassAssignment(ImmutableArray<ClassLabel> Classes, ImmutableArray<int> ClassOfSample, ImmutableArray<double> BinaryLabels)
{
    /// <summary>Whether the job is binary (labels in the label set: §1 exactly, no classes).</summary>
    public bool IsBinary => Classes.IsEmpty;

    /// <summary>Whether the job trains one unit per class (3 or more classes).</summary>
    public bool IsOneVsRest => Classes.Length >= 3;

    /// <summary>
    /// Resolves <paramref name="labels"/> for <paramref name="options"/>. Issues (at structured locations): a mix of numbers
    /// and strings, non-finite numbers, fewer than two classes outside the label set, more than two with
    /// backpropagation. The count of labels against the rows is the trainer's check, not this one's.
    /// </summary>
    public static ClassAssignment? Resolve(IReadOnlyList<ClassLabel> labels, TrainingOptions options, List<ValidationIssue> issues)
    {
        ArgumentNullException.ThrowIfNull(labels);
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(issues);
        var before = issues.Count;
        var listed = 0;
        for (var i = 0; i < labels.Count && listed < Validation.MaxIssuesPerField; i++)
        {
            if (labels[i].IsNumber != labels[0].IsNumber)
            {
                issues.Add(ValidationIssue.Referring(IssueLocation.Label(i), $"must be {(labels[0].IsNumber ? "a number" : "a string")} like the first label ({{0}}): the labels are all numbers or all strings", IssueLocation.Label(0)));
                listed++;
            }
            else if (labels[i].IsNumber && !double.IsFinite(labels[i].Number))
            {
                issues.Add(new(IssueLocation.Label(i), $"must be a finite number (got {Validation.Format(labels[i].Number)})"));
                listed++;
            }
        }

        if (issues.Count > before)
        {
            return null;
        }

        if (options.LabelSet is { } labelSet && labels.All(label => label.IsNumber && (label.Number == labelSet.Negative || label.Number == labelSet.Positive)))
        {
            return new ClassAssignment([], [], [.. labels.Select(label => label.Number)]);
        }

        var classes = labels.Distinct().Order().ToImmutableArray();
        if (classes.Length < 2)
        {
            var set = options.LabelSet is { } pair ? $"{Validation.Format(pair.Negative)} and {Validation.Format(pair.Positive)}, or " : "";
            issues.Add(new("labels", $"must hold {set}at least two distinct classes (every label is {classes.FirstOrDefault()})"));
            return null;
        }

        if (classes.Length > 2 && options.Rule is { TrainsNetwork: true })
        {
            issues.Add(new("labels", $"must hold 2 classes for backpropagation, which trains one output unit (got {classes.Length}: {string.Join(", ", classes)}); one-vs-rest over 3 or more classes is for {TrainingRule.Names(rule => !rule.TrainsNetwork)}"));
            return null;
        }

        var index = classes.Select((label, k) => (label, k)).ToDictionary(pair => pair.label, pair => pair.k);
        return new ClassAssignment(classes, [.. labels.Select(label => index[label])], []);
    }

    /// <summary>
    /// The labels of the binary problem "class <paramref name="positiveClass"/> or not" in the run's label set:
    /// with two classes, class 1 is the positive one (sklearn's convention); in one-vs-rest, each class in turn.
    /// </summary>
    public ImmutableArray<double> LabelsFor(int positiveClass, TrainingOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        var (negative, positive) = options.LabelSet ?? throw new ArgumentException("The options' activation has no training label set.", nameof(options));
        return [.. ClassOfSample.Select(k => k == positiveClass ? positive : negative)];
    }
}
