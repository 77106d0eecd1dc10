using System.Numerics;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;
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

    /// <summary>Rows per block (one <see cref="Vector256{T}"/> of doubles).</summary>
    internal const int Lanes = 4;

    /// <summary>Blocks summed together, so that several independent add chains hide the latency of each.</summary>
    internal const int GroupBlocks = 4;

    /// <summary>Rows per group.</summary>
    internal const int GroupRows = Lanes * GroupBlocks;

    private readonly Matrix _inputs;
    private readonly double[] _givenLabels;
    private double[] _x;
    private double[] _y;
    private int[]? _order;
    private readonly double _threshold;
    private readonly double _positive;

    // max over the rows of |x_ij|, per column j: bounds Σ|wj·xj| for every row at once (see DecisionMargin).
    private readonly double[] _columnMax;
    private readonly double _marginFactor;

    internal SampleBlocks(Matrix inputs, ReadOnlySpan<double> labels, double threshold, double positive)
        : this(inputs, labels.ToArray(), threshold, positive)
    {
    }

    /// <summary>The samples and their labels (<paramref name="labels"/> is kept, not copied: it must not change).</summary>
    internal SampleBlocks(Matrix inputs, double[] labels, double threshold, double positive)
    {
        _inputs = inputs;
        _givenLabels = labels;
        Rows = inputs.Rows;
        Columns = inputs.Columns;
        _threshold = threshold;
        _positive = positive;

        // GroupBlocks - 1 blocks of zero padding let a group start at any block and still read in bounds.
        var blocks = ((Rows + Lanes - 1) / Lanes) + GroupBlocks - 1;
        _x = BufferCache.Rent(blocks * Columns * Lanes);
        _y = BufferCache.Rent(blocks * Lanes);

        // Zero the padding: the lanes after the last row and the blocks after it (they are read, never counted).
        var lastBlock = Rows / Lanes;
        _x.AsSpan(lastBlock * Columns * Lanes).Clear();
        _y.AsSpan(Rows).Clear();
        _columnMax = new double[Columns];
        Fill(measure: true);
        _marginFactor = 4.0 * (Columns + 2) * UnitRoundoff;
    }

    /// <summary>Hands the copy's arrays back for a later run; this instance must not be used afterwards.</summary>
    internal void Release()
    {
        var x = _x;
        var y = _y;
        _x = [];
        _y = [];
        BufferCache.Return(x);
        BufferCache.Return(y);
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
        ref var x = ref Unsafe.Add(ref MemoryMarshal.GetArrayDataReference(_x), ((nint)(position / Lanes) * Columns * Lanes) + (position % Lanes));
        ref var w = ref MemoryMarshal.GetReference(weights);
        for (var j = 0; j < weights.Length; j++)
        {
            Unsafe.Add(ref w, j) += delta * Unsafe.Add(ref x, j * Lanes);
        }
    }

    /// <summary>The label at position <paramref name="position"/> of the current order.</summary>
    internal double Label(int position) => _y[position];

    /// <summary>Visits the samples from now on in the order <paramref name="order"/> (a permutation of the row indexes).</summary>
    internal void Reorder(ReadOnlySpan<int> order)
    {
        _order ??= new int[Rows];
        order.CopyTo(_order);
        InGivenOrder = false;
        Fill(measure: false);
    }

    /// <summary>
    /// Copies the samples in the current order into the blocked layout (and, when <paramref name="measure"/>, finds
    /// each column's largest magnitude on the way).
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private void Fill(bool measure)
    {
        var n = Columns;
        ref var data = ref MemoryMarshal.GetReference(_inputs.Data);
        ref var x = ref MemoryMarshal.GetArrayDataReference(_x);
        ref var y = ref MemoryMarshal.GetArrayDataReference(_y);
        ref var labels = ref MemoryMarshal.GetArrayDataReference(_givenLabels);
        var order = _order;

        // Whole blocks of 4 rows, 4 features at a time: a 4×4 transpose turns 4 rows' features j..j+3 into features
        // j..j+3 of the block's 4 lanes, stored as 16 consecutive values. The column maxima (when measured) come from
        // the same loads: the largest |x| per column is the lane-wise maximum over the rows' vectors.
        var vectors = Avx.IsSupported ? n / Lanes : 0;
        var maxima = measure ? new Vector256<double>[Math.Max(1, vectors)] : [];
        var wholeBlocks = Rows / Lanes;
        for (var block = 0; block < wholeBlocks && vectors > 0; block++)
        {
            var position = block * Lanes;
            ref var r0 = ref Unsafe.Add(ref data, (nint)(order is null ? position : order[position]) * n);
            ref var r1 = ref Unsafe.Add(ref data, (nint)(order is null ? position + 1 : order[position + 1]) * n);
            ref var r2 = ref Unsafe.Add(ref data, (nint)(order is null ? position + 2 : order[position + 2]) * n);
            ref var r3 = ref Unsafe.Add(ref data, (nint)(order is null ? position + 3 : order[position + 3]) * n);
            ref var target = ref Unsafe.Add(ref x, (nint)block * n * Lanes);
            for (var v = 0; v < vectors; v++)
            {
                var j = (nuint)(v * Lanes);
                var p0 = Vector256.LoadUnsafe(ref r0, j);
                var p1 = Vector256.LoadUnsafe(ref r1, j);
                var p2 = Vector256.LoadUnsafe(ref r2, j);
                var p3 = Vector256.LoadUnsafe(ref r3, j);
                if (measure)
                {
                    maxima[v] = Vector256.Max(Vector256.Max(maxima[v], Vector256.Max(Vector256.Abs(p0), Vector256.Abs(p1))), Vector256.Max(Vector256.Abs(p2), Vector256.Abs(p3)));
                }

                var a = Avx.UnpackLow(p0, p1);
                var b = Avx.UnpackHigh(p0, p1);
                var c = Avx.UnpackLow(p2, p3);
                var e = Avx.UnpackHigh(p2, p3);
                var o = j * Lanes;
                Avx.Permute2x128(a, c, 0x20).StoreUnsafe(ref target, o);
                Avx.Permute2x128(b, e, 0x20).StoreUnsafe(ref target, o + Lanes);
                Avx.Permute2x128(a, c, 0x31).StoreUnsafe(ref target, o + (2 * Lanes));
                Avx.Permute2x128(b, e, 0x31).StoreUnsafe(ref target, o + (3 * Lanes));
            }
        }

        // The rest one value at a time: the features after the whole vectors, and every feature of the rows after
        // the whole blocks (or of all rows without 256-bit vectors).
        var done = vectors > 0 ? wholeBlocks * Lanes : 0;
        for (var position = 0; position < Rows; position++)
        {
            var row = order is null ? position : order[position];
            ref var source = ref Unsafe.Add(ref data, (nint)row * n);
            ref var target = ref Unsafe.Add(ref x, ((nint)(position / Lanes) * n * Lanes) + (position % Lanes));
            for (var j = position < done ? vectors * Lanes : 0; j < n; j++)
            {
                Unsafe.Add(ref target, j * Lanes) = Unsafe.Add(ref source, j);
            }

            Unsafe.Add(ref y, position) = Unsafe.Add(ref labels, row);
        }

        if (measure)
        {
            for (var j = 0; j < n; j++)
            {
                var v = j / Lanes;
                var max = v < vectors ? maxima[v][j % Lanes] : 0.0;
                for (var position = v < vectors ? done : 0; position < Rows; position++)
                {
                    max = Math.Max(max, Math.Abs(Unsafe.Add(ref x, ((nint)(position / Lanes) * n * Lanes) + (position % Lanes) + (j * Lanes))));
                }

                _columnMax[j] = max;
            }
        }
    }

    // ---------------------------------------------------------------------------------------------------------------
    // Exact decisions without the serial chain.
    //
    // While an epoch trains, the perceptron rules need only each sample's DECISION z >= θ, not z's bits. The contract's
    // z is the serial chain ((w0 + w1·x1) + w2·x2) + ... : n dependent rounded adds, the latency every update waits on.
    // The search below evaluates z in a faster order instead (products rounded, then summed in several independent
    // partial sums, combined at the end) and proves, per row, that the faster order decides the same way:
    //
    //   Let t0 = w0, tj = wj·xj (exact), s = Σ tj, S = Σ |tj|. With unit roundoff u = 2^-53 and γk = k·u/(1 − k·u),
    //   ANY evaluation order of s in binary64 — each product rounded, then the n + 1 terms added in any
    //   parenthesisation — has at most n + 1 roundings on each term's path, so (Higham, Accuracy and Stability of
    //   Numerical Algorithms, §3.1, the dot-product bound with one term not a product)
    //       |fl_any(s) − s| ≤ γ(n+1)·S + n·η,    η = 2^-1075 (the absolute error of a product that underflows;
    //                                              additions of subnormals are exact).
    //   Hence for the contract's order z_c and our order z_f:   |z_c − z_f| ≤ 2·γ(n+1)·S + 2n·η.
    //   We compare d = fl(z_f − θ) (|d| ≤ (1 + u)·|z_f − θ|, sign and zero exact) against a margin
    //       B = fl(4·(n + 2)·u · fl(S*)) + 2^-1000,   S* = |w0| + Σ |wj|·max_i |x_ij|  ≥  S for every row,
    //   where fl(S*) ≥ S*·(1 − γ(2n+1)) − n·η. For any n below 2^40, B ≥ (1 + u)·(2·γ(n+1)·S + 2n·η) with room to spare
    //   (4(n+2) against 2(n+1)·(1 + O(n·u)), and 2^-1000 against every η term). So |d| > B implies
    //   |z_f − θ| > |z_c − z_f|: z_c lies strictly on the same side of θ as z_f and both decide alike.
    //   Overflow would void the model, so the margin is only used while S* ≤ 2^1000 (then no product and no partial
    //   sum, in any order, can overflow); otherwise B = +∞ and every row takes the exact path.
    //
    // A row with |d| ≤ B (rare: z within ~1e-14·S* of θ; e.g. the tutorial's NAND reaching z = 0.5 exactly) is decided
    // again from z in the contract's order, so every decision — and with it every update — is the contract's, bit
    // for bit. Everything that is reported (loss, errors) is still computed from the exact z (Evaluate, Gradient).
    // ---------------------------------------------------------------------------------------------------------------

    /// <summary>
    /// How many decisions these samples have had taken from <c>z</c> in the contract's order because the fast order
    /// could not prove them (for tests: the fallback path is taken where it must be).
    /// </summary>
    internal long ExactDecisions { get; private set; }

    /// <summary>2^-53, the unit roundoff of binary64.</summary>
    private const double UnitRoundoff = 1.1102230246251565E-16;

    /// <summary>2^-1000: the absolute slack covering products that underflow.</summary>
    private const double MarginSlack = 9.332636185032189E-302;

    /// <summary>2^1000: above this bound on Σ|tj| the margin is not used (no overflow can happen below it).</summary>
    private const double MarginLimit = 1.0715086071862673E+301;

    /// <summary>
    /// The margin <c>B</c> above which a row's fast-order <c>|z − θ|</c> proves its contract-order decision (see above);
    /// <see cref="double.PositiveInfinity"/> when the weights are too large for the proof.
    /// </summary>
    internal double DecisionMargin(double bias, ReadOnlySpan<double> weights)
    {
        // In vectors, any order (the analysis holds for any order): this runs beside the net inputs, off the update's
        // critical path.
        ref var w = ref MemoryMarshal.GetReference(weights);
        ref var c = ref MemoryMarshal.GetArrayDataReference(_columnMax);
        var n = Columns;
        var acc = Vector256<double>.Zero;
        var j = 0;
        for (; j + 4 <= n; j += 4)
        {
            acc += Vector256.Abs(Vector256.LoadUnsafe(ref w, (nuint)j)) * Vector256.LoadUnsafe(ref c, (nuint)j);
        }

        double s0 = Math.Abs(bias), s1 = acc[0] + acc[1], s2 = acc[2] + acc[3], s3 = 0;
        for (; j < n; j++)
        {
            s3 += Math.Abs(Unsafe.Add(ref w, j)) * Unsafe.Add(ref c, j);
        }

        var sum = (s0 + s1) + (s2 + s3);
        return sum <= MarginLimit ? (_marginFactor * sum) + MarginSlack : double.PositiveInfinity;
    }

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

    /// <summary>
    /// Rosenblatt's rule over the positions [<paramref name="start"/>, <paramref name="end"/>) of the current order, in one
    /// loop: search for the next mistake, update, search again. Returns the number of updates.
    /// <para>
    /// The search works on aligned groups of 8 rows (two blocks): after an update at row k the same group is evaluated
    /// again under the new weights (its address does not depend on k, so its loads need not wait for the update), the
    /// rows up to k masked off. Net inputs are summed in a fast order (four fused multiply-add chains per row) and every
    /// decision is proved by the margin (see above); the rest is exact: <c>δ = η·(y − ŷ)</c> (which is <c>±η·(p − q)</c>
    /// for the two labels, precomputed as <paramref name="step"/>), <c>w0 += δ</c>, <c>wj += δ·xj</c>, one rounded product
    /// and one rounded sum each.
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
        ref var x = ref MemoryMarshal.GetArrayDataReference(_x);
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

        var sum = (s0 + s1) + (s2 + s3);
        return sum <= MarginLimit ? (_marginFactor * sum) + MarginSlack : double.PositiveInfinity;
    }

    /// <summary>
    /// The net inputs of the 16 rows of the four blocks at <paramref name="x"/>, in a fast order (four chains of fused
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
    /// Decides again, from <c>z</c> in the contract's order, the rows <c>first + i</c> for each bit <c>i</c> of
    /// <paramref name="uncertain"/>, and returns <paramref name="mistakes"/> with their bits set or cleared accordingly.
    /// </summary>
    [MethodImpl(MethodImplOptions.NoInlining)]
    private uint Resolve(int first, uint uncertain, uint mistakes, double bias, ReadOnlySpan<double> weights)
    {
        ExactDecisions += BitOperations.PopCount(uncertain);
        while (uncertain != 0)
        {
            var i = BitOperations.TrailingZeroCount(uncertain);
            uncertain &= uncertain - 1;
            var position = first + i;
            var wrong = position < Rows && (ExactNetInput(position, bias, weights) >= _threshold) != (_y[position] == _positive);
            mistakes = wrong ? mistakes | (1u << i) : mistakes & ~(1u << i);
        }

        return mistakes;
    }

    /// <summary><c>z</c> of the sample at <paramref name="position"/>, in the contract's order (the definition itself).</summary>
    internal double ExactNetInput(int position, double bias, ReadOnlySpan<double> weights)
    {
        var x = _x.AsSpan((position / Lanes) * Columns * Lanes, Columns * Lanes)[(position % Lanes)..];
        var z = bias;
        for (var j = 0; j < weights.Length; j++)
        {
            z += weights[j] * x[j * Lanes];
        }

        return z;
    }

    /// <summary>Bit <c>i</c> set when lane <c>i</c>'s fast-order <c>|z − θ|</c> does not exceed the margin.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private uint Uncertain(Vector256<double> z, double margin) =>
        Vector256.LessThanOrEqual(Vector256.Abs(z - Vector256.Create(_threshold)), Vector256.Create(margin)).ExtractMostSignificantBits();

    /// <summary>
    /// The net inputs of the 16 rows of blocks <paramref name="block"/> .. <paramref name="block"/> + 3 in a fast order
    /// (two partial sums per row): only for decisions proved by the margin.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private void FastNetInputs(int block, double bias, ReadOnlySpan<double> weights, out Vector256<double> z0, out Vector256<double> z1, out Vector256<double> z2, out Vector256<double> z3)
    {
        var n = Columns;
        ref var x = ref Unsafe.Add(ref MemoryMarshal.GetArrayDataReference(_x), block * n * Lanes);
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
        ref var x = ref MemoryMarshal.GetArrayDataReference(_x);
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
        ref var x = ref MemoryMarshal.GetArrayDataReference(_x);
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
