using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;

namespace PerceptronApi.Core.Training;

/// <summary>
/// The samples' net inputs in the contract's order — bias first, then each feature, every product rounded before it is
/// added (no fused multiply-add) — and the decisions <c>z ≥ θ</c> against the labels that the judgement, the gradient
/// and the exact fallback of the search take from them.
/// </summary>
internal sealed partial class SampleBlocks
{
    /// <summary>The net inputs of the 16 rows of blocks <paramref name="block"/> .. <paramref name="block"/> + 3.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private void NetInputs(int block, double bias, ReadOnlySpan<double> weights, out Vector256<double> z0, out Vector256<double> z1, out Vector256<double> z2, out Vector256<double> z3)
    {
        var n = Columns;
        ref var x = ref Unsafe.Add(ref X, block * n * Lanes);
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

    /// <summary>The rows of the group at <paramref name="first"/> that exist: all 16, or the last group's remainder.</summary>
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


    /// <summary><c>z</c> of the sample at <paramref name="position"/>, in the contract's order (the definition itself).</summary>
    private double ExactNetInput(int position, double bias, ReadOnlySpan<double> weights)
    {
        var x = _x.AsSpan(_xStart + ((position / Lanes) * Columns * Lanes), Columns * Lanes)[(position % Lanes)..];
        var z = bias;
        for (var j = 0; j < weights.Length; j++)
        {
            z += weights[j] * x[j * Lanes];
        }

        return z;
    }
}
