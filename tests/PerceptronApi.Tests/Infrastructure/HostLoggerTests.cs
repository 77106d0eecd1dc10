using Serilog;
using Serilog.Core;

namespace PerceptronApi.Tests.Infrastructure;

/// <summary>Each host logs through its own logger and leaves the process-wide <see cref="Log.Logger"/> alone.</summary>
public class HostLoggerTests
{
    [Fact]
    public async Task AHost_NeitherReplacesNorClosesTheProcessWideLogger()
    {
        // Through the process-wide logger, a host set it to its own when it started and to a silent one when it stopped,
        // and a host's framework loggers took whichever was set when they were made: with hosts starting and stopping in
        // parallel (as tests do) one could get the silent one, log nothing, make no activity per request, and answer
        // problems with the connection's id as their traceId.
        using var marker = new LoggerConfiguration().CreateLogger();
        Log.Logger = marker;

        await using (var factory = new PerceptronApiFactory())
        {
            _ = factory.CreateClient();
            Assert.Same(marker, Log.Logger);
        }

        Assert.Same(marker, Log.Logger);
        Log.Logger = Logger.None;
    }
}
