using System.Threading.RateLimiting;

namespace PerceptronApi.Infrastructure;

/// <summary>
/// One client's sliding-log limit (API.md §4.6): at most <c>permits</c> requests in ANY window of the given length — a
/// request is let through when fewer than that many were let through in the window that ends with it. It keeps the
/// times of the last <c>permits</c> requests it let through, so a refusal knows exactly when the oldest leaves the
/// window: that is its Retry-After. The framework's fixed and sliding (segmented) windows count per segment, so a burst
/// either side of a segment's edge could pass twice the limit in one second, and their Retry-After is a segment length.
/// </summary>
internal sealed class SlidingLogRateLimiter : RateLimiter
{
    private readonly Lock _gate = new();
    private readonly TimeProvider _time;
    private readonly long _window;

    // A ring of the last permits' timestamps, oldest at _head; _count of them are set.
    private readonly long[] _log;
    private int _head;
    private int _count;

    // When the newest permit leaves the window (at first: when the limiter was made).
    private long _lastLeaves;
    private long _successful;
    private long _failed;

    public SlidingLogRateLimiter(int permits, TimeSpan window, TimeProvider time)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(permits, 1);
        ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(window, TimeSpan.Zero);
        _time = time;
        _window = (long)(window.TotalSeconds * time.TimestampFrequency);
        _log = new long[permits];
        _lastLeaves = time.GetTimestamp();
    }

    /// <summary>Null while any request is still inside the window (the framework must keep this client's log), else how long since the last one left it.</summary>
    public override TimeSpan? IdleDuration
    {
        get
        {
            lock (_gate)
            {
                var now = _time.GetTimestamp();
                return now < _lastLeaves ? null : _time.GetElapsedTime(_lastLeaves, now);
            }
        }
    }

    public override RateLimiterStatistics GetStatistics()
    {
        lock (_gate)
        {
            Expire(_time.GetTimestamp());
            return new RateLimiterStatistics
            {
                CurrentAvailablePermits = _log.Length - _count,
                CurrentQueuedCount = 0,
                TotalSuccessfulLeases = _successful,
                TotalFailedLeases = _failed,
            };
        }
    }

    protected override RateLimitLease AttemptAcquireCore(int permitCount)
    {
        // One request is one permit; a count of 0 asks whether one is free without taking it.
        ArgumentOutOfRangeException.ThrowIfGreaterThan(permitCount, 1);
        lock (_gate)
        {
            var now = _time.GetTimestamp();
            Expire(now);
            if (_count == _log.Length)
            {
                _failed++;
                return new Lease(false, _time.GetElapsedTime(now, _log[_head] + _window));
            }

            if (permitCount == 1)
            {
                _log[(_head + _count) % _log.Length] = now;
                _count++;
                _lastLeaves = now + _window;
                _successful++;
            }

            return Lease.Acquired;
        }
    }

    // Requests are never queued: one over the limit is answered at once.
    protected override ValueTask<RateLimitLease> AcquireAsyncCore(int permitCount, CancellationToken cancellationToken) =>
        ValueTask.FromResult(AttemptAcquireCore(permitCount));

    /// <summary>Drops the requests that are no longer in the window ending now (one exactly a window ago is out).</summary>
    private void Expire(long now)
    {
        while (_count > 0 && _log[_head] + _window <= now)
        {
            _head = (_head + 1) % _log.Length;
            _count--;
        }
    }

    private sealed class Lease(bool acquired, TimeSpan? retryAfter) : RateLimitLease
    {
        public static readonly Lease Acquired = new(true, null);

        private static readonly string[] RetryAfterOnly = [MetadataName.RetryAfter.Name];

        public override bool IsAcquired => acquired;

        public override IEnumerable<string> MetadataNames => retryAfter is null ? [] : RetryAfterOnly;

        public override bool TryGetMetadata(string metadataName, out object? metadata)
        {
            metadata = metadataName == MetadataName.RetryAfter.Name ? retryAfter : null;
            return metadata is not null;
        }
    }
}
