using Microsoft.Extensions.Options;
using PerceptronApi.Training.Jobs;
using StackExchange.Redis;

namespace PerceptronApi.Training.Redis;

/// <summary>
/// The queue in Redis, shared by every replica: a stream read by one consumer group. A worker's read of an entry is
/// its lease (the entry is pending for it); renewing claims it again, which resets its idle time; an entry idle past
/// the lease duration belongs to a worker that died and is put back. A sorted set of waiting jobs gives the count the
/// queue limit checks, and a hash of their entry ids lets a canceled job's entry be deleted at once. StackExchange.Redis
/// does not block on reads: workers read without blocking and wait for a wake-up message (or the poll interval).
/// </summary>
internal sealed class RedisJobQueue(RedisConnection redis, IOptions<TrainingJobOptions> options) : IJobQueue
{
    // KEYS: waiting, queue, entries. ARGV: job id, limit, score, channel.
    private const string EnqueueScript = """
        if redis.call('ZCARD', KEYS[1]) >= tonumber(ARGV[2]) then return 0 end
        if redis.call('ZSCORE', KEYS[1], ARGV[1]) then return 0 end
        local entry = redis.call('XADD', KEYS[2], '*', 'job', ARGV[1])
        redis.call('ZADD', KEYS[1], ARGV[3], ARGV[1])
        redis.call('HSET', KEYS[3], ARGV[1], entry)
        redis.call('PUBLISH', ARGV[4], ARGV[1])
        return 1
        """;

    // Reads the next new entry for this consumer (its lease) and takes its job off the waiting list, in one round trip.
    // KEYS: queue, waiting, entries. ARGV: group, consumer. Returns {entry id, job id} or nothing.
    private const string TakeScript = """
        local read = redis.call('XREADGROUP', 'GROUP', ARGV[1], ARGV[2], 'COUNT', 1, 'STREAMS', KEYS[1], '>')
        if not read then return {} end
        local entry = read[1][2][1]
        local fields, job = entry[2], nil
        for i = 1, #fields, 2 do if fields[i] == 'job' then job = fields[i + 1] end end
        redis.call('ZREM', KEYS[2], job)
        redis.call('HDEL', KEYS[3], job)
        return {entry[1], job}
        """;

    // Renews only a lease still held by this consumer. KEYS: queue. ARGV: group, consumer, entry id.
    private const string RenewScript = """
        local pending = redis.call('XPENDING', KEYS[1], ARGV[1], ARGV[3], ARGV[3], 1, ARGV[2])
        if #pending == 0 then return 0 end
        redis.call('XCLAIM', KEYS[1], ARGV[1], ARGV[2], 0, ARGV[3], 'JUSTID')
        return 1
        """;

    // Puts a job held by this consumer back as a new entry. KEYS: queue, waiting, entries. ARGV: group, consumer,
    // entry id, job id, score, channel.
    private const string HandBackScript = """
        local pending = redis.call('XPENDING', KEYS[1], ARGV[1], ARGV[3], ARGV[3], 1, ARGV[2])
        if #pending == 0 then return 0 end
        redis.call('XACK', KEYS[1], ARGV[1], ARGV[3])
        redis.call('XDEL', KEYS[1], ARGV[3])
        local entry = redis.call('XADD', KEYS[1], '*', 'job', ARGV[4])
        redis.call('ZADD', KEYS[2], ARGV[5], ARGV[4])
        redis.call('HSET', KEYS[3], ARGV[4], entry)
        redis.call('PUBLISH', ARGV[6], ARGV[4])
        return 1
        """;

    // Takes the entries idle past the lease and puts their jobs back as new entries. KEYS: queue, waiting, entries.
    // ARGV: group, reclaimer, min idle ms, score, channel.
    private const string ReclaimScript = """
        local claimed = redis.call('XAUTOCLAIM', KEYS[1], ARGV[1], ARGV[2], ARGV[3], '0-0', 'COUNT', 64)
        local jobs = {}
        for _, item in ipairs(claimed[2]) do
            local id, fields = item[1], item[2]
            redis.call('XACK', KEYS[1], ARGV[1], id)
            redis.call('XDEL', KEYS[1], id)
            if fields and fields[2] then
                local entry = redis.call('XADD', KEYS[1], '*', 'job', fields[2])
                redis.call('ZADD', KEYS[2], ARGV[4], fields[2])
                redis.call('HSET', KEYS[3], fields[2], entry)
                table.insert(jobs, fields[2])
            end
        end
        if #jobs > 0 then redis.call('PUBLISH', ARGV[5], 'reclaimed') end
        return jobs
        """;

    // KEYS: waiting, entries, queue. ARGV: job id.
    private const string RemoveScript = """
        if redis.call('ZREM', KEYS[1], ARGV[1]) == 0 then return 0 end
        local entry = redis.call('HGET', KEYS[2], ARGV[1])
        if entry then redis.call('XDEL', KEYS[3], entry) end
        redis.call('HDEL', KEYS[2], ARGV[1])
        return 1
        """;

