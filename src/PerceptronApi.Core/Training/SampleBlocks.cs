using System.Numerics;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;
using PerceptronApi.Core.Model;

namespace PerceptronApi.Core.Training;

/// <summary>
/// The trainer's private copy of the samples, laid out for SIMD across rows: blocks of <see cref="Lanes"/> consecutive
/// samples, each block storing feature 0 of its rows, then feature 1, ... (<c>[block][feature][lane]</c>).
/// One <see cref="Vector256{T}"/> load then holds one feature of four rows, so four rows' net inputs are summed at
/// once — each row still strictly in the contract's order <c>((w0 + w1*x1) + w2*x2) + ...</c>, every product rounded
/// before it is added (a separate multiply and add: nothing here is fused). Sums over samples (loss, gradients) are
/// added one sample after another in the current order, so every result is bit-identical to the scalar definition.
/// </summary>
internal sealed class SampleBlocks
{
    /// <summary>Rows per block (one <see cref="Vector256{T}"/> of doubles).</summary>
    internal const int Lanes = 4;

    /// <summary>Blocks summed together, so that several independent add chains hide the latency of each.</summary>
    internal const int GroupBlocks = 4;

    /// <summary>Rows per group.</summary>
    internal const int GroupRows = Lanes * GroupBlocks;

    private readonly Matrix _inputs;
    private readonly double[] _givenLabels;
    private readonly double[] _x;
    private readonly double[] _y;
    private readonly int[] _order;
    private readonly double _threshold;
    private readonly double _positive;

    internal SampleBlocks(Matrix inputs, ReadOnlySpan<double> labels, double threshold, double positive)
    {
        _inputs = inputs;
        _givenLabels = labels.ToArray();
        Rows = inputs.Rows;
        Columns = inputs.Columns;
        _threshold = threshold;
        _positive = positive;

        // GroupBlocks - 1 blocks of zero padding let a group start at any block and still read in bounds.
        var blocks = ((Rows + Lanes - 1) / Lanes) + GroupBlocks - 1;
        _x = new double[blocks * Columns * Lanes];
        _y = new double[blocks * Lanes];
        _order = new int[Rows];
        for (var i = 0; i < _order.Length; i++)
        {
            _order[i] = i;
        }

        Fill();
    }

    /// <summary>The number of samples <c>M</c>.</summary>
    internal int Rows { get; }

    /// <summary>The number of features <c>n</c>.</summary>
    internal int Columns { get; }

    /// <summary>Whether the samples are in their given order (no shuffle has happened yet).</summary>
    internal bool InGivenOrder { get; private set; } = true;

    /// <summary>
    /// <c>wj += δ·xj</c> for the sample at <paramref name="position"/>, each component one rounded product and one
    /// rounded sum. It reads the sample from this copy, which the search for the mistake has just brought into cache
    /// (the row-major original would be a cache miss per update).
    /// </summary>
    internal void AddScaledRow(int position, double delta, Span<double> weights)
    {
        var x = _x.AsSpan((position / Lanes) * Columns * Lanes, Columns * Lanes)[(position % Lanes)..];
        for (var j = 0; j < weights.Length; j++)
        {
            weights[j] += delta * x[j * Lanes];
        }
    }

    /// <summary>The label at position <paramref name="position"/> of the current order.</summary>
    internal double Label(int position) => _y[position];

    /// <summary>Visits the samples from now on in the order <paramref name="order"/> (a permutation of the row indexes).</summary>
    internal void Reorder(ReadOnlySpan<int> order)
    {
        order.CopyTo(_order);
        InGivenOrder = false;
        Fill();
    }

    private void Fill()
    {
        var data = _inputs.Data;
        var n = Columns;
        for (var position = 0; position < Rows; position++)
        {
            var source = data.Slice(_order[position] * n, n);
            var block = _x.AsSpan((position / Lanes) * n * Lanes, n * Lanes);
            var lane = position % Lanes;
            for (var j = 0; j < n; j++)
            {
                block[(j * Lanes) + lane] = source[j];
            }

            _y[position] = _givenLabels[_order[position]];
        }
    }

