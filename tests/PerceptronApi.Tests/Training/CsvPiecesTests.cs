using System.Globalization;
using System.Text;
using PerceptronApi.Core.Classes;
using PerceptronApi.Training;

namespace PerceptronApi.Tests.Training;

/// <summary>
/// Bodies of several pieces (<see cref="CsvBodyPieces.PieceBytes"/> each): parsed in parallel, they read exactly as row
/// by row — every value bit for bit, every line number, every error where and in the order it was before.
/// </summary>
public class CsvPiecesTests
{
    private const int Lots = 1_000_000;

    /// <summary>Hands out a body at most <paramref name="readSize"/> bytes a read, failing after <paramref name="failAfter"/> bytes.</summary>
    private sealed class TrickleStream(byte[] bytes, int readSize, long failAfter = long.MaxValue) : MemoryStream(bytes, writable: false)
    {
        public override int Read(Span<byte> buffer) => throw new InvalidOperationException("read synchronously");

        public override ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default)
        {
            if (Position >= failAfter)
            {
                throw new IOException("the connection dropped");
            }

            var count = (int)Math.Min(Math.Min(buffer.Length, readSize), failAfter - Position);
            return ValueTask.FromResult(base.Read(buffer.Span[..count]));
        }
    }

    private static async Task<(CsvTrainingData.Parsed? Parsed, Dictionary<string, string[]> Errors)> ParseAsync(
        string text, int maxSamples = Lots, int readSize = int.MaxValue, Encoding? encoding = null)
    {
        var errors = new Dictionary<string, string[]>();
        var bytes = (encoding ?? new UTF8Encoding(false)).GetPreamble().Concat((encoding ?? Encoding.UTF8).GetBytes(text)).ToArray();
        await using var body = new TrickleStream(bytes, readSize);
        return (await CsvTrainingData.TryParseAsync(body, maxSamples, errors, CancellationToken.None), errors);
    }

    /// <summary><paramref name="rows"/> rows of two features and a 0/1 label ("0.250000,-0.500000,1"), a header first.</summary>
    private static StringBuilder Rows(int rows, string newline = "\n", int from = 0)
    {
        var text = new StringBuilder("x1,x2,label").Append(newline);
        for (var i = from; i < rows; i++)
        {
            text.Append(CultureInfo.InvariantCulture, $"{i % 7 * 0.25:F6},{-(i % 5) * 0.5:F6},{i & 1}").Append(newline);
        }

        return text;
    }

    private static void AssertManyPieces(string text) =>
        Assert.True(Encoding.UTF8.GetByteCount(text) > 3 * CsvBodyPieces.PieceBytes, "the body must make several pieces");

    /// <summary>Mixed cell spellings and line endings, blank lines, spaces and quotes: the expected values are .NET's readings.</summary>
    [Theory]
    [InlineData(int.MaxValue)]
    [InlineData(7001)]
    [InlineData(1 << 20)]
    public async Task AFileOfManyPieces_ReadsEveryValueLabelAndLineExactly(int readSize)
    {
        var random = new Random(5);
        var text = new StringBuilder("x1, x2 ,x3,label\n");
        var expected = new List<double>();
        var labels = new List<ClassLabel>();
        var lines = new List<int>();
        var line = 2;
        for (var i = 0; i < 120_000; i++)
        {
            if (i % 997 == 0)
            {
                text.Append('\n'); // a blank line
                line++;
            }

            for (var c = 0; c < 3; c++)
            {
                var value = (random.NextDouble() - 0.5) * Math.Pow(10, random.Next(-8, 9));
                var cell = random.Next(6) switch
                {
                    0 => value.ToString("R", CultureInfo.InvariantCulture),
                    1 => value.ToString("E3", CultureInfo.InvariantCulture),
                    2 => random.Next(-100, 100).ToString(CultureInfo.InvariantCulture),
                    _ => value.ToString("F6", CultureInfo.InvariantCulture),
                };
                expected.Add(double.Parse(cell, NumberStyles.Float, CultureInfo.InvariantCulture));
                text.Append(random.Next(20) switch { 0 => $" {cell} ", 1 => $"\"{cell}\"", _ => cell }).Append(',');
            }

            labels.Add(ClassLabel.Of(i % 3));
            lines.Add(line++);
            text.Append(i % 3).Append(i % 2 == 0 ? "\r\n" : "\n");
        }

        AssertManyPieces(text.ToString());

        var (parsed, errors) = await ParseAsync(text.ToString(), readSize: readSize);

        Assert.Empty(errors);
        Assert.NotNull(parsed);
        Assert.Equal(3, parsed.Columns);
        Assert.Equal(expected.Select(BitConverter.DoubleToInt64Bits), parsed.Values.Select(BitConverter.DoubleToInt64Bits));
        Assert.Equal(labels, parsed.Labels);
        Assert.Equal(lines, parsed.Lines);
    }

    /// <summary>Every label is quoted and holds line breaks, commas and quotes, so many a raw line feed is inside quotes.</summary>
    [Fact]
    public async Task QuotedFieldsWithLineBreaks_AreNeverSplit()
    {
        var text = new StringBuilder("x1,x2,species\n");
        for (var i = 0; i < 80_000; i++)
        {
            text.Append(CultureInfo.InvariantCulture, $"{i % 10},{i % 3},").Append(i % 2 == 0 ? "\"set\nosa, \"\"a\"\"\"\n" : "\"virgin\r\nica\"\r\n");
        }

        AssertManyPieces(text.ToString());

        var (parsed, errors) = await ParseAsync(text.ToString(), readSize: 65_536);

        Assert.Empty(errors);
        Assert.NotNull(parsed);
        Assert.Equal(80_000, parsed.Rows);
        Assert.Equal(Enumerable.Range(0, 80_000).Select(i => i % 2 == 0 ? "set\nosa, \"a\"" : "virgin\r\nica"), parsed.Labels.Select(l => l.Name));
        Assert.Equal(Enumerable.Range(0, 80_000).Select(i => 2 + (2 * i)), parsed.Lines); // each row takes two lines
        Assert.Equal(Enumerable.Range(0, 80_000).SelectMany(i => new double[] { i % 10, i % 3 }), parsed.Values);
    }

    /// <summary>
    /// A quoted label that reads as a row if a piece started inside it ("5,5,z" after its line feed): a piece cut there
    /// would parse cleanly, to other numbers.
    /// </summary>
    [Theory]
    [InlineData(int.MaxValue)]
    [InlineData(65_536)]
    [InlineData(100_003)]
    public async Task AQuotedFieldThatLooksLikeARow_IsNeverSplit(int readSize)
    {
        var text = new StringBuilder();
        for (var i = 0; i < 150_000; i++)
        {
            text.Append("1,1,\"q\n5,5,z\"\n");
        }

        AssertManyPieces(text.ToString());

        var (parsed, errors) = await ParseAsync(text.ToString(), readSize: readSize);

        Assert.Empty(errors);
        Assert.NotNull(parsed);
        Assert.Equal(150_000, parsed.Rows);
        Assert.All(parsed.Values, value => Assert.Equal(1.0, value));
        Assert.All(parsed.Labels, label => Assert.Equal("q\n5,5,z", label.Name));
        Assert.Equal(Enumerable.Range(0, 150_000).Select(i => 1 + (2 * i)), parsed.Lines);
    }

    [Theory]
    [InlineData("\n")]
    [InlineData("\r\n")]
    [InlineData("\r")] // no line feed at all: the body is one piece
    public async Task BadCellsInLaterPieces_AreNamedByLineAndColumn_InFileOrder(string newline)
    {
        var rows = Rows(150_000, newline).ToString().Split(newline);
        rows[70_001] = "0.5,abc,1";
        rows[90_001] = "1e400,0.5,0";
        rows[140_001] = "0.5,0.5,1e400"; // a label may name a class, but not an infinite one
        var text = string.Join(newline, rows);
        AssertManyPieces(text);

        var (parsed, errors) = await ParseAsync(text);

        Assert.Null(parsed);
        Assert.Equal(["line 70002, column 2", "line 90002, column 1", "line 140002, column 3"], errors.Keys);
        Assert.Equal(["must be a number (got \"abc\")."], errors["line 70002, column 2"]);
        Assert.Equal(["must be a finite number (got \"1e400\")."], errors["line 90002, column 1"]);
    }

    [Fact]
    public async Task ALaterPieceOfAnotherWidth_ReportsItsFirstTenRows()
    {
        var text = Rows(60_000).Append(Rows(120_000, from: 60_000).ToString().Replace("x1,x2,label\n", "", StringComparison.Ordinal).Replace("\n", ",9\n", StringComparison.Ordinal));
        AssertManyPieces(text.ToString());

        var (parsed, errors) = await ParseAsync(text.ToString());

        Assert.Null(parsed);
        Assert.Equal(Enumerable.Range(60_002, 10).Select(line => $"line {line}"), errors.Keys);
        Assert.All(errors.Values, message => Assert.Equal(["has 4 columns; the first row has 3."], message));
    }

    [Fact]
    public async Task ARowOfAnotherWidthLate_IsNamedByItsLine()
    {
        var text = Rows(100_000).Append("1,2\n").Append(Rows(150_000, from: 100_001).ToString()[12..]).ToString();
        AssertManyPieces(text);

        var (parsed, errors) = await ParseAsync(text);

        Assert.Null(parsed);
        Assert.Equal(["line 100002"], errors.Keys);
        Assert.Equal(["has 2 columns; the first row has 3."], errors["line 100002"]);
    }

    [Fact]
    public async Task MoreSamplesThanTheLimit_StopsReading_WithTheErrorsBeforeIt()
    {
        var rows = Rows(400_000).ToString().Split('\n');
        rows[5] = "x,0,1";
        var bytes = Encoding.UTF8.GetBytes(string.Join('\n', rows));
        var errors = new Dictionary<string, string[]>();
        await using var body = new TrickleStream(bytes, 65_536);

        var parsed = await CsvTrainingData.TryParseAsync(body, 1_000, errors, CancellationToken.None);

        Assert.Null(parsed);
        Assert.Equal(["line 6, column 1", "body"], errors.Keys);
        Assert.Equal(["has more than 1000 samples; the limit is 1000 (Training:MaxSamples)."], errors["body"]);
        Assert.InRange(body.Position, 1, bytes.Length / 2); // it stopped reading long before the end
    }

    [Fact]
    public async Task AFailedRead_Propagates_UnlessTheSampleLimitWasPassedFirst()
    {
        var bytes = Encoding.UTF8.GetBytes(Rows(200_000).ToString());
        await using var dropped = new TrickleStream(bytes, 65_536, failAfter: 2 << 20);
        await Assert.ThrowsAsync<IOException>(() => CsvTrainingData.TryParseAsync(dropped, Lots, [], CancellationToken.None));

        // Up to the failure there are more rows than the limit: reading row by row stops there, before the failure.
        var errors = new Dictionary<string, string[]>();
        await using var late = new TrickleStream(bytes, 1 << 20, failAfter: 2 << 20);
        Assert.Null(await CsvTrainingData.TryParseAsync(late, 90_000, errors, CancellationToken.None));
        Assert.Equal(["body"], errors.Keys);
    }

    [Fact]
    public async Task AnEmptyBodyOrAHeaderOnly_HasNoSamples_AndSoDoesABigBodyOfBlankLines()
    {
        foreach (var text in new[] { "", "x1,x2,label\n", "x1,x2,label\r\n" + new string('\n', 3 * CsvBodyPieces.PieceBytes) })
        {
            var (parsed, errors) = await ParseAsync(text);

            Assert.Null(parsed);
            Assert.Equal(["has no samples: send one sample a row, the label last."], Assert.Single(errors, e => e.Key == "body").Value);
            Assert.Single(errors);
        }
    }

    [Fact]
    public async Task AHeaderAfterAFirstPieceOfBlankLines_IsStillAHeader()
    {
        var text = new string('\n', 3 * CsvBodyPieces.PieceBytes) + Rows(100_000);

        var (parsed, errors) = await ParseAsync(text);

        Assert.Empty(errors);
        Assert.NotNull(parsed);
        Assert.Equal(100_000, parsed.Rows);
        Assert.Equal((3 * CsvBodyPieces.PieceBytes) + 2, parsed.Lines[0]);
    }

    [Fact]
    public async Task AUtf16BodyOfManyMegabytes_ReadsAsOnePiece()
    {
        var text = Rows(100_000).ToString();

        var (parsed, errors) = await ParseAsync(text, encoding: Encoding.Unicode);

        Assert.Empty(errors);
        Assert.NotNull(parsed);
        Assert.Equal(100_000, parsed.Rows);
        Assert.Equal([4 * 0.25, -4 * 0.5], parsed.Values.AsSpan(2 * 99_999).ToArray()); // row 99 999
        Assert.Equal(100_001, parsed.Lines[^1]);
    }

    [Fact]
    public async Task AUtf8ByteOrderMark_IsSkipped_AndInLaterRowsIsACharacter()
    {
        var text = Rows(100_000).ToString();

        var (parsed, errors) = await ParseAsync(text, encoding: new UTF8Encoding(true));

        Assert.Empty(errors);
        Assert.NotNull(parsed);
        Assert.Equal(100_000, parsed.Rows);
        Assert.Equal(2, parsed.Lines[0]); // the header, read as one

        // U+FEFF at the start of a later row is a character of that row (its cell is no number), as when read row by row.
        (parsed, errors) = await ParseAsync(text.Replace("\n1.500000,", "\n\uFEFF1.500000,", StringComparison.Ordinal), encoding: new UTF8Encoding(true));

        Assert.Null(parsed);
        Assert.Equal("line 8, column 1", errors.Keys.First());
        Assert.Equal(10, errors.Count);
    }
}
