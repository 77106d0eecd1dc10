using System.Numerics;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;

namespace PerceptronApi.Core.Training;

/// <summary>
/// The perceptron and averaged rules' training pass: search, update and search again in one loop, the search on net
/// inputs in a fast order whose every decision the margin proves, the updates in the contract's arithmetic.
/// </summary>
internal sealed partial class SampleBlocks
{
    /// <summary>
    /// Rosenblatt's rule over the positions [<paramref name="start"/>, <paramref name="end"/>) of the current order, in one
    /// loop: search for the next mistake, update, search again. Returns the number of updates.
    /// <para>
    /// Each step of the search evaluates the <see cref="GroupRows"/> rows (four blocks) from the block of the current
    /// position, the rows before the position and from <paramref name="end"/> on masked off: the next mistake is almost
    /// always among them. After an update at row k the search goes on from the block of k + 1, under the new weights.
    /// Net inputs are summed in a fast order (four chains of multiply-adds per row, fused where the processor has FMA)
    /// and every decision is proved by the margin (<c>SampleBlocks.Margin.cs</c>), or taken again in the contract's order;
    /// the rest is exact: <c>δ = η·(y − ŷ)</c> (which is <c>±η·(p − q)</c> for the two labels, precomputed as
    /// <paramref name="step"/>), <c>w0 += δ</c>, <c>wj += δ·xj</c>, one rounded product and one rounded sum each.
    /// </para>
    /// <para>
    /// When <paramref name="sums"/> is given (averaged), the weights are added to the running sums after every sample
    /// step: <paramref name="pendingSteps"/> counts the steps before <paramref name="start"/> not yet added (they were
    /// taken under the current weights) and, on return, those before <paramref name="end"/>.
    /// </para>
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    internal int Train(int start, int end, ref double bias, double[] weights, double step, double[]? sums, ref double biasSum, ref long steps, ref int pendingSteps, bool prefetch = false)
    {
        var n = Columns;
        ref var x = ref X;
        ref var y = ref MemoryMarshal.GetArrayDataReference(_y);
        ref var w = ref MemoryMarshal.GetArrayDataReference(weights);
        var span = weights.AsSpan(0, n);
        var b = bias;
        var positive = _positive;
        var margin = DecisionMargin(b, span);
        ref var c = ref MemoryMarshal.GetArrayDataReference(_columnMax);
        var updates = 0;
        var pending = pendingSteps;
        var from = start;
        var position = start;
        while (position < end)
        {
            // From the block of the position, 16 rows (four blocks): the next mistake is almost always among them.
            var group = position & ~(Lanes - 1);
            var block = (int)((uint)group / Lanes);
            if (prefetch)
            {
                PrefetchBlock(ref Unsafe.Add(ref x, (nint)(block + (PrefetchGroups * GroupBlocks)) * n * Lanes), n);
            }

            FastNetInputs16(ref Unsafe.Add(ref x, (nint)block * n * Lanes), ref w, n, b, out var z0, out var z1, out var z2, out var z3);
            var mistakes = Mistakes(block, z0, z1, z2, z3);
            var window = (uint.MaxValue << (position - group)) & (uint)((1UL << Math.Min(GroupRows, end - group)) - 1);
            var uncertain = (Uncertain(z0, margin) | (Uncertain(z1, margin) << Lanes) | (Uncertain(z2, margin) << (2 * Lanes)) | (Uncertain(z3, margin) << (3 * Lanes))) & window;
            if (double.IsPositiveInfinity(margin))
            {
                uncertain = window;
            }

            if (uncertain != 0)
            {
                mistakes = Resolve(group, uncertain, mistakes, b, span);
            }

            mistakes &= window;
            if (mistakes == 0)
            {
                position = group + GroupRows;
                continue;
            }

            var k = group + BitOperations.TrailingZeroCount(mistakes);
            if (sums is not null)
            {
                var count = pending + (k - from);
                steps += count;
                RunningSums.AddRepeatedly(ref biasSum, b, sums, weights, count);
                pending = 1;
                from = k + 1;
            }

            // δ = ±step on the label, without a branch (the label is data the predictor cannot guess).
            var isPositive = Vector128.Equals(Vector128.CreateScalarUnsafe(Unsafe.Add(ref y, k)), Vector128.CreateScalarUnsafe(positive));
            var delta = Vector128.ConditionalSelect(isPositive, Vector128.CreateScalarUnsafe(step), Vector128.CreateScalarUnsafe(-step)).ToScalar();
            b += delta;
            margin = UpdateRow(ref Unsafe.Add(ref x, ((nint)((uint)k / Lanes) * n * Lanes) + (nint)((uint)k % Lanes)), ref w, ref c, n, delta, b);
            updates++;
            position = k + 1;
        }

        if (sums is not null)
        {
            pendingSteps = pending + (end - from);
        }

        bias = b;
        return updates;
    }

    /// <summary>
    /// <c>wj += δ·xj</c> for the row at <paramref name="row"/> (features <see cref="Lanes"/> apart), four components at a
    /// time (each still one rounded product and one rounded sum), and the new weights' margin (see
    /// <see cref="DecisionMargin"/>; <paramref name="bias"/> is the updated bias), from the values in registers.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private double UpdateRow(ref double row, ref double w, ref double c, int n, double delta, double bias)
    {
        var d = Vector256.Create(delta);
        var acc = Vector256<double>.Zero;
        var j = 0;
        for (; j + 4 <= n; j += 4)
        {
            ref var r = ref Unsafe.Add(ref row, j * Lanes);
            var xv = Vector256.Create(r, Unsafe.Add(ref r, Lanes), Unsafe.Add(ref r, 2 * Lanes), Unsafe.Add(ref r, 3 * Lanes));
            var wv = Vector256.LoadUnsafe(ref w, (nuint)j) + (d * xv);
            wv.StoreUnsafe(ref w, (nuint)j);
            acc += Vector256.Abs(wv) * Vector256.LoadUnsafe(ref c, (nuint)j);
        }

        double s0 = Math.Abs(bias), s1 = acc[0] + acc[1], s2 = acc[2] + acc[3], s3 = 0;
        for (; j < n; j++)
        {
            var wj = Unsafe.Add(ref w, j) + (delta * Unsafe.Add(ref row, j * Lanes));
            Unsafe.Add(ref w, j) = wj;
            s3 += Math.Abs(wj) * Unsafe.Add(ref c, j);
        }

        return MarginOf((s0 + s1) + (s2 + s3));
    }