    private readonly string _consumer = $"{Environment.MachineName}-{Environment.ProcessId}-{Guid.NewGuid():N}";
    private volatile bool _groupReady;

    public bool IsShared => true;

    private RedisKeys Keys => redis.Keys;

    private static RedisValue Score => DateTimeOffset.UtcNow.ToUnixTimeMilliseconds();

    public async Task<bool> TryEnqueueAsync(string jobId, int limit, CancellationToken cancellationToken)
    {
        var added = await redis.Database.ScriptEvaluateAsync(EnqueueScript, [Keys.Waiting, Keys.Queue, Keys.Entries], [jobId, limit, Score, Keys.QueueChannel]);
        return (int)added == 1;
    }

    public async Task<JobLease> TakeAsync(TimeSpan leaseDuration, CancellationToken cancellationToken)
    {
        while (true)
        {
            cancellationToken.ThrowIfCancellationRequested();
            var queued = redis.WhenQueued();
            try
            {
                await EnsureGroupAsync();
                var taken = (RedisResult[])(await redis.Database.ScriptEvaluateAsync(TakeScript, [Keys.Queue, Keys.Waiting, Keys.Entries], [Keys.Group, _consumer]))!;
                if (taken is [var entry, var job])
                {
                    return new JobLease((string)job!, (string)entry!, DateTimeOffset.UtcNow + leaseDuration);
                }
            }
            catch (Exception exception) when (exception is RedisException or TimeoutException) // RedisTimeoutException is a TimeoutException
            {
                // Unreachable for now (or its data was lost, group and all): wait and try again; the client
                // reconnects by itself.
                _groupReady = false;
            }

            await queued.WaitAsync(cancellationToken);
        }
    }

    public async Task<bool> RenewAsync(JobLease lease, TimeSpan leaseDuration, CancellationToken cancellationToken)
    {
        try
        {
            return (int)await redis.Database.ScriptEvaluateAsync(RenewScript, [Keys.Queue], [Keys.Group, _consumer, lease.Token]) == 1;
        }
        catch (Exception exception) when (exception is RedisException or TimeoutException) // RedisTimeoutException is a TimeoutException
        {
            // Not known to be lost: the job goes on, and the next heartbeat tries again.
            return true;
        }
    }

    public async Task CompleteAsync(JobLease lease, CancellationToken cancellationToken)
    {
        var transaction = redis.Database.CreateTransaction();
        _ = transaction.StreamAcknowledgeAsync(Keys.Queue, Keys.Group, lease.Token);
        _ = transaction.StreamDeleteAsync(Keys.Queue, [lease.Token]);
        await transaction.ExecuteAsync();
    }

    public async Task HandBackAsync(JobLease lease, CancellationToken cancellationToken) =>
        await redis.Database.ScriptEvaluateAsync(HandBackScript, [Keys.Queue, Keys.Waiting, Keys.Entries], [Keys.Group, _consumer, lease.Token, lease.JobId, Score, Keys.QueueChannel]);

    public async Task<IReadOnlyList<string>> ReclaimExpiredAsync(CancellationToken cancellationToken) =>
        await ReclaimAsync(options.Value.LeaseDuration);

    public async Task<bool> RemoveAsync(string jobId, CancellationToken cancellationToken) =>
        (int)await redis.Database.ScriptEvaluateAsync(RemoveScript, [Keys.Waiting, Keys.Entries, Keys.Queue], [jobId]) == 1;

    public async Task<int> CountAsync(CancellationToken cancellationToken) => (int)await redis.Database.SortedSetLengthAsync(Keys.Waiting);

    public async Task<int> CountLeasedAsync(CancellationToken cancellationToken)
    {
        await EnsureGroupAsync();
        return (await redis.Database.StreamPendingAsync(Keys.Queue, Keys.Group)).PendingMessageCount;
    }

    private async Task<IReadOnlyList<string>> ReclaimAsync(TimeSpan lease)
    {
        await EnsureGroupAsync();
        var result = await redis.Database.ScriptEvaluateAsync(
            ReclaimScript,
            [Keys.Queue, Keys.Waiting, Keys.Entries],
            [Keys.Group, _consumer, (long)lease.TotalMilliseconds, Score, Keys.QueueChannel]);
        return [.. ((RedisResult[])result!).Select(job => (string)job!)];
    }

    private async Task EnsureGroupAsync()
    {
        if (_groupReady)
        {
            return;
        }

        try
        {
            await redis.Database.StreamCreateConsumerGroupAsync(Keys.Queue, Keys.Group, StreamPosition.Beginning, createStream: true);
        }
        catch (RedisServerException exception) when (exception.Message.StartsWith("BUSYGROUP", StringComparison.Ordinal))
        {
            // Another replica created it.
        }

        _groupReady = true;
    }
}
