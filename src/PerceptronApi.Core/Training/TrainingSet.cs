using System.Collections.Immutable;
using PerceptronApi.Core.Model;

namespace PerceptronApi.Core.Training;

/// <summary>Samples (one row each, in one contiguous block) and their labels.</summary>
/// <param name="Inputs">One row per sample.</param>
/// <param name="Labels">One label per row, in the activation's label set (0/1 for step, −1/1 for sign).</param>
public sealed record TrainingSet(Matrix Inputs, ImmutableArray<double> Labels)
{
    /// <summary>The number of samples <c>M</c>.</summary>
    public int Samples => Inputs.Rows;

    /// <summary>The number of features <c>n</c>.</summary>
    public int Features => Inputs.Columns;
}
