using System.Buffers;
using System.Globalization;
using System.Text;
using nietras.SeparatedValues;
using PerceptronApi.Core.Classes;
using PerceptronApi.Core.Training;

namespace PerceptronApi.Training;

/// <summary>
/// Reads training samples from CSV as the body streams in: one sample a row, the label in the last column, an optional
/// header row (a first row in which no cell is a number). Each value is parsed once, straight into one row-major block,
/// the layout the core trains from. Errors name the line and column, 1-based, as an editor shows them.
/// </summary>
internal static class CsvTrainingData
{
    /// <summary>At most this many cell errors are reported, so a huge bad file gives a short answer.</summary>
    private const int MaxErrors = 10;

    /// <summary>The samples (row-major, <paramref name="Columns"/> values a row), their labels, and the line each came from.</summary>
    public sealed record Parsed(double[] Values, int Columns, ClassLabel[] Labels, int[] Lines)
    {
        /// <summary>The number of samples.</summary>
        public int Rows => Labels.Length;

        /// <summary>
        /// Where <paramref name="location"/> is in the file: a sample's label as its line and the label column, a sample's
        /// value as its line and column, a whole sample as its line; anything else by its field's name.
        /// </summary>
        public string KeyOf(IssueLocation location) => location switch
        {
            { Sample: { } i } when i >= 0 && i < Lines.Length && location.Field == "labels" => $"line {Lines[i]}, column {Columns + 1}",
            { Sample: { } i, Feature: { } j } when i >= 0 && i < Lines.Length && location.Field == "inputs" => $"line {Lines[i]}, column {j + 1}",
            { Sample: { } i } when i >= 0 && i < Lines.Length && location.Field == "inputs" => $"line {Lines[i]}",
            _ => location.Path,
        };
    }

    /// <summary>Parses the CSV text of <paramref name="body"/> as it arrives (decoded as UTF-8 unless a byte-order mark says otherwise).</summary>
    public static async Task<Parsed?> TryParseAsync(Stream body, int maxSamples, Dictionary<string, string[]> errors, CancellationToken cancellationToken)
    {
        // A large buffer: the reader's default (1 KiB) would make thousands of small reads of a multi-megabyte body.
        using var text = new StreamReader(body, Encoding.UTF8, detectEncodingFromByteOrderMarks: true, bufferSize: 1 << 16, leaveOpen: true);
        using var reader = await Sep.New(',').Reader(options => options with
        {
            HasHeader = false,
            DisableColCountCheck = true,
            Trim = SepTrim.All,
            Unescape = true,
        }).FromAsync(text, cancellationToken);

        var builder = new Builder(maxSamples, errors);
        try
        {
            await foreach (var row in reader.WithCancellation(cancellationToken))
            {
                if (!builder.Add(row))
                {
                    return null;
                }
            }

            return builder.Finish();
        }
        finally
        {
            builder.Release();
        }
    }

    /// <summary>The rows read so far; each row's work is synchronous, so the reading loop above only waits for bytes.</summary>
    private sealed class Builder(int maxSamples, Dictionary<string, string[]> errors)
    {
        private readonly List<ClassLabel> _labels = [];
        private readonly List<int> _lines = [];
        private readonly Dictionary<string, ClassLabel> _names = [];
        private double[] _values = ArrayPool<double>.Shared.Rent(1 << 14);
        private int _count;
        private int _width = -1;
        private int _errorCount;
        private bool _first = true;
        private int _nextLine = 1;