    /// <summary>
    /// The net inputs of the 16 rows of the four blocks at <paramref name="x"/>, in a fast order (four chains of (fused)
    /// multiply-adds per row, combined at the end): only for decisions proved by the margin.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void FastNetInputs16(ref double x, ref double w, int n, double bias, out Vector256<double> z0, out Vector256<double> z1, out Vector256<double> z2, out Vector256<double> z3)
    {
        var stride = (nuint)(n * Lanes);
        var a0 = Vector256.Create(bias);
        var b0 = a0;
        var c0 = a0;
        var d0 = a0;
        Vector256<double> a1 = default, b1 = default, c1 = default, d1 = default;
        Vector256<double> a2 = default, b2 = default, c2 = default, d2 = default;
        Vector256<double> a3 = default, b3 = default, c3 = default, d3 = default;
        var j = 0;
        for (; j + 4 <= n; j += 4)
        {
            var o = (nuint)(j * Lanes);
            var w0 = Vector256.Create(Unsafe.Add(ref w, j));
            var w1 = Vector256.Create(Unsafe.Add(ref w, j + 1));
            var w2 = Vector256.Create(Unsafe.Add(ref w, j + 2));
            var w3 = Vector256.Create(Unsafe.Add(ref w, j + 3));
            a0 = MultiplyAdd(w0, Vector256.LoadUnsafe(ref x, o), a0);
            b0 = MultiplyAdd(w0, Vector256.LoadUnsafe(ref x, o + stride), b0);
            c0 = MultiplyAdd(w0, Vector256.LoadUnsafe(ref x, o + (2 * stride)), c0);
            d0 = MultiplyAdd(w0, Vector256.LoadUnsafe(ref x, o + (3 * stride)), d0);
            a1 = MultiplyAdd(w1, Vector256.LoadUnsafe(ref x, o + Lanes), a1);
            b1 = MultiplyAdd(w1, Vector256.LoadUnsafe(ref x, o + stride + Lanes), b1);
            c1 = MultiplyAdd(w1, Vector256.LoadUnsafe(ref x, o + (2 * stride) + Lanes), c1);
            d1 = MultiplyAdd(w1, Vector256.LoadUnsafe(ref x, o + (3 * stride) + Lanes), d1);
            a2 = MultiplyAdd(w2, Vector256.LoadUnsafe(ref x, o + (2 * Lanes)), a2);
            b2 = MultiplyAdd(w2, Vector256.LoadUnsafe(ref x, o + stride + (2 * Lanes)), b2);
            c2 = MultiplyAdd(w2, Vector256.LoadUnsafe(ref x, o + (2 * stride) + (2 * Lanes)), c2);
            d2 = MultiplyAdd(w2, Vector256.LoadUnsafe(ref x, o + (3 * stride) + (2 * Lanes)), d2);
            a3 = MultiplyAdd(w3, Vector256.LoadUnsafe(ref x, o + (3 * Lanes)), a3);
            b3 = MultiplyAdd(w3, Vector256.LoadUnsafe(ref x, o + stride + (3 * Lanes)), b3);
            c3 = MultiplyAdd(w3, Vector256.LoadUnsafe(ref x, o + (2 * stride) + (3 * Lanes)), c3);
            d3 = MultiplyAdd(w3, Vector256.LoadUnsafe(ref x, o + (3 * stride) + (3 * Lanes)), d3);
        }

        for (; j < n; j++)
        {
            var o = (nuint)(j * Lanes);
            var wj = Vector256.Create(Unsafe.Add(ref w, j));
            a1 = MultiplyAdd(wj, Vector256.LoadUnsafe(ref x, o), a1);
            b1 = MultiplyAdd(wj, Vector256.LoadUnsafe(ref x, o + stride), b1);
            c1 = MultiplyAdd(wj, Vector256.LoadUnsafe(ref x, o + (2 * stride)), c1);
            d1 = MultiplyAdd(wj, Vector256.LoadUnsafe(ref x, o + (3 * stride)), d1);
        }

        z0 = (a0 + a1) + (a2 + a3);
        z1 = (b0 + b1) + (b2 + b3);
        z2 = (c0 + c1) + (c2 + c3);
        z3 = (d0 + d1) + (d2 + d3);
    }

    /// <summary><c>a·b + c</c>, fused where the hardware can (the margin's analysis covers products rounded or fused).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector256<double> MultiplyAdd(Vector256<double> a, Vector256<double> b, Vector256<double> c) =>
        Fma.IsSupported ? Fma.MultiplyAdd(a, b, c) : (a * b) + c;

    /// <summary>Hints the processor to bring the block (<see cref="Lanes"/> rows) at <paramref name="x"/> into cache.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static unsafe void PrefetchBlock(ref double x, int n)
    {
        if (!Sse.IsSupported)
        {
            return;
        }

        var bytes = (byte*)Unsafe.AsPointer(ref x);
        for (var o = 0; o < n * Lanes * sizeof(double); o += 64)
        {
            Sse.Prefetch0(bytes + o);
        }
    }
}
