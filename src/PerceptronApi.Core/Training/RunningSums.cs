using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;

namespace PerceptronApi.Core.Training;

/// <summary>
/// The averaged perceptron's running sums: after every sample step the weights are added to the sums, one step after
/// another. Between two updates the weights do not change, so a run of steps adds the same vector repeatedly; the
/// components are independent sums, so they are added side by side in vectors (512 bits where the hardware has them),
/// each component still one rounded add per step, in step order — bit for bit the step-by-step sums.
/// </summary>
internal static class RunningSums
{
    private const int Lanes = 8;

    /// <summary>The array length for <paramref name="features"/> values: whole 8-value vectors. The padding stays 0.</summary>
    internal static int PaddedLength(int features) => Math.Max(1, (features + Lanes - 1) / Lanes) * Lanes;

    /// <summary>
    /// Adds <paramref name="bias"/> to <paramref name="biasSum"/> and <paramref name="weights"/> to <paramref name="sums"/>,
    /// <paramref name="steps"/> times each (both arrays of a <see cref="PaddedLength"/>).
    /// </summary>
    internal static void AddRepeatedly(ref double biasSum, double bias, double[] sums, double[] weights, int steps)
    {
        var vectors = sums.Length / Lanes;
        ref var s = ref MemoryMarshal.GetArrayDataReference(sums);
        ref var w = ref MemoryMarshal.GetArrayDataReference(weights);
        if (!Vector512.IsHardwareAccelerated)
        {
            AddNarrow(ref biasSum, bias, ref s, ref w, sums.Length, steps);
            return;
        }

        // The bias rides along with the first chunk only.
        var v = Math.Min(vectors, 4);
        Add(ref biasSum, bias, ref s, ref w, v, steps);
        var unused = 0.0;
        for (; v < vectors; v += 4)
        {
            Add(ref unused, 0.0, ref Unsafe.Add(ref s, v * Lanes), ref Unsafe.Add(ref w, v * Lanes), Math.Min(4, vectors - v), steps);
        }
    }

    /// <summary>1 to 4 vectors, all kept in registers across the steps.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void Add(ref double biasSum, double bias, ref double s, ref double w, int vectors, int steps)
    {
        var b = biasSum;
        switch (vectors)
        {
            case 1:
                {
                    var s0 = Vector512.LoadUnsafe(ref s);
                    var w0 = Vector512.LoadUnsafe(ref w);
                    for (var t = 0; t < steps; t++)
                    {
                        b += bias;
                        s0 += w0;
                    }

                    s0.StoreUnsafe(ref s);
                    break;
                }

            case 2:
                {
                    var s0 = Vector512.LoadUnsafe(ref s);
                    var s1 = Vector512.LoadUnsafe(ref s, Lanes);
                    var w0 = Vector512.LoadUnsafe(ref w);
                    var w1 = Vector512.LoadUnsafe(ref w, Lanes);
                    for (var t = 0; t < steps; t++)
                    {
                        b += bias;
                        s0 += w0;
                        s1 += w1;
                    }

                    s0.StoreUnsafe(ref s);
                    s1.StoreUnsafe(ref s, Lanes);
                    break;
                }

            case 3:
                {
                    var s0 = Vector512.LoadUnsafe(ref s);
                    var s1 = Vector512.LoadUnsafe(ref s, Lanes);
                    var s2 = Vector512.LoadUnsafe(ref s, 2 * Lanes);
                    var w0 = Vector512.LoadUnsafe(ref w);
                    var w1 = Vector512.LoadUnsafe(ref w, Lanes);
                    var w2 = Vector512.LoadUnsafe(ref w, 2 * Lanes);
                    for (var t = 0; t < steps; t++)
                    {
                        b += bias;
                        s0 += w0;
                        s1 += w1;
                        s2 += w2;
                    }

                    s0.StoreUnsafe(ref s);
                    s1.StoreUnsafe(ref s, Lanes);
                    s2.StoreUnsafe(ref s, 2 * Lanes);
                    break;
                }

            default:
                {
                    var s0 = Vector512.LoadUnsafe(ref s);
                    var s1 = Vector512.LoadUnsafe(ref s, Lanes);
                    var s2 = Vector512.LoadUnsafe(ref s, 2 * Lanes);
                    var s3 = Vector512.LoadUnsafe(ref s, 3 * Lanes);
                    var w0 = Vector512.LoadUnsafe(ref w);
                    var w1 = Vector512.LoadUnsafe(ref w, Lanes);
                    var w2 = Vector512.LoadUnsafe(ref w, 2 * Lanes);
                    var w3 = Vector512.LoadUnsafe(ref w, 3 * Lanes);
                    for (var t = 0; t < steps; t++)
                    {
                        b += bias;
                        s0 += w0;
                        s1 += w1;
                        s2 += w2;
                        s3 += w3;
                    }

                    s0.StoreUnsafe(ref s);
                    s1.StoreUnsafe(ref s, Lanes);
                    s2.StoreUnsafe(ref s, 2 * Lanes);
                    s3.StoreUnsafe(ref s, 3 * Lanes);
                    break;
                }
        }

        biasSum = b;
    }

    /// <summary>Without 512-bit vectors: 256-bit vectors, one at a time (still one rounded add per step each).</summary>
    private static void AddNarrow(ref double biasSum, double bias, ref double s, ref double w, int length, int steps)
    {
        var b = biasSum;
        for (var t = 0; t < steps; t++)
        {
            b += bias;
        }

        biasSum = b;
        for (var i = 0; i < length; i += Vector256<double>.Count)
        {
            var sum = Vector256.LoadUnsafe(ref s, (nuint)i);
            var value = Vector256.LoadUnsafe(ref w, (nuint)i);
            for (var t = 0; t < steps; t++)
            {
                sum += value;
            }

            sum.StoreUnsafe(ref s, (nuint)i);
        }
    }
}
