using System.Threading.RateLimiting;
using PerceptronApi.Infrastructure;

namespace PerceptronApi.Tests.Infrastructure;

public class SlidingLogRateLimiterTests
{
    private static TimeSpan? RetryAfter(RateLimitLease lease) =>
        lease.TryGetMetadata(MetadataName.RetryAfter, out var after) ? after : null;

    [Fact]
    public void AtMostNInAnyWindow_AndARefusalSaysWhenTheOldestLeavesIt()
    {
        var clock = new ManualClock();
        using var limiter = new SlidingLogRateLimiter(3, TimeSpan.FromMinutes(1), clock);
        foreach (var at in new[] { 0, 10, 20 })
        {
            clock.Advance(TimeSpan.FromSeconds(at == 0 ? 0 : 10));
            Assert.True(limiter.AttemptAcquire().IsAcquired);
        }

        clock.Advance(TimeSpan.FromSeconds(10)); // 30 s
        using var refused = limiter.AttemptAcquire();
        Assert.Equal((false, TimeSpan.FromSeconds(30)), (refused.IsAcquired, RetryAfter(refused)));
        clock.Advance(TimeSpan.FromSeconds(29.5)); // 59.5 s
        Assert.Equal(TimeSpan.FromSeconds(0.5), RetryAfter(limiter.AttemptAcquire()));

        // At 60 s the request of 0 s is a whole window old: out of it, and its permit is free again — only that one.
        clock.Advance(TimeSpan.FromSeconds(0.5));
        Assert.True(limiter.AttemptAcquire().IsAcquired);
        Assert.Equal(TimeSpan.FromSeconds(10), RetryAfter(limiter.AttemptAcquire()));
        Assert.Equal((0, 4L, 3L), (limiter.GetStatistics()!.CurrentAvailablePermits, limiter.GetStatistics()!.TotalSuccessfulLeases, limiter.GetStatistics()!.TotalFailedLeases));
    }

    [Fact]
    public void ACountOfZero_AsksWithoutTaking()
    {
        var clock = new ManualClock();
        using var limiter = new SlidingLogRateLimiter(1, TimeSpan.FromSeconds(1), clock);

        Assert.True(limiter.AttemptAcquire(0).IsAcquired);
        Assert.True(limiter.AttemptAcquire(1).IsAcquired);
        Assert.False(limiter.AttemptAcquire(0).IsAcquired);
        Assert.Throws<ArgumentOutOfRangeException>(() => limiter.AttemptAcquire(2));
    }

    [Fact]
    public void TheLimiterIsIdleOnlyOnceItsLastRequestLeftTheWindow()
    {
        var clock = new ManualClock();
        using var limiter = new SlidingLogRateLimiter(2, TimeSpan.FromMinutes(1), clock);
        Assert.Equal(TimeSpan.Zero, limiter.IdleDuration);
        limiter.AttemptAcquire();

        // The framework drops a partition that reports idle for a while: the log must be kept while it counts.
        clock.Advance(TimeSpan.FromSeconds(59));
        Assert.Null(limiter.IdleDuration);
        clock.Advance(TimeSpan.FromSeconds(3));
        Assert.Equal(TimeSpan.FromSeconds(2), limiter.IdleDuration);

        // Asking (a count of 0) takes no permit: the limiter stays idle.
        Assert.True(limiter.AttemptAcquire(0).IsAcquired);
        clock.Advance(TimeSpan.FromSeconds(1));
        Assert.Equal(TimeSpan.FromSeconds(3), limiter.IdleDuration);
    }
}
