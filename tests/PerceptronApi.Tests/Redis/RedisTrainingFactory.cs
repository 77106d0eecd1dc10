using PerceptronApi.Tests.Training;

namespace PerceptronApi.Tests.Redis;

/// <summary>The service on a Redis store: each factory under its own key prefix, so tests share nothing.</summary>
public static class RedisTrainingFactory
{
    public static TrainingFactory Create(RedisServer server, Dictionary<string, string?> settings, string? prefix = null)
    {
        server.SkipIfMissing();
        return new TrainingFactoryWith(new Dictionary<string, string?>(settings)
        {
            ["ConnectionStrings:Redis"] = server.ConnectionString,
            ["Redis:KeyPrefix"] = prefix ?? $"test{Guid.NewGuid():N}:",
            ["Redis:PollInterval"] = "00:00:00.100",
        });
    }
}
