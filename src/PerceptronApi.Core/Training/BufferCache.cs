using System.Buffers;

namespace PerceptronApi.Core.Training;

/// <summary>
/// Large scratch arrays shared between training runs, through <see cref="ArrayPool{T}.Shared"/>. A run's private copy of
/// the samples is as large as the input; a fresh array of that size costs a page fault per 4 KiB on first touch
/// (measured: several times the cost of the copy itself, ~9 ms per 17 MB on the benchmark VM), so a run hands its
/// arrays back when it ends and the next run takes them. The shared pool trims what has not been used for a while and
/// everything under memory pressure. (A weakly held cache was tried first: every full collection emptied it.)
/// Rented arrays are not cleared.
/// </summary>
internal static class BufferCache
{
    /// <summary>An array of at least <paramref name="length"/> values, contents unspecified.</summary>
    internal static double[] Rent(int length) => ArrayPool<double>.Shared.Rent(length);

    /// <summary>Hands back an array from <see cref="Rent"/>; the caller must not use it any more.</summary>
    internal static void Return(double[]? array)
    {
        if (array is { Length: > 0 })
        {
            ArrayPool<double>.Shared.Return(array);
        }
    }
}
