using System.Numerics;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;

namespace PerceptronApi.Core.Training;

/// <summary>
/// The judgement a record reports: misclassified samples and <c>Σ (z − y)²</c> under fixed weights, from <c>z</c> in the
/// contract's order, the squares added one sample after another in the current order — as a whole pass, or a little
/// at a time just ahead of a training pass over the same rows.
/// </summary>
internal sealed partial class SampleBlocks
{
    /// <summary>A judgement in progress: rows before <see cref="Next"/> are judged.</summary>
    internal struct Judgement
    {
        /// <summary>The first row not judged yet (a multiple of <see cref="GroupRows"/>).</summary>
        internal int Next;

        /// <summary>Misclassified rows so far.</summary>
        internal int Errors;

        /// <summary><c>Σ (z − y)²</c> so far, in the current order.</summary>
        internal double SquaredErrorSum;
    }

    /// <summary>
    /// Misclassified samples and <c>Σ (z − y)²</c> (added in the current order, not yet divided) under the weights.
    /// </summary>
    internal (int Errors, double SquaredErrorSum) Evaluate(double bias, ReadOnlySpan<double> weights)
    {
        var judgement = default(Judgement);
        Judge(ref judgement, Rows, bias, weights);
        return (judgement.Errors, judgement.SquaredErrorSum);
    }

    /// <summary>
    /// Continues <paramref name="judgement"/> (errors and <c>Σ (z − y)²</c> under fixed weights, in the current order)
    /// over whole groups up to at least <paramref name="limit"/> (at most all rows). Called a little at a time, it lets a
    /// judgement run just ahead of a training pass over the same rows: one trip through memory serves both, and its
    /// independent work fills the gaps while the training waits on its chain of updates.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    internal void Judge(ref Judgement judgement, int limit, double bias, ReadOnlySpan<double> weights)
    {
        limit = Math.Min(limit, Rows);
        var first = judgement.Next;
        var errors = judgement.Errors;
        var sum = judgement.SquaredErrorSum;
        ref var y = ref MemoryMarshal.GetArrayDataReference(_y);
        ref var x = ref X;
        for (; first < limit; first += GroupRows)
        {
            var block = first / Lanes;
            PrefetchGroup(ref Unsafe.Add(ref x, (nint)block * Columns * Lanes), ref Unsafe.Add(ref y, first), Columns, PrefetchGroups);
            NetInputs(block, bias, weights, out var z0, out var z1, out var z2, out var z3);
            errors += BitOperations.PopCount(Mistakes(block, z0, z1, z2, z3) & ValidMask(first));
            var d0 = z0 - Vector256.LoadUnsafe(ref y, (nuint)first);
            var d1 = z1 - Vector256.LoadUnsafe(ref y, (nuint)(first + Lanes));
            var d2 = z2 - Vector256.LoadUnsafe(ref y, (nuint)(first + (2 * Lanes)));
            var d3 = z3 - Vector256.LoadUnsafe(ref y, (nuint)(first + (3 * Lanes)));
            if (Rows - first >= GroupRows)
            {
                sum = AddInOrder(AddInOrder(AddInOrder(AddInOrder(sum, d0 * d0), d1 * d1), d2 * d2), d3 * d3);
            }
            else
            {
                sum = AddInOrder(sum, d0 * d0, d1 * d1, d2 * d2, d3 * d3, Rows - first);
            }
        }

        judgement = new Judgement { Next = first, Errors = errors, SquaredErrorSum = sum };
    }

    /// <summary>How far ahead (in groups of <see cref="GroupRows"/> rows) the streaming passes prefetch their rows.</summary>
    private const int PrefetchGroups = 6;

    /// <summary>
    /// Hints the processor to bring the group of rows <paramref name="groups"/> groups after the block at
    /// <paramref name="x"/> (and its labels) into cache: at 1 M rows the streaming passes otherwise wait on memory.
    /// A prefetch never faults, so addresses past the end are harmless.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static unsafe void PrefetchGroup(ref double x, ref double y, int n, int groups)
    {
        if (!Sse.IsSupported)
        {
            return;
        }

        var length = n * Lanes * GroupBlocks;
        var bytes = (byte*)Unsafe.AsPointer(ref x) + ((nint)groups * length * sizeof(double));
        for (var o = 0; o < length * sizeof(double); o += 64)
        {
            Sse.Prefetch0(bytes + o);
        }

        Sse.Prefetch0((byte*)Unsafe.AsPointer(ref y) + (groups * GroupRows * sizeof(double)));
        Sse.Prefetch0((byte*)Unsafe.AsPointer(ref y) + (groups * GroupRows * sizeof(double)) + 64);
    }

    /// <summary><paramref name="sum"/> + v0 + v1 + v2 + v3, one rounded add after another.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static double AddInOrder(double sum, Vector256<double> v)
    {
        var low = v.GetLower();
        var high = v.GetUpper();
        sum += low.ToScalar();
        sum += low.GetElement(1);
        sum += high.ToScalar();
        return sum + high.GetElement(1);
    }

    /// <summary>The first <paramref name="count"/> (&lt; 16) lanes of the four vectors added to <paramref name="sum"/> in order.</summary>
    private static double AddInOrder(double sum, Vector256<double> v0, Vector256<double> v1, Vector256<double> v2, Vector256<double> v3, int count)
    {
        Span<double> values = stackalloc double[GroupRows];
        v0.CopyTo(values);
        v1.CopyTo(values[Lanes..]);
        v2.CopyTo(values[(2 * Lanes)..]);
        v3.CopyTo(values[(3 * Lanes)..]);
        for (var i = 0; i < count; i++)
        {
            sum += values[i];
        }

        return sum;
    }
}
