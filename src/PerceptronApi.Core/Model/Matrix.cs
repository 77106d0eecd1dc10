namespace PerceptronApi.Core.Model;

/// <summary>
/// A read-only block of rows of doubles in one contiguous row-major array: row <c>i</c> is
/// <c>data[i*Columns .. (i+1)*Columns)</c>. Samples live here so hot loops walk memory in order.
/// </summary>
public sealed class Matrix
{
    private readonly double[] _data;

    private Matrix(double[] data, int rows, int columns)
    {
        _data = data;
        Rows = rows;
        Columns = columns;
    }

    /// <summary>The number of rows (samples).</summary>
    public int Rows { get; }

    /// <summary>The number of columns (features).</summary>
    public int Columns { get; }

    /// <summary>All values, row after row.</summary>
    public ReadOnlySpan<double> Data => _data;

    /// <summary>Row <paramref name="index"/>.</summary>
    public ReadOnlySpan<double> Row(int index) => _data.AsSpan(index * Columns, Columns);

    /// <summary>The value at row <paramref name="row"/>, column <paramref name="column"/>.</summary>
    public double this[int row, int column] => _data[(row * Columns) + column];

    /// <summary>Wraps a row-major array; the matrix takes ownership, the caller must not change it afterwards.</summary>
    /// <exception cref="ArgumentException">The sizes do not match the array.</exception>
    public static Matrix FromRowMajor(double[] data, int rows, int columns)
    {
        ArgumentNullException.ThrowIfNull(data);
        ArgumentOutOfRangeException.ThrowIfNegative(rows);
        ArgumentOutOfRangeException.ThrowIfNegative(columns);
        if ((long)rows * columns != data.Length)
        {
            throw new ArgumentException($"{rows} rows × {columns} columns need {(long)rows * columns} values, got {data.Length}.", nameof(data));
        }

        return new Matrix(data, rows, columns);
    }

    /// <summary>Copies jagged rows into one contiguous block.</summary>
    /// <exception cref="ArgumentException">The rows are not all of the same width.</exception>
    public static Matrix FromRows(IReadOnlyList<IReadOnlyList<double>> rows)
    {
        ArgumentNullException.ThrowIfNull(rows);
        var columns = rows.Count == 0 ? 0 : rows[0].Count;
        var data = new double[rows.Count * columns];
        for (var i = 0; i < rows.Count; i++)
        {
            var row = rows[i];
            if (row.Count != columns)
            {
                throw new ArgumentException($"Row {i} has {row.Count} values; row 0 has {columns}.", nameof(rows));
            }

            for (var j = 0; j < columns; j++)
            {
                data[(i * columns) + j] = row[j];
            }
        }

        return new Matrix(data, rows.Count, columns);
    }

    /// <summary>
    /// All <c>2^n</c> binary rows of width <paramref name="width"/> in counting order with <c>x1</c> most significant:
    /// (0,0), (0,1), (1,0), (1,1) for <c>n = 2</c>.
    /// </summary>
    public static Matrix BinaryCounting(int width)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(width, 1);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(width, 24);
        var rows = 1 << width;
        var data = new double[rows * width];
        for (var r = 0; r < rows; r++)
        {
            for (var j = 0; j < width; j++)
            {
                data[(r * width) + j] = (r >> (width - 1 - j)) & 1;
            }
        }

        return new Matrix(data, rows, width);
    }
}