        /// <summary>Takes one row; false when reading should stop (the sample limit was passed).</summary>
        public bool Add(SepReader.Row row)
        {
            // Sep reports the first row as starting on line 2; each row starts where the one before ended.
            var line = _nextLine;
            _nextLine = row.LineNumberToExcl;
            var columns = row.ColCount;
            if (columns == 1 && row[0].Span.IsEmpty)
            {
                return true; // a blank line
            }

            if (_first)
            {
                _first = false;
                if (columns > 1 && IsHeader(row))
                {
                    _width = columns; // a header: it fixes the width, its names are for people
                    return true;
                }
            }

            if (columns < 2)
            {
                var separator = row[0].Span.IndexOfAny(";\t|") is var at and >= 0 ? row[0].Span[at] : default;
                Add($"line {line}", separator == default
                    ? "needs at least two columns: the features, then the label."
                    : $"has one column: separate the values with commas (found '{(separator == '\t' ? "\\t" : separator)}').");
                return true;
            }

            if (_width >= 0 && columns != _width)
            {
                Add($"line {line}", $"has {columns} columns; the first row has {_width}.");
                return true;
            }

            _width = columns;
            var features = columns - 1;
            var values = Reserve(features);
            for (var c = 0; c < features; c++)
            {
                if (!TryParse(row[c], out values[c]))
                {
                    Add($"line {line}, column {c + 1}", $"must be a number (got \"{row[c].Span}\").");
                }
                else if (!double.IsFinite(values[c]))
                {
                    Add($"line {line}, column {c + 1}", $"must be a finite number (got \"{row[c].Span}\").");
                }
            }

            // The label column may name a class ("setosa"); a label that is a number stays a number.
            var labelCell = row[features].Span;
            ClassLabel label;
            if (TryParse(row[features], out var number))
            {
                label = ClassLabel.Of(number);
                if (!double.IsFinite(number))
                {
                    Add($"line {line}, column {columns}", $"must be a finite number (got \"{labelCell}\").");
                }
            }
            else
            {
                label = Name(labelCell);
            }

            if (_labels.Count >= maxSamples)
            {
                errors["body"] = [$"has more than {maxSamples} samples; the limit is {maxSamples} (Training:MaxSamples)."];
                return false;
            }

            _count += features;
            _labels.Add(label);
            _lines.Add(line);
            return true;
        }

        /// <summary>The samples, or null when a row was wrong (the errors say where) or there were none.</summary>
        public Parsed? Finish()
        {
            if (errors.Count == 0 && _labels.Count == 0)
            {
                errors["body"] = ["has no samples: send one sample a row, the label last."];
            }

            return errors.Count == 0 ? new Parsed(_values.AsSpan(0, _count).ToArray(), _width - 1, [.. _labels], [.. _lines]) : null;
        }

        /// <summary>Hands the growing buffer back to the pool.</summary>
        public void Release()
        {
            ArrayPool<double>.Shared.Return(_values);
            _values = [];
        }

        /// <summary>Room for one more row of <paramref name="features"/> values, after the rows so far.</summary>
        private Span<double> Reserve(int features)
        {
            if (_values.Length - _count < features)
            {
                var larger = ArrayPool<double>.Shared.Rent(Math.Max(_values.Length * 2, _count + features));
                _values.AsSpan(0, _count).CopyTo(larger);
                ArrayPool<double>.Shared.Return(_values);
                _values = larger;
            }

            return _values.AsSpan(_count, features);
        }

        /// <summary>A string label, one string per distinct name however many rows carry it.</summary>
        private ClassLabel Name(ReadOnlySpan<char> name)
        {
            var lookup = _names.GetAlternateLookup<ReadOnlySpan<char>>();
            if (!lookup.TryGetValue(name, out var label))
            {
                var text = name.ToString();
                label = ClassLabel.Of(text);
                _names[text] = label;
            }

            return label;
        }

        private static bool IsHeader(SepReader.Row row)
        {
            for (var c = 0; c < row.ColCount; c++)
            {
                if (TryParse(row[c], out _))
                {
                    return false;
                }
            }

            return true;
        }

        /// <summary>
        /// A cell as a number exactly as <c>double.TryParse</c> with the invariant culture reads it. A plain decimal
        /// ("-0.123456") is read exactly by <see cref="PlainDecimal"/>; Sep's fast reader (csFastFloat, correctly rounded
        /// like .NET's) takes most of the rest; anything it refuses or reads as infinite ("inf", "1e400") is decided by
        /// .NET's own reading, so the accepted spellings and the errors stay the same.
        /// </summary>
        private static bool TryParse(SepReader.Col cell, out double value) =>
            PlainDecimal.TryRead(cell.Span, out value)
            || (cell.TryParse(out value) && double.IsFinite(value))
            || double.TryParse(cell.Span, NumberStyles.Float, CultureInfo.InvariantCulture, out value);

        private void Add(string key, string message)
        {
            if (_errorCount++ < MaxErrors)
            {
                errors[key] = [message];
            }
        }
    }
}
