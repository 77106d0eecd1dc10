using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;
using PerceptronApi.Core.Model;

namespace PerceptronApi.Core.Training;

/// <summary>
/// The trainer's private copy of the samples, laid out for SIMD across rows: blocks of <see cref="Lanes"/> consecutive
/// samples, each block storing feature 0 of its rows, then feature 1, ... (<c>[block][feature][lane]</c>). One
/// <see cref="Vector256{T}"/> load then holds one feature of four rows, so the passes over the copy work on four rows
/// at once, and on a group of <see cref="GroupRows"/> rows (four blocks, four independent chains) per step.
/// <para>
/// The class is split by concern: this file holds the layout and the copy; <c>SampleBlocks.ContractOrder.cs</c> the net
/// inputs in the contract's order <c>((w0 + w1*x1) + w2*x2) + ...</c> (separate rounded products and adds) and the
/// decisions taken from them; <c>SampleBlocks.Margin.cs</c> the proof that lets a decision come from a faster order
/// (partial sums, fused multiply-adds) instead; <c>SampleBlocks.Search.cs</c> and <c>SampleBlocks.Update.cs</c> the
/// perceptron rules' search for mistakes and their updates on that faster order; <c>SampleBlocks.Judgement.cs</c> the
/// errors and squared errors a record reports; <c>SampleBlocks.Gradient.cs</c> ADALINE's pass. Everything a record or
/// a model reports is computed in the contract's order, sums over samples added one sample after another in the
/// current order, so every result is bit-identical to the scalar definition (<see cref="PlainTrainer"/>).
/// </para>
/// </summary>
internal sealed partial class SampleBlocks
{
    /// <summary>Rows per block (one <see cref="Vector256{T}"/> of doubles).</summary>
    internal const int Lanes = 4;

    /// <summary>Blocks summed together, so that several independent add chains hide the latency of each.</summary>
    internal const int GroupBlocks = 4;

    /// <summary>Rows per group.</summary>
    internal const int GroupRows = Lanes * GroupBlocks;

    private readonly Matrix _inputs;
    private readonly double[] _givenLabels;
    private double[] _x;

    // Where the blocks start in _x: the first element on a 64-byte boundary (see AlignedStart).
    private int _xStart;
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
        _x = BufferCache.Rent((blocks * Columns * Lanes) + AlignmentSlack);
        _xStart = AlignedStart(_x);
        _y = BufferCache.Rent(blocks * Lanes);

        // Zero the padding: the lanes after the last row and the blocks after it (they are read, never counted).
        var lastBlock = Rows / Lanes;
        _x.AsSpan(_xStart + (lastBlock * Columns * Lanes)).Clear();
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
        _xStart = 0;
        _y = [];
        BufferCache.Return(x);
        BufferCache.Return(y);
    }

    /// <summary>Values of room in <see cref="_x"/> for the blocks to start on a 64-byte boundary.</summary>
    private const int AlignmentSlack = (64 / sizeof(double)) - 1;

    /// <summary>The first value of the blocks.</summary>
    private ref double X => ref Unsafe.Add(ref MemoryMarshal.GetArrayDataReference(_x), _xStart);

    /// <summary>
    /// The index of the first element of <paramref name="array"/> on a 64-byte boundary. The runtime places objects on
    /// 8-byte boundaries and an array's elements 16 bytes into it, so nothing aligns them further (the benchmark's
    /// 1 M-sample copy started 24 bytes into a cache line, in every run): every second 32-byte load of the kernels then
    /// straddled two cache lines. Starting the blocks on a line makes every vector load whole. The array is not pinned:
    /// should the collector move it (the large-object heap is not compacted unless asked), the loads are only slower,
    /// never wrong.
    /// </summary>
    internal static unsafe int AlignedStart(double[] array)
    {
        var address = (nuint)Unsafe.AsPointer(ref MemoryMarshal.GetArrayDataReference(array));
        return (int)((64 - (address % 64)) % 64 / sizeof(double));
    }

    /// <summary>The number of samples <c>M</c>.</summary>
    internal int Rows { get; }

    /// <summary>The number of features <c>n</c>.</summary>
    internal int Columns { get; }

    /// <summary>
    /// <c>wj += δ·xj</c> for the sample at <paramref name="position"/>, each component one rounded product and one
    /// rounded sum. It reads the sample from this copy, which the search for the mistake has just brought into cache
    /// (the row-major original would be a cache miss per update).
    /// </summary>
    internal void AddScaledRow(int position, double delta, Span<double> weights)
    {
        ref var x = ref Unsafe.Add(ref X, ((nint)(position / Lanes) * Columns * Lanes) + (position % Lanes));
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
        ref var x = ref X;
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
}
