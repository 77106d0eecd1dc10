using System.Buffers;

namespace PerceptronApi.Core.Training;

/// <summary>
/// Large scratch arrays shared between training runs, through <see cref="ArrayPool{T}.Shared"/>. A run's private copy of
/// the samples is as large as the input; a fresh array of that size costs a page fault per 4 KiB on first touch
/// (measured: several times the cost of the copy itself, ~9 ms per 17 MB on the benchmark VM), so a run hands its
/// arrays back when it ends and the next run takes them. The shared pool trims what has not been used for a while and
/// everything under memory pressure. (A weakly held cache was tried first: every full collection emptied it.)
/// Rented arrays are not cleared.
/// <para>
/// This is the core's one piece of process-wide state, on purpose: the core is called through static entry points
/// (<see cref="Trainer"/>, <see cref="Classes.OneVsRestTrainer"/>) with no host to own a pool, and the reuse only pays
/// when it spans runs that share nothing else — so the pool is <see cref="ArrayPool{T}.Shared"/> (thread-safe, trimmed by
/// the runtime) rather than one passed in on every call. No run can observe another through it: every value a run
/// reads from a rented array it has written first (<see cref="SampleBlocks"/> fills the copy and clears the padding).
/// </para>
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
