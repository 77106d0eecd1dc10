namespace PerceptronApi.Training;

/// <summary>
/// The exact reading of the commonest CSV cell, a plain decimal (<c>-0.123456</c>), without a general parser: Clinger's
/// fast path. A cell of the form [sign] digits [. digits] (at least one digit, no spaces, no exponent) whose digits after
/// any leading zeros number at most 19 gives a whole number m and a power of ten; when m ≤ 2^53 and at most 22 digits
/// follow the point, both m and 10^k are exact doubles, so the one IEEE division m / 10^k is the correctly rounded value
/// of the decimal — the same double <c>double.Parse</c> returns. Everything else is declined, to be read by the general
/// parsers, so the accepted spellings and every error stay theirs.
/// </summary>
internal static class PlainDecimal
{
    /// <summary>The largest whole number below which every whole number is an exact double.</summary>
    private const ulong MaxExactMantissa = 1UL << 53;

    /// <summary>The most significant digits a <see cref="ulong"/> holds whatever they are (10^19 − 1 &lt; 2^64).</summary>
    private const int MaxDigits = 19;

    /// <summary>The powers of ten that are exact doubles (10^22 &lt; 2^53 · 2^22; 10^23 is not exact).</summary>
    private static ReadOnlySpan<double> ExactPowersOfTen =>
    [
        1e0, 1e1, 1e2, 1e3, 1e4, 1e5, 1e6, 1e7, 1e8, 1e9, 1e10, 1e11,
        1e12, 1e13, 1e14, 1e15, 1e16, 1e17, 1e18, 1e19, 1e20, 1e21, 1e22,
    ];

    /// <summary>
    /// The value of <paramref name="cell"/> when it is a plain decimal this path reads exactly; false (value 0) for
    /// anything else, which says nothing about whether the cell is a number.
    /// </summary>
    public static bool TryRead(ReadOnlySpan<char> cell, out double value)
    {
        value = 0;
        var i = 0;
        var negative = false;
        if (cell.Length > 0 && (cell[0] == '-' || cell[0] == '+'))
        {
            negative = cell[0] == '-';
            i = 1;
        }

        ulong mantissa = 0;
        var digits = 0; // significant digits: those after the leading zeros
        var anyDigit = false;
        var fractionDigits = 0;
        var point = false;
        for (; i < cell.Length; i++)
        {
            var c = cell[i];
            var digit = (uint)(c - '0');
            if (digit <= 9)
            {
                anyDigit = true;
                if (point)
                {
                    fractionDigits++;
                }

                if (mantissa != 0 || digit != 0)
                {
                    if (++digits > MaxDigits)
                    {
                        return false;
                    }

                    mantissa = (mantissa * 10) + digit;
                }
            }
            else if (c == '.' && !point)
            {
                point = true;
            }
            else
            {
                return false; // an exponent, a space, a second point, a letter: the general parsers decide
            }
        }

        if (!anyDigit || mantissa > MaxExactMantissa || fractionDigits >= ExactPowersOfTen.Length)
        {
            return false;
        }

        var magnitude = mantissa / ExactPowersOfTen[fractionDigits];
        value = negative ? -magnitude : magnitude;
        return true;
    }
}
