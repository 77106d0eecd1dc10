namespace PerceptronApi.Core.Training;

/// <summary>
/// Where in a training request an issue is: a field and, for a problem in the samples, the sample (and the feature
/// within it), so a host can name the place in the form the request came in — a JSON path, a CSV line and column.
/// </summary>
/// <param name="Field">The field's JSON path (<c>learningRate</c>, <c>initialWeights.weights</c>, <c>inputs</c>, <c>labels</c>).</param>
/// <param name="Sample">The sample's index in <c>inputs</c> and <c>labels</c>, for a problem with one sample.</param>
/// <param name="Feature">The value's index within the sample, for a problem with one value.</param>
public sealed record IssueLocation(string Field, int? Sample = null, int? Feature = null)
{
    /// <summary>The inputs of one sample, or one of its values.</summary>
    public static IssueLocation Input(int sample, int? feature = null) => new("inputs", sample, feature);

    /// <summary>The label of one sample.</summary>
    public static IssueLocation Label(int sample) => new("labels", sample);

    /// <summary>
    /// The JSON path: the field with the sample's index (<c>labels[3]</c>, <c>inputs[2]</c>). A value's feature is not
    /// part of it: the row is the key, and the message names the value (<c>inputs[2][1] is NaN</c>).
    /// </summary>
    public string Path => Sample is { } sample ? $"{Field}[{sample}]" : Field;
}
