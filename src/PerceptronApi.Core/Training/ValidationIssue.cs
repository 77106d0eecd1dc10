namespace PerceptronApi.Core.Training;

/// <summary>
/// One thing wrong with a training request, named by its JSON path (<c>learningRate</c>, <c>labels[3]</c>,
/// <c>inputs[2]</c>, <c>initialWeights.weights</c>) so a caller can report it against the field it came from.
/// </summary>
/// <param name="Field">The field's path, camelCase, with indexes in brackets.</param>
/// <param name="Message">What was expected and what was found, in JSON terms.</param>
public sealed record ValidationIssue(string Field, string Message);
