using PerceptronApi.Training.Redis;

namespace PerceptronApi.Tests.Redis;

/// <summary>Redis:OperationTimeout bounds when a call's timeout is reported, the client's heartbeat included.</summary>
public class RedisTimeoutTests
{
    [Theory]
    [InlineData(3000, 300, 2700)]
    [InlineData(100, 10, 90)]
    [InlineData(60000, 1000, 59000)]
    public void ACallsTimeout_PlusTheHeartbeatThatNoticesIt_IsWithinTheSetting(int operationMs, int heartbeatMs, int callMs)
    {
        var config = RedisConnection.Configure("127.0.0.1:6379", new RedisOptions { OperationTimeout = TimeSpan.FromMilliseconds(operationMs) });

        // The client fails a call at the first heartbeat after its timeout: at most timeout + heartbeat after it began.
        Assert.Equal((heartbeatMs, callMs, callMs), ((int)config.HeartbeatInterval.TotalMilliseconds, config.AsyncTimeout, config.SyncTimeout));
        Assert.True(config.AsyncTimeout + config.HeartbeatInterval.TotalMilliseconds <= operationMs);
        Assert.True(config.ConnectTimeout <= operationMs);
    }

    [Fact]
    public void AShorterConnectTimeoutInTheConnectionString_IsKept()
    {
        var config = RedisConnection.Configure("127.0.0.1:6379,connectTimeout=500", new RedisOptions());

        Assert.Equal(500, config.ConnectTimeout);
    }
}
