using System.Globalization;
using System.Text;
using CsCheck;
using PerceptronApi.Infrastructure;

namespace PerceptronApi.Tests.Infrastructure;

/// <summary>Elapsed milliseconds written from their ten-thousandths are the runtime's own text, to the byte.</summary>
public class TenThousandthsTests
{
    [Theory]
    [InlineData(0.0)]
    [InlineData(0.0001)]
    [InlineData(0.0005)]
    [InlineData(0.001)]
    [InlineData(0.1)]
    [InlineData(1.0)]
    [InlineData(12.5)]
    [InlineData(56.3499)]
    [InlineData(1234.56)]
    [InlineData(99999.9999)]
    [InlineData(9_999_999_999.9999)]
    public void AWholeNumberOfTenThousandths_IsWrittenAsTheRuntimeWritesIt(double value)
    {
        Assert.True(TenThousandths.TryCount(value, out var count));
        AssertAsRuntime(value, count);
    }

    [Fact]
    public void AnyWholeNumberOfTenThousandths_IsWrittenAsTheRuntimeWritesIt() =>
        Gen.Long[0, 99_999_999_999_999].Sample(count =>
        {
            var value = count / 10_000.0;
            return TenThousandths.TryCount(value, out var found) && found == count
                && Fixed(found) == value.ToString("0.0000", CultureInfo.InvariantCulture)
                && Shortest(found) == value.ToString("R", CultureInfo.InvariantCulture);
        });

    [Theory]
    [InlineData(-0.0)]
    [InlineData(-1.0)]
    [InlineData(double.NaN)]
    [InlineData(double.PositiveInfinity)]
    [InlineData(1e10)]
    [InlineData(0.00001)]
    [InlineData(0.30000000000000004)] // 0.1 + 0.2
    [InlineData(0.09999999999999998)]
    [InlineData(1.00005)]
    public void AnyOtherDouble_IsLeftToTheRuntime(double value) =>
        Assert.False(TenThousandths.TryCount(value, out _));

    [Fact]
    public void TheDoublesNextToAWholeNumberOfTenThousandths_AreLeftToTheRuntime() =>
        Gen.Long[1, 99_999_999_999_999].Sample(count =>
        {
            var value = count / 10_000.0;
            return !TenThousandths.TryCount(Math.BitIncrement(value), out _) && !TenThousandths.TryCount(Math.BitDecrement(value), out _);
        });

    private static void AssertAsRuntime(double value, long count)
    {
        Assert.Equal(value.ToString("0.0000", CultureInfo.InvariantCulture), Fixed(count));
        Assert.Equal(value.ToString("R", CultureInfo.InvariantCulture), Shortest(count));
    }

    private static string Fixed(long count)
    {
        Span<byte> buffer = stackalloc byte[64];
        Assert.True(TenThousandths.TryWriteFixed(count, buffer, out var written));
        return Encoding.ASCII.GetString(buffer[..written]);
    }

    private static string Shortest(long count)
    {
        Span<byte> buffer = stackalloc byte[64];
        Assert.True(TenThousandths.TryWriteShortest(count, buffer, out var written));
        return Encoding.ASCII.GetString(buffer[..written]);
    }
}
