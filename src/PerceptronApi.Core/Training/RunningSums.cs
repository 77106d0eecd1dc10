using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;

namespace PerceptronApi.Core.Training;

/// <summary>
/// The averaged perceptron's running sums: after every sample step the weights are added to the sums, one step after
/// another. Between two updates the weights do not change, so a run of steps adds the same vector repeatedly; the
/// components are independent sums, so they are added side by side in vectors, each still one step at a time.
/// </summary>
internal static class RunningSums
{
    private const int Lanes = 4;

    /// <summary>
    /// The array length for <paramref name="features"/> values: whole vectors, and 1, 2, 4 or a multiple of 8 of them,
    /// so <see cref="AddRepeatedly"/> keeps all its chains in registers. The padding stays 0.
    /// </summary>
    internal static int PaddedLength(int features)
    {
        var vectors = (features + Lanes - 1) / Lanes;
        vectors = vectors switch
        {
            <= 1 => 1,
            2 => 2,
            <= 4 => 4,
            _ => (vectors + 7) / 8 * 8,
        };
        return vectors * Lanes;
    }

    /// <summary>
    /// Adds <paramref name="bias"/> to <paramref name="biasSum"/> and <paramref name="weights"/> to <paramref name="sums"/>,
    /// <paramref name="steps"/> times each (both arrays of a <see cref="PaddedLength"/>).
    /// </summary>
    internal static void AddRepeatedly(ref double biasSum, double bias, double[] sums, double[] weights, int steps)
    {
        var vectors = sums.Length / Lanes;
        ref var s = ref MemoryMarshal.GetArrayDataReference(sums);
        ref var w = ref MemoryMarshal.GetArrayDataReference(weights);
        switch (vectors)
        {
            case 1:
                Add1(ref biasSum, bias, ref s, ref w, steps);
                break;
            case 2:
                Add2(ref biasSum, bias, ref s, ref w, steps);
                break;
            case 4:
                Add4(ref biasSum, bias, ref s, ref w, steps);
                break;
            default:
                // The bias rides along with the first chunk only.
                Add8(ref biasSum, bias, ref s, ref w, steps);
                var unused = 0.0;
                for (var v = 8; v < vectors; v += 8)
                {
                    Add8(ref unused, 0.0, ref Unsafe.Add(ref s, v * Lanes), ref Unsafe.Add(ref w, v * Lanes), steps);
                }

                break;
        }
    }

    private static void Add1(ref double biasSum, double bias, ref double s, ref double w, int steps)
    {
        var b = biasSum;
        var s0 = Vector256.LoadUnsafe(ref s);
        var w0 = Vector256.LoadUnsafe(ref w);
        for (var t = 0; t < steps; t++)
        {
            b += bias;
            s0 += w0;
        }

        biasSum = b;
        s0.StoreUnsafe(ref s);
    }

    private static void Add2(ref double biasSum, double bias, ref double s, ref double w, int steps)
    {
        var b = biasSum;
        var s0 = Vector256.LoadUnsafe(ref s);
        var s1 = Vector256.LoadUnsafe(ref s, 4);
        var w0 = Vector256.LoadUnsafe(ref w);
        var w1 = Vector256.LoadUnsafe(ref w, 4);
        for (var t = 0; t < steps; t++)
        {
            b += bias;
            s0 += w0;
            s1 += w1;
        }

        biasSum = b;
        s0.StoreUnsafe(ref s);
        s1.StoreUnsafe(ref s, 4);
    }

    private static void Add4(ref double biasSum, double bias, ref double s, ref double w, int steps)
    {
        var b = biasSum;
        var s0 = Vector256.LoadUnsafe(ref s);
        var s1 = Vector256.LoadUnsafe(ref s, 4);
        var s2 = Vector256.LoadUnsafe(ref s, 8);
        var s3 = Vector256.LoadUnsafe(ref s, 12);
        var w0 = Vector256.LoadUnsafe(ref w);
        var w1 = Vector256.LoadUnsafe(ref w, 4);
        var w2 = Vector256.LoadUnsafe(ref w, 8);
        var w3 = Vector256.LoadUnsafe(ref w, 12);
        for (var t = 0; t < steps; t++)
        {
            b += bias;
            s0 += w0;
            s1 += w1;
            s2 += w2;
            s3 += w3;
        }

        biasSum = b;
        s0.StoreUnsafe(ref s);
        s1.StoreUnsafe(ref s, 4);
        s2.StoreUnsafe(ref s, 8);
        s3.StoreUnsafe(ref s, 12);
    }

    private static void Add8(ref double biasSum, double bias, ref double s, ref double w, int steps)
    {
        var b = biasSum;
        var s0 = Vector256.LoadUnsafe(ref s);
        var s1 = Vector256.LoadUnsafe(ref s, 4);
        var s2 = Vector256.LoadUnsafe(ref s, 8);
        var s3 = Vector256.LoadUnsafe(ref s, 12);
        var s4 = Vector256.LoadUnsafe(ref s, 16);
        var s5 = Vector256.LoadUnsafe(ref s, 20);
        var s6 = Vector256.LoadUnsafe(ref s, 24);
        var s7 = Vector256.LoadUnsafe(ref s, 28);
        var w0 = Vector256.LoadUnsafe(ref w);
        var w1 = Vector256.LoadUnsafe(ref w, 4);
        var w2 = Vector256.LoadUnsafe(ref w, 8);
        var w3 = Vector256.LoadUnsafe(ref w, 12);
        var w4 = Vector256.LoadUnsafe(ref w, 16);
        var w5 = Vector256.LoadUnsafe(ref w, 20);
        var w6 = Vector256.LoadUnsafe(ref w, 24);
        var w7 = Vector256.LoadUnsafe(ref w, 28);
        for (var t = 0; t < steps; t++)
        {
            b += bias;
            s0 += w0;
            s1 += w1;
            s2 += w2;
            s3 += w3;
            s4 += w4;
            s5 += w5;
            s6 += w6;
            s7 += w7;
        }

        biasSum = b;
        s0.StoreUnsafe(ref s);
        s1.StoreUnsafe(ref s, 4);
        s2.StoreUnsafe(ref s, 8);
        s3.StoreUnsafe(ref s, 12);
        s4.StoreUnsafe(ref s, 16);
        s5.StoreUnsafe(ref s, 20);
        s6.StoreUnsafe(ref s, 24);
        s7.StoreUnsafe(ref s, 28);
    }
}
