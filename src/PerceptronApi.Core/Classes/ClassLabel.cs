using System.Globalization;

namespace PerceptronApi.Core.Classes;

/// <summary>A sample's class as the caller named it: a number (<c>2</c>) or a string (<c>"setosa"</c>).</summary>
public readonly record struct ClassLabel : IComparable<ClassLabel>
{
    private ClassLabel(double number, string? name)
    {
        Number = number;
        Name = name;
    }

    /// <summary>The number, when the label is one (0 for a name).</summary>
    public double Number { get; }

    /// <summary>The string, when the label is one; <see langword="null"/> for a number.</summary>
    public string? Name { get; }

    /// <summary>Whether the label is a number (else a string).</summary>
    public bool IsNumber => Name is null;

    /// <summary>A numeric label.</summary>
    public static ClassLabel Of(double number) => new(number, null);

    /// <summary>A string label.</summary>
    public static ClassLabel Of(string name)
    {
        ArgumentNullException.ThrowIfNull(name);
        return new(0, name);
    }

    /// <summary>
    /// The contract's order of classes: numbers ascending, strings by ordinal comparison. A number and a string do not
    /// compare (a set of classes never mixes them).
    /// </summary>
    /// <exception cref="InvalidOperationException">One is a number and the other a string.</exception>
    public int CompareTo(ClassLabel other) => (IsNumber, other.IsNumber) switch
    {
        (true, true) => Number.CompareTo(other.Number),
        (false, false) => string.CompareOrdinal(Name, other.Name),
        _ => throw new InvalidOperationException("A number and a string label do not compare."),
    };

    /// <inheritdoc />
    public override string ToString() => Name ?? Number.ToString("R", CultureInfo.InvariantCulture);

    /// <summary>Orders by <see cref="CompareTo"/>.</summary>
    public static bool operator <(ClassLabel left, ClassLabel right) => left.CompareTo(right) < 0;

    /// <summary>Orders by <see cref="CompareTo"/>.</summary>
    public static bool operator >(ClassLabel left, ClassLabel right) => left.CompareTo(right) > 0;

    /// <summary>Orders by <see cref="CompareTo"/>.</summary>
    public static bool operator <=(ClassLabel left, ClassLabel right) => left.CompareTo(right) <= 0;

    /// <summary>Orders by <see cref="CompareTo"/>.</summary>
    public static bool operator >=(ClassLabel left, ClassLabel right) => left.CompareTo(right) >= 0;
}