    /// <summary>
    /// The first position in [<paramref name="start"/>, <paramref name="end"/>) whose sample the weights misclassify,
    /// or <paramref name="end"/> when there is none.
    /// </summary>
    internal int FindMistake(int start, int end, double bias, ReadOnlySpan<double> weights)
    {
        if (start >= end)
        {
            return end;
        }

        // Right after an update the next mistake is often near, and its net input waits on the new weights: a short
        // first step (two blocks, half the work of a group) finds it sooner; then whole groups stream on.
        var block = start / Lanes;
        var first = block * Lanes;
        NetInputs(block, bias, weights, out var a0, out var a1);
        var mistakes = Mistakes(block, a0) | (Mistakes(block + 1, a1) << Lanes);
        mistakes &= uint.MaxValue << (start - first);
        var available = end - first;
        if (available < 2 * Lanes)
        {
            mistakes &= (1u << available) - 1;
        }

        if (mistakes != 0)
        {
            return first + BitOperations.TrailingZeroCount(mistakes);
        }

        for (var position = first + (2 * Lanes); position < end; position += GroupRows)
        {
            block = position / Lanes;
            NetInputs(block, bias, weights, out var z0, out var z1, out var z2, out var z3);
            mistakes = Mistakes(block, z0, z1, z2, z3);
            available = end - position;
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
    /// Misclassified samples under the weights, counting no further than <paramref name="stopAt"/> (the count is then
    /// at least <paramref name="stopAt"/>, which is all the pocket needs to know).
    /// </summary>
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

    /// <summary>
    /// Misclassified samples and <c>Σ (z − y)²</c> (added in the current order, not yet divided) under the weights.
    /// </summary>
    internal (int Errors, double SquaredErrorSum) Evaluate(double bias, ReadOnlySpan<double> weights)
    {
        var errors = 0;
        var sum = 0.0;
        ref var y = ref MemoryMarshal.GetArrayDataReference(_y);
        Span<double> squares = stackalloc double[GroupRows];
        for (var first = 0; first < Rows; first += GroupRows)
        {
            var block = first / Lanes;
            NetInputs(block, bias, weights, out var z0, out var z1, out var z2, out var z3);
            errors += BitOperations.PopCount(Mistakes(block, z0, z1, z2, z3) & ValidMask(first));
            var d0 = z0 - Vector256.LoadUnsafe(ref y, (nuint)first);
            var d1 = z1 - Vector256.LoadUnsafe(ref y, (nuint)(first + Lanes));
            var d2 = z2 - Vector256.LoadUnsafe(ref y, (nuint)(first + (2 * Lanes)));
            var d3 = z3 - Vector256.LoadUnsafe(ref y, (nuint)(first + (3 * Lanes)));
            (d0 * d0).CopyTo(squares);
            (d1 * d1).CopyTo(squares[Lanes..]);
            (d2 * d2).CopyTo(squares[(2 * Lanes)..]);
            (d3 * d3).CopyTo(squares[(3 * Lanes)..]);
            var count = Math.Min(GroupRows, Rows - first);
            for (var i = 0; i < count; i++)
            {
                sum += squares[i];
            }
        }

        return (errors, sum);
    }

    /// <summary>
    /// One pass for ADALINE under the weights: the errors, <c>Σ (z − y)²</c>, and the gradient sums
    /// <c>Σ (z − y)</c> and <c>Σ (z − y)·xj</c>, each added sample after sample in the current order.
    /// </summary>
    internal (int Errors, double SquaredErrorSum, double BiasGradientSum) Gradient(double bias, ReadOnlySpan<double> weights, Span<double> weightGradientSums)
    {
        var n = Columns;
        weightGradientSums[..n].Clear();
        var errors = 0;
        var sum = 0.0;
        var biasSum = 0.0;
        ref var y = ref MemoryMarshal.GetArrayDataReference(_y);
        ref var x = ref MemoryMarshal.GetArrayDataReference(_x);
        Span<double> residuals = stackalloc double[Lanes];
        Span<double> products = stackalloc double[Lanes];
        for (var first = 0; first < Rows; first += GroupRows)
        {
            var block = first / Lanes;
            NetInputs(block, bias, weights, out var z0, out var z1, out var z2, out var z3);
            errors += BitOperations.PopCount(Mistakes(block, z0, z1, z2, z3) & ValidMask(first));
            for (var q = 0; q < GroupBlocks; q++)
            {
                var blockFirst = first + (q * Lanes);
                var count = Math.Min(Lanes, Rows - blockFirst);
                if (count <= 0)
                {
                    break;
                }

                var z = q switch { 0 => z0, 1 => z1, 2 => z2, _ => z3 };
                var d = z - Vector256.LoadUnsafe(ref y, (nuint)blockFirst);
                d.CopyTo(residuals);
                (d * d).CopyTo(products);
                for (var i = 0; i < count; i++)
                {
                    biasSum += residuals[i];
                    sum += products[i];
                }

                ref var features = ref Unsafe.Add(ref x, (block + q) * n * Lanes);
                for (var j = 0; j < n; j++)
                {
                    (d * Vector256.LoadUnsafe(ref features, (nuint)(j * Lanes))).CopyTo(products);
                    var g = weightGradientSums[j];
                    for (var i = 0; i < count; i++)
                    {
                        g += products[i];
                    }

                    weightGradientSums[j] = g;
                }
            }
        }

        return (errors, sum, biasSum);
    }

    private uint ValidMask(int first)
    {
        var available = Rows - first;
        return available >= GroupRows ? uint.MaxValue : (1u << available) - 1;
    }

    /// <summary>Bit <c>i</c> set when row <c>4·block + i</c> of the group is misclassified.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private uint Mistakes(int block, Vector256<double> z0, Vector256<double> z1, Vector256<double> z2, Vector256<double> z3)
    {
        ref var y = ref MemoryMarshal.GetArrayDataReference(_y);
        var threshold = Vector256.Create(_threshold);
        var positive = Vector256.Create(_positive);
        var first = (nuint)(block * Lanes);
        var m0 = Vector256.GreaterThanOrEqual(z0, threshold) ^ Vector256.Equals(Vector256.LoadUnsafe(ref y, first), positive);
        var m1 = Vector256.GreaterThanOrEqual(z1, threshold) ^ Vector256.Equals(Vector256.LoadUnsafe(ref y, first + Lanes), positive);
        var m2 = Vector256.GreaterThanOrEqual(z2, threshold) ^ Vector256.Equals(Vector256.LoadUnsafe(ref y, first + (2 * Lanes)), positive);
        var m3 = Vector256.GreaterThanOrEqual(z3, threshold) ^ Vector256.Equals(Vector256.LoadUnsafe(ref y, first + (3 * Lanes)), positive);
        return m0.ExtractMostSignificantBits()
            | (m1.ExtractMostSignificantBits() << Lanes)
            | (m2.ExtractMostSignificantBits() << (2 * Lanes))
            | (m3.ExtractMostSignificantBits() << (3 * Lanes));
    }

    /// <summary>Bit <c>i</c> set when row <c>4·block + i</c> is misclassified.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private uint Mistakes(int block, Vector256<double> z)
    {
        ref var y = ref MemoryMarshal.GetArrayDataReference(_y);
        var labels = Vector256.LoadUnsafe(ref y, (nuint)(block * Lanes));
        return (Vector256.GreaterThanOrEqual(z, Vector256.Create(_threshold)) ^ Vector256.Equals(labels, Vector256.Create(_positive))).ExtractMostSignificantBits();
    }

    /// <summary>The net inputs of the 8 rows of blocks <paramref name="block"/> and <paramref name="block"/> + 1.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private void NetInputs(int block, double bias, ReadOnlySpan<double> weights, out Vector256<double> z0, out Vector256<double> z1)
    {
        var n = Columns;
        ref var x = ref Unsafe.Add(ref MemoryMarshal.GetArrayDataReference(_x), block * n * Lanes);
        ref var second = ref Unsafe.Add(ref x, n * Lanes);
        ref var w = ref MemoryMarshal.GetReference(weights);
        z0 = z1 = Vector256.Create(bias);
        for (var j = 0; j < n; j++)
        {
            var wj = Vector256.Create(Unsafe.Add(ref w, j));
            z0 += wj * Vector256.LoadUnsafe(ref x);
            z1 += wj * Vector256.LoadUnsafe(ref second);
            x = ref Unsafe.Add(ref x, Lanes);
            second = ref Unsafe.Add(ref second, Lanes);
        }
    }

    /// <summary>The net inputs of the 16 rows of blocks <paramref name="block"/> .. <paramref name="block"/> + 3.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private void NetInputs(int block, double bias, ReadOnlySpan<double> weights, out Vector256<double> z0, out Vector256<double> z1, out Vector256<double> z2, out Vector256<double> z3)
    {
        var n = Columns;
        ref var x = ref Unsafe.Add(ref MemoryMarshal.GetArrayDataReference(_x), block * n * Lanes);
        ref var w = ref MemoryMarshal.GetReference(weights);
        var stride = (nuint)(n * Lanes);
        z0 = z1 = z2 = z3 = Vector256.Create(bias);
        for (var j = 0; j < n; j++)
        {
            var wj = Vector256.Create(Unsafe.Add(ref w, j));
            var offset = (nuint)(j * Lanes);

            // Multiply, round, then add: the contract's order. (.NET does not contract these into a fused multiply-add.)
            z0 += wj * Vector256.LoadUnsafe(ref x, offset);
            z1 += wj * Vector256.LoadUnsafe(ref x, offset + stride);
            z2 += wj * Vector256.LoadUnsafe(ref x, offset + (2 * stride));
            z3 += wj * Vector256.LoadUnsafe(ref x, offset + (3 * stride));
        }
    }
}
