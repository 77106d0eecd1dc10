using System.Numerics;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;

namespace PerceptronApi.Core.Training;

/// <summary>
/// The exact-decision margin: the bound that proves a decision taken from <c>z</c> in a fast order equal to the one
/// <c>z</c> in the contract's order would give, and the fallback that decides the unproved rows in that order.
/// </summary>
internal sealed partial class SampleBlocks
{
    // ---------------------------------------------------------------------------------------------------------------
    // Exact decisions without the serial chain.
    //
    // While an epoch trains, the perceptron rules need only each sample's DECISION z >= θ, not z's bits. The contract's
    // z is the serial chain ((w0 + w1·x1) + w2·x2) + ... : n dependent rounded adds, the latency every update waits on.
    // The searches evaluate z in a faster order instead (summed in several independent partial sums, combined at the
    // end; the fused loop of SampleBlocks.Update.cs also fuses each product into its add) and prove, per row, that the
    // faster order decides the same way:
    //
    //   Let t0 = w0, tj = wj·xj (exact), s = Σ tj, S = Σ |tj|. With unit roundoff u = 2^-53 and γk = k·u/(1 − k·u),
    //   ANY evaluation order of s in binary64 — each product rounded (or fused into its add, which rounds once where a
    //   separate multiply and add round twice), the n + 1 terms added in any parenthesisation — has at most n + 1
    //   roundings on each term's path, so (Higham, Accuracy and Stability of
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
    // for bit. Everything that is reported (loss, errors) is still computed from the exact z (SampleBlocks.Judgement.cs,
    // SampleBlocks.Gradient.cs).
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

        return MarginOf((s0 + s1) + (s2 + s3));
    }

    /// <summary>The margin <c>B</c> for the bound <paramref name="sum"/> = <c>fl(S*)</c> (see above).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private double MarginOf(double sum) => sum <= MarginLimit ? (_marginFactor * sum) + MarginSlack : double.PositiveInfinity;

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

    /// <summary>Bit <c>i</c> set when lane <c>i</c>'s fast-order <c>|z − θ|</c> does not exceed the margin.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private uint Uncertain(Vector256<double> z, double margin) =>
        Vector256.LessThanOrEqual(Vector256.Abs(z - Vector256.Create(_threshold)), Vector256.Create(margin)).ExtractMostSignificantBits();
}
