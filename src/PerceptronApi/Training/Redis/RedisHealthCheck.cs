using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace PerceptronApi.Training.Redis;

/// <summary>Not ready while the shared store cannot be reached: a load balancer sends work to other replicas.</summary>
internal sealed class RedisHealthCheck(RedisConnection redis) : IHealthCheck
{
    public async Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        if (!redis.IsConnected)
        {
            return HealthCheckResult.Unhealthy("Redis is not connected.");
        }

        try
        {
            await redis.Database.PingAsync();
            return HealthCheckResult.Healthy();
        }
        catch (StackExchange.Redis.RedisException exception)
        {
            return HealthCheckResult.Unhealthy("Redis does not answer.", exception);
        }
    }
}
