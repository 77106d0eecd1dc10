using System.Globalization;
using System.Text.RegularExpressions;
using nietras.SeparatedValues;
using PerceptronApi.Core.Classes;

namespace PerceptronApi.Training;

/// <summary>
/// Reads training samples from CSV: one sample a row, the label in the last column, an optional header row (a first
/// row in which no cell is a number). Errors name the line and column, 1-based, as an editor shows them.
/// </summary>
internal static partial class CsvTrainingData
{
    /// <summary>At most this many cell errors are reported, so a huge bad file gives a short answer.</summary>
    private const int MaxErrors = 10;

    /// <summary>The samples, their labels, and the line each sample came from.</summary>
    public sealed record Parsed(List<IReadOnlyList<double>> Inputs, List<ClassLabel> Labels, List<int> Lines)
    {
        /// <summary>
        /// Rewrites errors the training checks reported by sample index (<c>labels[3]</c>, <c>inputs[3]</c>) to the CSV
        /// line and column they came from.
        /// </summary>
        public Dictionary<string, string[]> ToCsvKeys(Dictionary<string, string[]> errors) =>
            errors.ToDictionary(
                error => SampleKey().Match(error.Key) is { Success: true } match && int.Parse(match.Groups["index"].Value, CultureInfo.InvariantCulture) is var i && i < Lines.Count
                    ? match.Groups["field"].Value == "labels"
                        ? $"line {Lines[i]}, column {Inputs[i].Count + 1}"
                        : $"line {Lines[i]}"
                    : error.Key,
                error => error.Value);
    }

    public static Parsed? TryParse(string text, int maxSamples, Dictionary<string, string[]> errors)
    {
        var inputs = new List<IReadOnlyList<double>>();
        var labels = new List<ClassLabel>();
        var lines = new List<int>();
        var width = -1;
        var errorCount = 0;
        var first = true;
        var nextLine = 1;
        using var reader = Sep.New(',').Reader(options => options with
        {
            HasHeader = false,
            DisableColCountCheck = true,
            Trim = SepTrim.All,
            Unescape = true,
        }).FromText(text);

        foreach (var row in reader)
        {
            // Sep reports the first row as starting on line 2; each row starts where the one before ended.
            var line = nextLine;
            nextLine = row.LineNumberToExcl;
            if (row.ColCount == 1 && row[0].Span.IsEmpty)
            {
                continue; // a blank line
            }

            var cells = new string[row.ColCount];
            var numbers = 0;
            for (var c = 0; c < row.ColCount; c++)
            {
                cells[c] = row[c].ToString();
                numbers += double.TryParse(cells[c], NumberStyles.Float, CultureInfo.InvariantCulture, out _) ? 1 : 0;
            }

            if (first)
            {
                first = false;
                if (numbers == 0 && row.ColCount > 1)
                {
                    width = row.ColCount; // a header: it fixes the width, its names are for people
                    continue;
                }
            }

            if (row.ColCount < 2)
            {
                var separator = cells[0].FirstOrDefault(ch => ch is ';' or '\t' or '|');
                Add(errors, ref errorCount, $"line {line}", separator == default
                    ? "needs at least two columns: the features, then the label."
                    : $"has one column: separate the values with commas (found '{(separator == '\t' ? "\\t" : separator)}').");
                continue;
            }

            if (width >= 0 && row.ColCount != width)
            {
                Add(errors, ref errorCount, $"line {line}", $"has {row.ColCount} columns; the first row has {width}.");
                continue;
            }

            width = row.ColCount;
            var values = new double[row.ColCount];
            for (var c = 0; c < row.ColCount; c++)
            {
                // The label column may name a class ("setosa"); a label that is a number stays a number.
                if (c == row.ColCount - 1 && !double.TryParse(cells[c], NumberStyles.Float, CultureInfo.InvariantCulture, out _))
                {
                    continue;
                }

                if (!double.TryParse(cells[c], NumberStyles.Float, CultureInfo.InvariantCulture, out values[c]))
                {
                    Add(errors, ref errorCount, $"line {line}, column {c + 1}", $"must be a number (got \"{cells[c]}\").");
                }
                else if (!double.IsFinite(values[c]))
                {
                    Add(errors, ref errorCount, $"line {line}, column {c + 1}", $"must be a finite number (got \"{cells[c]}\").");
                }
            }

            if (inputs.Count >= maxSamples)
            {
                errors["body"] = [$"has more than {maxSamples} samples; the limit is {maxSamples} (Training:MaxSamples)."];
                return null;
            }

            inputs.Add(values[..^1]);
            labels.Add(double.TryParse(cells[^1], NumberStyles.Float, CultureInfo.InvariantCulture, out var number) ? ClassLabel.Of(number) : ClassLabel.Of(cells[^1]));
            lines.Add(line);
        }

        if (errors.Count == 0 && inputs.Count == 0)
        {
            errors["body"] = ["has no samples: send one sample a row, the label last."];
        }

        return errors.Count == 0 ? new Parsed(inputs, labels, lines) : null;
    }

    private static void Add(Dictionary<string, string[]> errors, ref int count, string key, string message)
    {
        if (count++ < MaxErrors)
        {
            errors[key] = [message];
        }
    }

    [GeneratedRegex(@"^(?<field>labels|inputs)\[(?<index>\d+)\]")]
    private static partial Regex SampleKey();
}
