namespace PerceptronApi.Infrastructure;

/// <summary>
/// Doubles that are a whole number of ten-thousandths, as every request's elapsed milliseconds are (a Stopwatch's time
/// in 100 ns ticks), formatted from that whole number: the runtime's text for <c>0.0000</c> and for <c>R</c>, without
/// its digit generation, which is most of what a log line's numbers cost.
/// </summary>
/// <remarks>
/// Exact, not close: the double nearest to n / 10 000 with n below 10^14 has at most 14 significant digits, and any
/// decimal of at most 15 significant digits is what the double nearest to it reads back as in 15 digits (the runtime's
/// precision for custom formats, which it then rounds to the four places; there is nothing past them to round). It is
/// also the shortest text that reads back as that double (a shorter one would be a different decimal of at most 15
/// digits, so a different double), which is what <c>R</c> writes, without an exponent at these magnitudes. Any other
/// double (negative, negative zero, not a number, too large, or not a whole number of ten-thousandths) is left to the
/// runtime.
/// </remarks>
internal static class TenThousandths
{
    /// <summary>The format string this writes.</summary>
    public const string FixedFormat = "0.0000";

    private const double PerUnit = 10_000;

    // 10^14 ten-thousandths: 10^10 (over 300 years of milliseconds).
    private const double Limit = 1e10;

    /// <summary>The whole number of ten-thousandths whose nearest double <paramref name="value"/> is, if there is one.</summary>
    public static bool TryCount(double value, out long count)
    {
        count = 0;
        if (double.IsNegative(value) || !(value < Limit))
        {
            return false;
        }

        var nearest = (long)Math.Round(value * PerUnit);
        if (nearest / PerUnit != value)
        {
            return false;
        }

        count = nearest;
        return true;
    }

    /// <summary>As <c>value.ToString("0.0000", invariant culture)</c>: at least one digit before the point, four after.</summary>
    public static bool TryWriteFixed(long count, Span<byte> destination, out int written)
    {
        written = 0;
        // At least five digits (zeros in front), then the point moved in before the last four.
        if (!count.TryFormat(destination, out var digits, "D5", System.Globalization.CultureInfo.InvariantCulture) || digits + 1 > destination.Length)
        {
            return false;
        }

        destination.Slice(digits - 4, 4).CopyTo(destination[(digits - 3)..]);
        destination[digits - 4] = (byte)'.';
        written = digits + 1;
        return true;
    }

    /// <summary>As <c>value.ToString("R", invariant culture)</c>: the fixed form without its trailing zeros, or point.</summary>
    public static bool TryWriteShortest(long count, Span<byte> destination, out int written)
    {
        if (!TryWriteFixed(count, destination, out written))
        {
            return false;
        }

        while (destination[written - 1] == (byte)'0')
        {
            written--;
        }

        if (destination[written - 1] == (byte)'.')
        {
            written--;
        }

        return true;
    }
}
