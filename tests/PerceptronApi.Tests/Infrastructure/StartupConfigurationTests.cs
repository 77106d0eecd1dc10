namespace PerceptronApi.Tests.Infrastructure;

/// <summary>Bad settings stop the real process at start: every one named on its own line, exit code 1, no stack trace.</summary>
public class StartupConfigurationTests
{
    private const string Heading = "PerceptronApi did not start: the configuration is invalid.";

    [Fact]
    public async Task Unreadable_settings_in_every_section_and_source_are_all_reported_without_a_stack_trace()
    {
        // Production (no environment set): the JSON log format, as in the container.
        var outcome = await ServiceProcess.RunAsync(
            [
                "--urls", "http://127.0.0.1:0",
                "--Training:Workers=abc",
                "--Training:MaxJobAge=abc",
                "--Limits:MaxPredictionRows=x",
                "--Server:MaxConcurrentConnections=y",
                "--RateLimits:JobsPerMinute=q",
                "--Metrics:Enabled=maybe",
            ],
            new Dictionary<string, string> { ["Training__MaxSamples"] = "zz" });

        Assert.Equal(1, outcome.ExitCode);
        Assert.Equal("", outcome.Stdout);
        AssertLines(
            outcome.Stderr,
            Heading,
            "  Training:MaxJobAge = \"abc\": must be a duration as [d.]hh:mm:ss, such as 00:00:30 or 1.00:00:00.",
            "  Training:MaxSamples = \"zz\": must be a whole number from 1 to 10000000.",
            "  Training:Workers = \"abc\": must be a whole number from 0 to 1024.",
            "  Limits:MaxPredictionRows = \"x\": must be a whole number from 1 to 1000000.",
            "  Metrics:Enabled = \"maybe\": must be true or false.",
            "  RateLimits:JobsPerMinute = \"q\": must be a whole number from 0 to 1000000.",
            "  Server:MaxConcurrentConnections = \"y\": must be a whole number from 1 to 1000000.");
    }

    [Fact]
    public async Task Settings_out_of_range_in_several_sections_are_all_reported_with_unreadable_ones()
    {
        var outcome = await ServiceProcess.RunAsync(
        [
            "--urls", "http://127.0.0.1:0",
            "--Limits:MaxPredictionRows=0",
            "--Training:MaxEpochs=0",
            "--Training:Workers=0",
            "--Server:MaxConcurrentUpgradedConnections=9999",
            "--ForwardedHeaders:KnownProxies:0=proxy",
            "--Log:Format=xml",
            "--Limits:MaxLayers=many",
        ]);

        Assert.Equal(1, outcome.ExitCode);
        AssertLines(
            outcome.Stderr,
            Heading,
            "  Limits:MaxLayers = \"many\": must be a whole number from 1 to 1000.",
            "  Training:MaxEpochs = \"0\": must be between 1 and 1000000.",
            "  Training:Workers may be 0 only with ConnectionStrings:Redis (an API-only replica); in memory no one else would run the jobs.",
            "  ForwardedHeaders:KnownProxies:0 (\"proxy\") must be an IP address such as 10.0.0.5.",
            "  Log:Format must be \"json\" or \"text\".",
            "  Limits:MaxPredictionRows = \"0\": must be between 1 and 1000000.",
            "  Server: MaxConcurrentUpgradedConnections (9999) may not exceed MaxConcurrentConnections (500).");
    }

    private static void AssertLines(string output, params string[] expected)
    {
        Assert.DoesNotContain("   at ", output, StringComparison.Ordinal);
        Assert.DoesNotContain("Hosting failed to start", output, StringComparison.Ordinal);
        Assert.DoesNotContain("Unhandled exception", output, StringComparison.Ordinal);
        var lines = output.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        // The heading first; the settings in the order the sections are found, which is not part of the contract.
        Assert.Equal(expected[0], lines[0]);
        Assert.Equal(expected[1..].Select(line => line.Trim()).Order(StringComparer.Ordinal), lines[1..].Order(StringComparer.Ordinal));
    }
}

/// <summary><c>--help</c> prints the usage and exits; it does not start the service.</summary>
public class HelpCommandTests
{
    [Theory]
    [InlineData("--help")]
    [InlineData("-h")]
    public async Task Help_prints_the_usage_and_exits_0(string argument)
    {
        var outcome = await ServiceProcess.RunAsync([argument]);

        Assert.Equal(0, outcome.ExitCode);
        Assert.Equal("", outcome.Stderr);
        Assert.Equal(PerceptronApi.Infrastructure.HelpCommand.Usage.ReplaceLineEndings(), outcome.Stdout.TrimEnd().ReplaceLineEndings());
        Assert.DoesNotContain("Now listening", outcome.Stdout, StringComparison.Ordinal);
    }
}
