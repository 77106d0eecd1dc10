using PerceptronApi.Tests.Training;

namespace PerceptronApi.Tests.Redis;

/// <summary>The service on a Redis store: each factory under its own key prefix, so tests share nothing.</summary>
public static class RedisTrainingFactory
{
    public static TrainingFactory Create(RedisServer server, Dictionary<string, string?> settings, string? prefix = null)
    {
        server.SkipIfMissing();
        // A loaded test machine can hold a Redis answer up for seconds: the default here is generous, and a test that
        // wants Redis to look unreachable quickly sets its own.
        var withDefaults = new Dictionary<string, string?>(settings);
        withDefaults.TryAdd("Redis:OperationTimeout", "00:00:10");
        return new TrainingFactoryWith(new Dictionary<string, string?>(withDefaults)
        {
            ["ConnectionStrings:Redis"] = server.ConnectionString,
            ["Redis:KeyPrefix"] = prefix ?? $"test{Guid.NewGuid():N}:",
            ["Redis:PollInterval"] = "00:00:00.100",
        });
    }
}
