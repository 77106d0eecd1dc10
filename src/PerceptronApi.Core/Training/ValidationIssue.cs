namespace PerceptronApi.Core.Training;

/// <summary>
/// One thing wrong with a training request, at a structured <see cref="IssueLocation"/> that a caller renders in the
/// request's own terms: <see cref="Field"/> is its JSON path (<c>learningRate</c>, <c>labels[3]</c>, <c>inputs[2]</c>,
/// <c>initialWeights.weights</c>).
/// </summary>
/// <param name="Location">The field, and for the samples which sample and feature.</param>
/// <param name="Message">What was expected and what was found, in JSON terms.</param>
public sealed record ValidationIssue(IssueLocation Location, string Message)
{
    /// <summary>An issue with a field that is not one sample's (a hyper-parameter, a layer).</summary>
    /// <param name="field">The field's JSON path.</param>
    /// <param name="message">What was expected and what was found.</param>
    public ValidationIssue(string field, string message)
        : this(new IssueLocation(field), message)
    {
    }

    /// <summary>The location's JSON path, camelCase, with the sample's index in brackets.</summary>
    public string Field => Location.Path;

    /// <summary>Two issues are the same when they name the same path with the same message, however the place was built.</summary>
    public bool Equals(ValidationIssue? other) => other is not null && Field == other.Field && Message == other.Message;

    /// <inheritdoc />
    public override int GetHashCode() => HashCode.Combine(Field, Message);
}
