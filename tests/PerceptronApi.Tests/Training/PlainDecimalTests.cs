using System.Globalization;
using System.Text;
using PerceptronApi.Training;

namespace PerceptronApi.Tests.Training;

/// <summary>The plain-decimal fast path reads exactly the double .NET reads, and declines everything else.</summary>
public class PlainDecimalTests
{
    private static double Parse(string text) => double.Parse(text, NumberStyles.Float, CultureInfo.InvariantCulture);

    private static void AssertReadsAsDotNet(string text)
    {
        Assert.True(PlainDecimal.TryRead(text, out var value), $"declined \"{text}\"");
        Assert.Equal(BitConverter.DoubleToInt64Bits(Parse(text)), BitConverter.DoubleToInt64Bits(value));
    }

    [Theory]
    [InlineData("0", 0.0)]
    [InlineData("-0.125", -0.125)]
    [InlineData("+1", 1.0)]
    [InlineData(".5", 0.5)]
    [InlineData("5.", 5.0)]
    [InlineData("-.25", -0.25)]
    [InlineData("000012.50", 12.5)]
    [InlineData("9007199254740992", 9007199254740992.0)] // 2^53, the largest mantissa taken
    [InlineData("0.0000000000000000000001", 1e-22)] // 22 digits after the point, the most taken
    [InlineData("123456789012345.6", 123456789012345.6)]
    public void APlainDecimal_ReadsAsItsNumber(string text, double expected)
    {
        Assert.True(PlainDecimal.TryRead(text, out var value));
        Assert.Equal(expected, value);
        AssertReadsAsDotNet(text);
    }

    [Fact]
    public void MinusZero_IsNegativeZero()
    {
        foreach (var text in new[] { "-0", "-0.0", "-.0", "-000" })
        {
            Assert.True(PlainDecimal.TryRead(text, out var value));
            Assert.True(double.IsNegative(value), text);
            Assert.Equal(0.0, value);
        }
    }

    [Theory]
    [InlineData("")]
    [InlineData("-")]
    [InlineData("+")]
    [InlineData(".")]
    [InlineData("-.")]
    [InlineData(" 1")] // spaces are the general parser's to allow
    [InlineData("1 ")]
    [InlineData("\t1")]
    [InlineData("1e5")] // exponents too
    [InlineData("1E-2")]
    [InlineData("1.2.3")]
    [InlineData("--1")]
    [InlineData("+-1")]
    [InlineData("1-")]
    [InlineData("0x10")]
    [InlineData("1,5")]
    [InlineData("inf")]
    [InlineData("NaN")]
    [InlineData("١")] // an Arabic-Indic digit: not an ASCII digit
    [InlineData("9007199254740993")] // 2^53 + 1: not an exact double
    [InlineData("1234567890123456.7")] // 17 digits, a mantissa over 2^53
    [InlineData("12345678901234567890")] // 20 significant digits
    [InlineData("0.00000000000000000000001")] // 23 digits after the point: 10^23 is not exact
    [InlineData("1.0000000000000000000")] // 20 significant digits, trailing zeros count
    public void AnythingElse_IsDeclined(string text)
    {
        Assert.False(PlainDecimal.TryRead(text, out var value));
        Assert.Equal(0.0, value);
    }

    [Fact]
    public void NineteenDigits_AreTakenWhenTheyFitAnExactMantissa_AndLeadingZerosDoNotCount()
    {
        AssertReadsAsDotNet("0.000000000000000001"); // 18 zeros then a 1: one significant digit
        AssertReadsAsDotNet("00000000000000000000000000001.5");
        AssertReadsAsDotNet("0.9007199254740992"); // 16 digits, mantissa 2^53
        Assert.False(PlainDecimal.TryRead("0.9007199254740993", out _)); // mantissa 2^53 + 1
        Assert.False(PlainDecimal.TryRead("1000000000000000000", out _)); // 19 digits, but over 2^53
    }

    /// <summary>Many random decimals of every shape: whatever the fast path takes, it reads bit for bit as .NET does.</summary>
    [Fact]
    public void RandomDecimals_ReadBitForBitAsDoubleParse()
    {
        var random = new Random(20261203);
        var text = new StringBuilder();
        var taken = 0;
        const int Count = 200_000;
        for (var n = 0; n < Count; n++)
        {
            text.Clear();
            text.Append(random.Next(4) switch { 0 => "-", 1 => "+", _ => "" });
            var integerDigits = random.Next(4) == 0 ? random.Next(0, 21) : random.Next(0, 4);
            var leadingZeros = random.Next(5) == 0 ? random.Next(1, 6) : 0;
            text.Append('0', leadingZeros);
            for (var d = 0; d < integerDigits; d++)
            {
                text.Append((char)('0' + random.Next(10)));
            }

            if (random.Next(5) != 0)
            {
                text.Append('.');
                var fractionDigits = random.Next(3) == 0 ? random.Next(0, 26) : random.Next(0, 10);
                for (var d = 0; d < fractionDigits; d++)
                {
                    text.Append((char)('0' + random.Next(10)));
                }
            }

            var cell = text.ToString();
            var isNumber = double.TryParse(cell, NumberStyles.Float, CultureInfo.InvariantCulture, out var expected);
            if (PlainDecimal.TryRead(cell, out var value))
            {
                taken++;
                Assert.True(isNumber, $"took \"{cell}\", which .NET does not read");
                Assert.True(BitConverter.DoubleToInt64Bits(expected) == BitConverter.DoubleToInt64Bits(value), $"\"{cell}\": {value:R}, .NET {expected:R}");
            }
        }

        // The generator is mostly short decimals, which the fast path is for: it must take most of them.
        Assert.InRange(taken, Count / 2, Count);
    }

    /// <summary>The benchmark's cells: six decimals in [−1, 1), all taken, all exact.</summary>
    [Fact]
    public void SixDecimalCells_AreAllTakenExactly()
    {
        var random = new Random(11);
        for (var n = 0; n < 100_000; n++)
        {
            var cell = (random.NextDouble() * 2 - 1).ToString("F6", CultureInfo.InvariantCulture);
            AssertReadsAsDotNet(cell);
        }
    }
}
