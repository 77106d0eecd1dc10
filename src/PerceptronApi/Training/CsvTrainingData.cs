using System.Globalization;
using nietras.SeparatedValues;

namespace PerceptronApi.Training;

/// <summary>
/// Reads training samples from CSV: one sample a row, the label in the last column, an optional header row (a first
/// row that is not all numbers). Errors name the line and column, 1-based, as an editor shows them.
/// </summary>
internal static class CsvTrainingData
{
    /// <summary>At most this many cell errors are reported, so a huge bad file gives a short answer.</summary>
    private const int MaxErrors = 10;

    public sealed record Parsed(List<IReadOnlyList<double>> Inputs, List<double> Labels);

    public static Parsed? TryParse(string text, int maxSamples, Dictionary<string, string[]> errors)
    {
        var inputs = new List<IReadOnlyList<double>>();
        var labels = new List<double>();
        var width = -1;
        var errorCount = 0;
        using var reader = Sep.New(',').Reader(options => options with
        {
            HasHeader = false,
            DisableColCountCheck = true,
            Trim = SepTrim.All,
            Unescape = true,
        }).FromText(text);

        foreach (var row in reader)
        {
            var line = row.LineNumberFrom;
            if (row.ColCount == 1 && row[0].Span.IsEmpty)
            {
                continue; // a blank line
            }

            var values = new double[row.ColCount];
            var numeric = true;
            for (var c = 0; c < row.ColCount; c++)
            {
                numeric &= double.TryParse(row[c].Span, NumberStyles.Float, CultureInfo.InvariantCulture, out values[c]) && double.IsFinite(values[c]);
            }

            if (!numeric && inputs.Count == 0 && width < 0)
            {
                width = row.ColCount; // the header row fixes the width, its names are only for people
                continue;
            }

            if (row.ColCount < 2)
            {
                Add(errors, ref errorCount, $"line {line}", "needs at least two columns: the features, then the label.");
                continue;
            }

            if (width >= 0 && row.ColCount != width)
            {
                Add(errors, ref errorCount, $"line {line}", $"has {row.ColCount} columns; the first row has {width}.");
                continue;
            }

            width = row.ColCount;
            for (var c = 0; c < row.ColCount; c++)
            {
                if (!double.IsFinite(values[c]))
                {
                    Add(errors, ref errorCount, $"line {line}, column {c + 1}", $"must be a finite number (got \"{row[c].ToString()}\").");
                }
                else if (!double.TryParse(row[c].Span, NumberStyles.Float, CultureInfo.InvariantCulture, out _))
                {
                    Add(errors, ref errorCount, $"line {line}, column {c + 1}", $"must be a number (got \"{row[c].ToString()}\").");
                }
            }

            if (inputs.Count >= maxSamples)
            {
                errors["body"] = [$"has more than {maxSamples} samples; the limit is {maxSamples} (Training:MaxSamples)."];
                return null;
            }

            inputs.Add(values[..^1]);
            labels.Add(values[^1]);
        }

        if (errors.Count == 0 && inputs.Count == 0)
        {
            errors["body"] = ["has no samples: send one sample a row, the label last."];
        }

        return errors.Count == 0 ? new Parsed(inputs, labels) : null;
    }

    private static void Add(Dictionary<string, string[]> errors, ref int count, string key, string message)
    {
        if (count++ < MaxErrors)
        {
            errors[key] = [message];
        }
    }
}
