using System.Numerics;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;

namespace PerceptronApi.Core.Training;

/// <summary>
/// The perceptron rules' search for the next misclassified sample (pocket's loop and the tests use it; the fused loop
/// of <c>SampleBlocks.Update.cs</c> has its own), and the error count the pocket judges each update by.
/// </summary>
internal sealed partial class SampleBlocks
{
    /// <summary>
    /// The first position in [<paramref name="start"/>, <paramref name="end"/>) whose sample the weights misclassify,
    /// or <paramref name="end"/> when there is none.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    internal int FindMistake(int start, int end, double bias, ReadOnlySpan<double> weights)
    {
        if (start >= end)
        {
            return end;
        }

        var margin = DecisionMargin(bias, weights);
        if (double.IsPositiveInfinity(margin))
        {
            return FindMistakeExactly(start, end, bias, weights);
        }

        // The first step takes a whole group (16 rows from the block of start): with ~1 sample in 5 updating, the next
        // mistake is almost always among them, so the branch on "found" is predictable; which row it is, is data (a
        // trailing-zero count), not a branch the predictor would miss.
        var block = start / Lanes;
        var first = block * Lanes;
        FastNetInputs(block, bias, weights, out var a0, out var a1, out var a2, out var a3);
        var window = uint.MaxValue << (start - first);
        var available = end - first;
        if (available < GroupRows)
        {
            window &= (1u << available) - 1;
        }

        var mistakes = Mistakes(block, a0, a1, a2, a3);
        var uncertain = (Uncertain(a0, margin) | (Uncertain(a1, margin) << Lanes) | (Uncertain(a2, margin) << (2 * Lanes)) | (Uncertain(a3, margin) << (3 * Lanes))) & window;
        if (uncertain != 0)
        {
            mistakes = Resolve(first, uncertain, mistakes, bias, weights);
        }

        mistakes &= window;
        if (mistakes != 0)
        {
            return first + BitOperations.TrailingZeroCount(mistakes);
        }

        for (var position = first + GroupRows; position < end; position += GroupRows)
        {
            block = position / Lanes;
            FastNetInputs(block, bias, weights, out var z0, out var z1, out var z2, out var z3);
            mistakes = Mistakes(block, z0, z1, z2, z3);
            uncertain = Uncertain(z0, margin) | (Uncertain(z1, margin) << Lanes) | (Uncertain(z2, margin) << (2 * Lanes)) | (Uncertain(z3, margin) << (3 * Lanes));
            available = end - position;
            window = available < GroupRows ? (1u << available) - 1 : uint.MaxValue;
            uncertain &= window;
            if (uncertain != 0)
            {
                mistakes = Resolve(position, uncertain, mistakes, bias, weights);
            }

            mistakes &= window;
            if (mistakes != 0)
            {
                return position + BitOperations.TrailingZeroCount(mistakes);
            }
        }

        return end;
    }

    /// <summary><see cref="FindMistake"/> with every net input in the contract's order (the weights are too large for the margin).</summary>
    private int FindMistakeExactly(int start, int end, double bias, ReadOnlySpan<double> weights)
    {
        var first = start / Lanes * Lanes;
        for (var position = first; position < end; position += GroupRows)
        {
            var block = position / Lanes;
            NetInputs(block, bias, weights, out var z0, out var z1, out var z2, out var z3);
            var mistakes = Mistakes(block, z0, z1, z2, z3);
            if (position < start)
            {
                mistakes &= uint.MaxValue << (start - position);
            }

            var available = end - position;
            if (available < GroupRows)
            {
                mistakes &= (1u << available) - 1;
            }

            if (mistakes != 0)
            {
                return position + BitOperations.TrailingZeroCount(mistakes);
            }
        }

        return end;
    }

    /// <summary>
    /// The net inputs of the 16 rows of blocks <paramref name="block"/> .. <paramref name="block"/> + 3 in a fast order
    /// (two partial sums per row): only for decisions proved by the margin.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private void FastNetInputs(int block, double bias, ReadOnlySpan<double> weights, out Vector256<double> z0, out Vector256<double> z1, out Vector256<double> z2, out Vector256<double> z3)
    {
        var n = Columns;
        ref var x = ref Unsafe.Add(ref X, block * n * Lanes);
        ref var w = ref MemoryMarshal.GetReference(weights);
        var stride = (nuint)(n * Lanes);
        var a0 = Vector256.Create(bias);
        var a1 = a0;
        var a2 = a0;
        var a3 = a0;
        Vector256<double> b0 = default, b1 = default, b2 = default, b3 = default;
        var j = 0;
        for (; j + 2 <= n; j += 2)
        {
            var o = (nuint)(j * Lanes);
            var w0 = Vector256.Create(Unsafe.Add(ref w, j));
            var w1 = Vector256.Create(Unsafe.Add(ref w, j + 1));
            a0 += w0 * Vector256.LoadUnsafe(ref x, o);
            a1 += w0 * Vector256.LoadUnsafe(ref x, o + stride);
            a2 += w0 * Vector256.LoadUnsafe(ref x, o + (2 * stride));
            a3 += w0 * Vector256.LoadUnsafe(ref x, o + (3 * stride));
            b0 += w1 * Vector256.LoadUnsafe(ref x, o + Lanes);
            b1 += w1 * Vector256.LoadUnsafe(ref x, o + stride + Lanes);
            b2 += w1 * Vector256.LoadUnsafe(ref x, o + (2 * stride) + Lanes);
            b3 += w1 * Vector256.LoadUnsafe(ref x, o + (3 * stride) + Lanes);
        }

        if (j < n)
        {
            var o = (nuint)(j * Lanes);
            var wj = Vector256.Create(Unsafe.Add(ref w, j));
            a0 += wj * Vector256.LoadUnsafe(ref x, o);
            a1 += wj * Vector256.LoadUnsafe(ref x, o + stride);
            a2 += wj * Vector256.LoadUnsafe(ref x, o + (2 * stride));
            a3 += wj * Vector256.LoadUnsafe(ref x, o + (3 * stride));
        }

        z0 = a0 + b0;
        z1 = a1 + b1;
        z2 = a2 + b2;
        z3 = a3 + b3;
    }

    /// <summary>
    /// Misclassified samples under the weights, counting no further than <paramref name="stopAt"/> (the count is then
    /// at least <paramref name="stopAt"/>, which is all the pocket needs to know).
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    internal int CountErrors(double bias, ReadOnlySpan<double> weights, int stopAt)
    {
        var errors = 0;
        for (var first = 0; first < Rows && errors < stopAt; first += GroupRows)
        {
            var block = first / Lanes;
            NetInputs(block, bias, weights, out var z0, out var z1, out var z2, out var z3);
            errors += BitOperations.PopCount(Mistakes(block, z0, z1, z2, z3) & ValidMask(first));
        }

        return errors;
    }
}
