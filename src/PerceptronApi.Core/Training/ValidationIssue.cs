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

    /// <summary>Another place in the request that the message names (the first label a mixed one differs from), if any.</summary>
    public IssueLocation? Reference { get; private init; }

    // The message with "{0}" where the reference is named; Message names it by its JSON path.
    private string? Template { get; init; }

    /// <summary>
    /// An issue whose message names a second place: <paramref name="template"/> has <c>{0}</c> where it goes, so a
    /// host names it as it names the issue's own place (<see cref="MessageNaming"/>); <see cref="Message"/> names it by
    /// its JSON path.
    /// </summary>
    public static ValidationIssue Referring(IssueLocation location, string template, IssueLocation reference)
    {
        ArgumentNullException.ThrowIfNull(reference);
        return new(location, Render(template, reference.Path)) { Reference = reference, Template = template };
    }

    /// <summary>The message with any place it names written by <paramref name="name"/> (a CSV's line and column, say).</summary>
    public string MessageNaming(Func<IssueLocation, string> name)
    {
        ArgumentNullException.ThrowIfNull(name);
        return Reference is null || Template is null ? Message : Render(Template, name(Reference));
    }

    private static string Render(string template, string place) => string.Format(System.Globalization.CultureInfo.InvariantCulture, template, place);

    /// <summary>Two issues are the same when they name the same path with the same message, however the place was built.</summary>
    public bool Equals(ValidationIssue? other) => other is not null && Field == other.Field && Message == other.Message;

    /// <inheritdoc />
    public override int GetHashCode() => HashCode.Combine(Field, Message);
}
