namespace PerceptronApi.Core;

/// <summary>
/// The names enum values have in JSON and in messages — camelCase (<c>perceptron</c>, <c>maxEpochsReached</c>) — so
/// that every list of choices a message or document shows comes from the enum itself, in one place.
/// </summary>
public static class EnumNames
{
    /// <summary>The value's name in camelCase.</summary>
    public static string Of<T>(T value)
        where T : struct, Enum
    {
        var name = value.ToString();
        return name.Length == 0 || char.IsLower(name[0]) ? name : char.ToLowerInvariant(name[0]) + name[1..];
    }

    /// <summary>Every value's name, in declaration order.</summary>
    public static IReadOnlyList<string> All<T>()
        where T : struct, Enum => [.. Enum.GetValues<T>().Select(Of)];

    /// <summary>Every value's name as a sentence's list: <c>a, b, c or d</c>.</summary>
    public static string List<T>()
        where T : struct, Enum
    {
        return Sentence(All<T>(), "or");
    }

    /// <summary>Names as a sentence's list joined by <paramref name="conjunction"/>: <c>a, b and c</c>.</summary>
    internal static string Sentence(IReadOnlyList<string> names, string conjunction) =>
        names.Count < 2 ? string.Join("", names) : string.Join(", ", names.Take(names.Count - 1)) + $" {conjunction} " + names[^1];
}
