using System.Runtime.InteropServices;
using PerceptronApi.Core.Model;

namespace PerceptronApi.Core.Training;

/// <summary>
/// Samples that arrive already in one row-major block — as a parser that writes each value straight into place makes
/// them — checked once and wrapped for training without another copy.
/// </summary>
public static class RowMajorSamples
{
    /// <summary>
    /// Checks the samples <paramref name="values"/> (row <c>i</c> is <c>values[i*columns .. (i+1)*columns)</c>), their
    /// <paramref name="labels"/> and the <paramref name="options"/> in one pass, with the same issues as
    /// <see cref="Trainer.Validate(TrainingSet, TrainingOptions)"/>; when there are none, the training set over the same
    /// arrays. Both arrays are kept, not copied: the caller must not change them afterwards.
    /// </summary>
    /// <returns>The training set, or <see langword="null"/> with the issues added to <paramref name="issues"/>.</returns>
    /// <exception cref="ArgumentException"><paramref name="values"/> is not a whole number of rows.</exception>
    public static TrainingSet? TryCreate(double[] values, int columns, double[] labels, TrainingOptions options, List<ValidationIssue> issues)
    {
        ArgumentNullException.ThrowIfNull(values);
        ArgumentNullException.ThrowIfNull(labels);
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(issues);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(columns);
        if (values.Length % columns != 0)
        {
            throw new ArgumentException($"{values.Length} values are not a whole number of rows of {columns}.", nameof(values));
        }

        var data = new TrainingSet(Matrix.FromRowMajor(values, values.Length / columns, columns), ImmutableCollectionsMarshal.AsImmutableArray(labels));
        var before = issues.Count;
        Validation.CheckData(data, options, issues);
        Validation.CheckOptions(options, issues);
        return issues.Count == before ? data : null;
    }
}
