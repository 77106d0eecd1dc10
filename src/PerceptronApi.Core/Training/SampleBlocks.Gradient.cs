using System.Numerics;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;

namespace PerceptronApi.Core.Training;

/// <summary>
/// ADALINE's pass: the judgement and the gradient sums <c>Σ (z − y)</c> and <c>Σ (z − y)·xj</c> under fixed weights, in one
/// trip through the rows, each sum added one sample after another in the current order.
/// </summary>
internal sealed partial class SampleBlocks
{
    /// <summary>
    /// One pass for ADALINE under the weights: the errors, <c>Σ (z − y)²</c>, and the gradient sums
    /// <c>Σ (z − y)</c> and <c>Σ (z − y)·xj</c>, each added sample after sample in the current order.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    internal (int Errors, double SquaredErrorSum, double BiasGradientSum) Gradient(double bias, ReadOnlySpan<double> weights, Span<double> weightGradientSums)
    {
        var n = Columns;
        weightGradientSums[..n].Clear();
        var errors = 0;
        var sum = 0.0;
        var biasSum = 0.0;
        ref var y = ref MemoryMarshal.GetArrayDataReference(_y);
        ref var x = ref X;
        Span<double> residuals = stackalloc double[Lanes];
        Span<double> products = stackalloc double[Lanes];
        for (var first = 0; first < Rows; first += GroupRows)
        {
            var block = first / Lanes;
            PrefetchGroup(ref Unsafe.Add(ref x, (nint)block * n * Lanes), ref Unsafe.Add(ref y, first), n, PrefetchGroups);
            NetInputs(block, bias, weights, out var z0, out var z1, out var z2, out var z3);
            errors += BitOperations.PopCount(Mistakes(block, z0, z1, z2, z3) & ValidMask(first));
            if (Avx.IsSupported && Rows - first >= GroupRows)
            {
                var d0 = z0 - Vector256.LoadUnsafe(ref y, (nuint)first);
                var d1 = z1 - Vector256.LoadUnsafe(ref y, (nuint)(first + Lanes));
                var d2 = z2 - Vector256.LoadUnsafe(ref y, (nuint)(first + (2 * Lanes)));
                var d3 = z3 - Vector256.LoadUnsafe(ref y, (nuint)(first + (3 * Lanes)));
                biasSum = AddInOrder(AddInOrder(AddInOrder(AddInOrder(biasSum, d0), d1), d2), d3);
                sum = AddInOrder(AddInOrder(AddInOrder(AddInOrder(sum, d0 * d0), d1 * d1), d2 * d2), d3 * d3);
                AddGradients(ref Unsafe.Add(ref x, block * n * Lanes), d0, d1, d2, d3, weightGradientSums);
                continue;
            }

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

    /// <summary>
    /// <c>gj += d_i·x_ij</c> for the 16 rows of a group, row after row (so each component is summed in sample order,
    /// as the scalar definition sums it), four components at a time: the products come out of the blocked layout as
    /// one vector per feature (across rows) and are turned, four by four, into one vector per row (across features).
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private void AddGradients(ref double features, Vector256<double> d0, Vector256<double> d1, Vector256<double> d2, Vector256<double> d3, Span<double> sums)
    {
        var n = Columns;
        var stride = (nuint)(n * Lanes);
        ref var g = ref MemoryMarshal.GetReference(sums);
        var j = 0;
        for (; j + 4 <= n; j += 4)
        {
            var o = (nuint)(j * Lanes);
            var acc = Vector256.LoadUnsafe(ref g, (nuint)j);
            acc = AddRows(acc, d0, ref Unsafe.Add(ref features, o));
            acc = AddRows(acc, d1, ref Unsafe.Add(ref features, o + stride));
            acc = AddRows(acc, d2, ref Unsafe.Add(ref features, o + (2 * stride)));
            acc = AddRows(acc, d3, ref Unsafe.Add(ref features, o + (3 * stride)));
            acc.StoreUnsafe(ref g, (nuint)j);
        }

        for (; j < n; j++)
        {
            var o = (nuint)(j * Lanes);
            var value = Unsafe.Add(ref g, j);
            value = AddInOrder(value, d0 * Vector256.LoadUnsafe(ref features, o));
            value = AddInOrder(value, d1 * Vector256.LoadUnsafe(ref features, o + stride));
            value = AddInOrder(value, d2 * Vector256.LoadUnsafe(ref features, o + (2 * stride)));
            value = AddInOrder(value, d3 * Vector256.LoadUnsafe(ref features, o + (3 * stride)));
            Unsafe.Add(ref g, j) = value;
        }
    }

    /// <summary>
    /// <paramref name="acc"/> (components j..j+3) plus, row after row, the 4 rows' products <c>d·x</c> of features
    /// j..j+3 of the block at <paramref name="x"/> (a 4×4 transpose of the products).
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector256<double> AddRows(Vector256<double> acc, Vector256<double> d, ref double x)
    {
        var p0 = d * Vector256.LoadUnsafe(ref x);
        var p1 = d * Vector256.LoadUnsafe(ref x, Lanes);
        var p2 = d * Vector256.LoadUnsafe(ref x, 2 * Lanes);
        var p3 = d * Vector256.LoadUnsafe(ref x, 3 * Lanes);
        var a = Avx.UnpackLow(p0, p1);
        var b = Avx.UnpackHigh(p0, p1);
        var c = Avx.UnpackLow(p2, p3);
        var e = Avx.UnpackHigh(p2, p3);
        acc += Avx.Permute2x128(a, c, 0x20);
        acc += Avx.Permute2x128(b, e, 0x20);
        acc += Avx.Permute2x128(a, c, 0x31);
        return acc + Avx.Permute2x128(b, e, 0x31);
    }
}
