using PerceptronApi.Core.Model;

namespace PerceptronApi.Predictions;

/// <summary>
/// The binary rows predicted when a request gives no inputs, built once per width: the common request (a gate's truth
/// table) then allocates neither the matrix nor the row arrays of its answer. Shared instances are never written to.
/// </summary>
internal static class TruthTables
{
    /// <summary>Widths up to this are kept (2^10 rows × 10 values: 80 KiB); wider ones are built per request.</summary>
    private const int CachedWidth = 10;

    private static readonly Lazy<(Matrix Matrix, double[][] Rows)>[] Cache =
        [.. Enumerable.Range(0, CachedWidth + 1).Select(width => new Lazy<(Matrix, double[][])>(() => Build(width)))];

    /// <summary>All 2^<paramref name="width"/> binary rows in counting order.</summary>
    public static Matrix Of(int width) => width <= CachedWidth ? Cache[width].Value.Matrix : Matrix.BinaryCounting(width);

    /// <summary>Row <paramref name="row"/> of <paramref name="inputs"/> as an array: shared when it is a cached truth table.</summary>
    public static double[] Row(Matrix inputs, int row) =>
        inputs.Columns <= CachedWidth && ReferenceEquals(inputs, Cache[inputs.Columns].Value.Matrix)
            ? Cache[inputs.Columns].Value.Rows[row]
            : inputs.Row(row).ToArray();

    private static (Matrix, double[][]) Build(int width)
    {
        if (width == 0)
        {
            return (Matrix.FromRowMajor([], 0, 0), []);
        }

        var matrix = Matrix.BinaryCounting(width);
        var rows = new double[matrix.Rows][];
        for (var r = 0; r < rows.Length; r++)
        {
            rows[r] = matrix.Row(r).ToArray();
        }

        return (matrix, rows);
    }
}
