using PerceptronApi.Infrastructure;
using Microsoft.Extensions.Options;

namespace PerceptronApi.Tests.Hardening;

/// <summary>The connection limits are settings, checked at start.</summary>
public class ServerOptionsTests
{
    [Fact]
    public void TheDefaults_LeaveRoomUnderACommonDescriptorLimit()
    {
        var options = new ServerOptions();

        Assert.Equal(500, options.MaxConcurrentConnections);
        Assert.Equal(100, options.MaxConcurrentUpgradedConnections);
        Assert.True(options.MaxConcurrentConnections + ServerOptions.ReservedDescriptors <= 1024);
    }

    [Theory]
    [InlineData("0", "100", "MaxConcurrentConnections")]
    [InlineData("10", "20", "MaxConcurrentUpgradedConnections (20) may not exceed MaxConcurrentConnections (10).")]
    public void AnInvalidLimit_FailsValidationNamingIt(string connections, string upgraded, string expected)
    {
        var options = new ServerOptions
        {
            MaxConcurrentConnections = int.Parse(connections, System.Globalization.CultureInfo.InvariantCulture),
            MaxConcurrentUpgradedConnections = int.Parse(upgraded, System.Globalization.CultureInfo.InvariantCulture),
        };

        // The validator the service runs at start (ValidateDataAnnotations).
        var result = new DataAnnotationValidateOptions<ServerOptions>(null).Validate(null, options);

        Assert.True(result.Failed);
        Assert.Contains(expected, result.FailureMessage, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(500, 1024L, null)]
    [InlineData(960, 1024L, null)]
    [InlineData(961, 1024L, "MaxConcurrentConnections (961) must leave 64 of the process's 1024 file descriptors free (ulimit -n): at most 960.")]
    [InlineData(100_000, null, null)]
    public void ALimitAboveTheProcessDescriptors_IsRefused(int connections, long? descriptors, string? expected)
    {
        Assert.Equal(expected, ServerOptions.DescriptorProblem(connections, descriptors));
    }
}
