using System.Buffers;
using System.Globalization;
using System.Runtime.ExceptionServices;
using System.Runtime.InteropServices;
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

    /// <summary>
    /// At most this many pieces of one body parse at once: one a core, since more threads than cores only take turns;
    /// several requests at once share the thread pool.
    /// </summary>
    private static readonly int Parallelism = Environment.ProcessorCount;

    /// <summary>Sep's reading of a cell: spaces around it trimmed, then quotes removed.</summary>
    private static readonly SepReaderOptions Options = Sep.New(',').Reader(options => options with
    {
        HasHeader = false,
        DisableColCountCheck = true,
        Trim = SepTrim.All,
        Unescape = true,
    });

    /// <summary>The decoding of every piece after the first: UTF-8 with no byte-order mark to skip in mid-body.</summary>
    private static readonly UTF8Encoding Utf8 = new(encoderShouldEmitUTF8Identifier: false);

    /// <summary>
    /// Parses the CSV text of <paramref name="body"/> (decoded as UTF-8 unless a byte-order mark says otherwise) as it
    /// arrives: the body is cut at row boundaries into pieces (<see cref="CsvBodyPieces"/>), which parse on up to
    /// <see cref="Parallelism"/> threads while the rest arrives, and a clean file's pieces are joined in order. Any
    /// problem in a piece — a bad cell or row, a width unlike the first row's, too many samples — and the whole body is
    /// read again from its start by one sequential reader, so the errors, their order and where reading stops are exactly
    /// what reading row by row gives.
    /// </summary>
    public static async Task<Parsed?> TryParseAsync(Stream body, int maxSamples, Dictionary<string, string[]> errors, CancellationToken cancellationToken)
    {
        using var pieces = new CsvBodyPieces(body);
        var parsing = new List<Task<Builder>>();
        try
        {
            var (clean, failure) = await ReadPiecesAsync(pieces, parsing, maxSamples, cancellationToken);
            var builders = await Task.WhenAll(parsing);
            if (clean && failure is null && Join(builders, maxSamples) is { } joined)
            {
                return joined;
            }

            if (failure is not null && pieces.MostRowsRead() <= maxSamples)
            {
                // The body could not be read on, and its rows so far are too few for the sample limit to have
                // stopped reading first: reading row by row would have met the same failure.
                failure.Throw();
            }

            await using var replay = pieces.Replay(failure);
            return await ParseAsync(replay, maxSamples, errors, cancellationToken);
        }
        finally
        {
            // No parse may outlive the pieces it reads, which go back to the pool when this returns.
            await ((Task)Task.WhenAll(parsing)).ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
            foreach (var task in parsing)
            {
                if (task.IsCompletedSuccessfully)
                {
                    task.Result.Release();
                }
            }
        }
    }

    /// <summary>
    /// Reads the body into pieces and starts each one's parse, the last on this thread (it would only wait otherwise);
    /// stops early once a finished piece has failed or the pieces so far hold more than <paramref name="maxSamples"/> rows.
    /// </summary>
    /// <returns>Whether every piece was read and started, and the reading's failure if it failed.</returns>
    private static async Task<(bool Clean, ExceptionDispatchInfo? Failure)> ReadPiecesAsync(
        CsvBodyPieces pieces, List<Task<Builder>> parsing, int maxSamples, CancellationToken cancellationToken)
    {
        var finished = 0;
        long rows = 0;
        while (true)
        {
            ArraySegment<byte> piece;
            try
            {
                piece = await pieces.NextAsync(cancellationToken);
            }
            catch (Exception exception) when (exception is not OperationCanceledException)
            {
                return (false, ExceptionDispatchInfo.Capture(exception));
            }

            if (piece.Count == 0)
            {
                return (true, null);
            }

            if (parsing.Count - finished >= Parallelism)
            {
                await parsing[finished]; // as many in flight as cores: wait for the oldest
            }

            for (; finished < parsing.Count && parsing[finished].IsCompleted; finished++)
            {
                var builder = await parsing[finished];
                rows += builder.Rows;
                if (builder.Failed || rows > maxSamples)
                {
                    return (false, null); // read again row by row, which reports it
                }
            }

            var first = parsing.Count == 0;
            parsing.Add(pieces.Ended
                ? Task.FromResult(ParsePiece(piece, first, maxSamples))
                : Task.Run(() => ParsePiece(piece, first, maxSamples), cancellationToken));
        }
    }

    /// <summary>One piece's rows, parsed as the body's own would be; the first problem stops it and marks it failed.</summary>
    private static Builder ParsePiece(ArraySegment<byte> piece, bool first, int maxSamples)
    {
        var builder = new Builder(maxSamples, errors: null, first);
        try
        {
            using var text = new StreamReader(
                new MemoryStream(piece.Array!, piece.Offset, piece.Count, writable: false),
                first ? Encoding.UTF8 : Utf8,
                detectEncodingFromByteOrderMarks: first,
                bufferSize: 4096); // small: Sep asks for more at a time, which the reader then decodes straight into its buffer
            using var reader = Options.From(text);
            foreach (var row in reader)
            {
                if (!builder.Add(row))
                {
                    break;
                }
            }

            return builder;
        }
        catch
        {
            builder.Release();
            throw;
        }
    }

    /// <summary>
    /// The pieces' rows in order, or null when they do not join to what the body gives read row by row: a piece failed,
    /// the first piece has no row to fix the width, a piece's rows have another width, or there are no samples or too many.
    /// </summary>
    private static Parsed? Join(Builder[] pieces, int maxSamples)
    {
        if (pieces.Length == 0)
        {
            return null; // an empty body
        }

        var width = pieces[0].Width;
        long rows = 0;
        foreach (var piece in pieces)
        {
            if (piece.Failed || (piece.Width >= 0 && piece.Width != width))
            {
                return null;
            }

            rows += piece.Rows;
        }

        if (width < 0 || rows == 0 || rows > maxSamples)
        {
            return null;
        }

        var features = width - 1;
        var values = GC.AllocateUninitializedArray<double>((int)rows * features); // every value is copied over
        var labels = new ClassLabel[(int)rows];
        var lines = GC.AllocateUninitializedArray<int>((int)rows);
        var row = 0;
        var linesBefore = 0;
        foreach (var piece in pieces)
        {
            piece.CopyTo(values.AsSpan(row * features), labels.AsSpan(row), lines.AsSpan(row), linesBefore);
            row += piece.Rows;
            linesBefore += piece.LinesRead;
        }

        return new Parsed(values, features, labels, lines);
    }

    /// <summary>The body parsed row by row as it arrives, every error reported.</summary>
    private static async Task<Parsed?> ParseAsync(Stream body, int maxSamples, Dictionary<string, string[]> errors, CancellationToken cancellationToken)
    {
        // A large buffer: the reader's default (1 KiB) would make thousands of small reads of a multi-megabyte body.
        using var text = new StreamReader(body, Encoding.UTF8, detectEncodingFromByteOrderMarks: true, bufferSize: 1 << 16, leaveOpen: true);
        using var reader = await Options.FromAsync(text, cancellationToken);
        var builder = new Builder(maxSamples, errors, first: true);
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

    /// <summary>
    /// The rows read so far; each row's work is synchronous, so a reading loop only waits for bytes. With no
    /// <paramref name="errors"/> it reads one piece of a body: the first problem marks it <see cref="Failed"/> and stops
    /// it, for the body to be read again row by row. Only the <paramref name="first"/> piece can start with a header.
    /// </summary>
    private sealed class Builder(int maxSamples, Dictionary<string, string[]>? errors, bool first)
    {
        private readonly List<ClassLabel> _labels = [];
        private readonly List<int> _lines = [];
        private readonly Dictionary<string, ClassLabel> _names = [];
        private double[] _values = ArrayPool<double>.Shared.Rent(1 << 14);
        private int _count;
        private int _width = -1;
        private int _errorCount;
        private bool _first = first;
        private int _nextLine = 1;

        /// <summary>Whether a piece met a problem (never, with errors to fill).</summary>
        public bool Failed { get; private set; }

        /// <summary>The samples so far.</summary>
        public int Rows => _labels.Count;

        /// <summary>The columns of the header or first sample (−1 before either).</summary>
        public int Width => _width;

        /// <summary>The lines read so far, as Sep counts them (a line feed, a carriage return or both end one).</summary>
        public int LinesRead => _nextLine - 1;

        /// <summary>Takes one row; false when reading should stop (the sample limit was passed, or a piece failed).</summary>
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
                return !Failed;
            }

            if (_width >= 0 && columns != _width)
            {
                Add($"line {line}", $"has {columns} columns; the first row has {_width}.");
                return !Failed;
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
                Failed = errors is null;
                errors?["body"] = [$"has more than {maxSamples} samples; the limit is {maxSamples} (Training:MaxSamples)."];
                return false;
            }

            _count += features;
            _labels.Add(label);
            _lines.Add(line);
            return !Failed;
        }

        /// <summary>The samples, or null when a row was wrong (the errors say where) or there were none.</summary>
        public Parsed? Finish()
        {
            ArgumentNullException.ThrowIfNull(errors);
            if (errors.Count == 0 && _labels.Count == 0)
            {
                errors["body"] = ["has no samples: send one sample a row, the label last."];
            }

            return errors.Count == 0 ? new Parsed(_values.AsSpan(0, _count).ToArray(), _width - 1, [.. _labels], [.. _lines]) : null;
        }

        /// <summary>Copies the samples to the same rows of the whole body's, their lines counted after <paramref name="linesBefore"/>.</summary>
        public void CopyTo(Span<double> values, Span<ClassLabel> labels, Span<int> lines, int linesBefore)
        {
            _values.AsSpan(0, _count).CopyTo(values);
            CollectionsMarshal.AsSpan(_labels).CopyTo(labels);
            for (var i = 0; i < _lines.Count; i++)
            {
                lines[i] = _lines[i] + linesBefore;
            }
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
            if (errors is null)
            {
                Failed = true;
            }
            else if (_errorCount++ < MaxErrors)
            {
                errors[key] = [message];
            }
        }
    }
}
