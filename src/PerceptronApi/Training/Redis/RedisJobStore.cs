using Microsoft.Extensions.Options;
using PerceptronApi.Training.Jobs;
using StackExchange.Redis;

namespace PerceptronApi.Training.Redis;

/// <summary>
/// Jobs in Redis, shared by every replica: a snapshot string per job (changed by compare-and-set on its whole value),
/// the plan until the job ends, a stream of records whose entry ids are the epochs (so an append is idempotent and a
/// resume point a direct lookup), a traced job's steps in a hash by epoch, and a sorted set of jobs by sequence for the list. A finished job's keys expire after
/// <see cref="TrainingJobOptions.MaxJobAge"/>; <see cref="TrainingJobOptions.MaxRetainedJobs"/> counts the sorted set, and
/// <see cref="RedisJobMemory"/> holds every job within <see cref="JobQuotaOptions.MaxRetainedBytes"/>.
/// </summary>
internal sealed class RedisJobStore(RedisConnection redis, IOptions<TrainingJobOptions> options, JobMemory? budget = null) : IJobStore
{
    // Appends the record only when it is the next one (none twice, no gap), only while the job exists, and counts its
    // bytes; a finished job's records expire with it. KEYS: job, records, written. ARGV: entry id, bytes, channel,
    // job id, epoch, bytes counted.
    private const string AppendScript = """
        if redis.call('EXISTS', KEYS[1]) == 0 then return -1 end
        if redis.call('XLEN', KEYS[2]) ~= tonumber(ARGV[5]) then return 0 end
        redis.call('XADD', KEYS[2], ARGV[1], 'r', ARGV[2])
        redis.call('HINCRBY', KEYS[3], ARGV[4], ARGV[6])
        local ttl = redis.call('PTTL', KEYS[1])
        if ttl > 0 then redis.call('PEXPIRE', KEYS[2], ttl) end
        redis.call('PUBLISH', ARGV[3], ARGV[4])
        return 1
        """;

    // Writes the job only when it is still the value it was read as (compare-and-set in one round trip; a transaction
    // with a condition would take two). A finished job's snapshot, records and trace expire, its plan goes, and from then
    // on it holds only what it wrote (the budget's finished set). KEYS: job, plan, records, trace, finished. ARGV: value
    // read, new value, finished (1/0), age ms, channel, job id, cancel channel (empty: none), sequence.
    private const string UpdateScript = """
        if redis.call('GET', KEYS[1]) ~= ARGV[1] then return 0 end
        if ARGV[3] == '1' then
            redis.call('SET', KEYS[1], ARGV[2], 'PX', ARGV[4])
            redis.call('DEL', KEYS[2])
            redis.call('PEXPIRE', KEYS[3], ARGV[4])
            redis.call('PEXPIRE', KEYS[4], ARGV[4])
            redis.call('ZADD', KEYS[5], ARGV[8], ARGV[6])
        else
            redis.call('SET', KEYS[1], ARGV[2], 'KEEPTTL')
        end
        redis.call('PUBLISH', ARGV[5], ARGV[6])
        if ARGV[7] ~= '' then redis.call('PUBLISH', ARGV[7], ARGV[6]) end
        return 1
        """;

    // Stores an epoch's trace once (a re-run finds it there), only while the job exists, and counts its bytes; it
    // expires with the job. KEYS: job, trace, written. ARGV: epoch, bytes, job id, bytes counted.
    private const string AppendTraceScript = """
        if redis.call('EXISTS', KEYS[1]) == 0 then return -1 end
        if redis.call('HSETNX', KEYS[2], ARGV[1], ARGV[2]) == 1 then redis.call('HINCRBY', KEYS[3], ARGV[3], ARGV[4]) end
        local ttl = redis.call('PTTL', KEYS[1])
        if ttl > 0 then redis.call('PEXPIRE', KEYS[2], ttl) end
        return 1
        """;

    private const int UpdateAttempts = 100;

    private readonly RedisJobMemory _memory = new(redis, budget ?? JobMemory.Unbounded());

    private RedisKeys Keys => redis.Keys;

    /// <summary>
    /// Admits the job if the count and the bytes allow it; else makes room as the in-memory store does (first the
    /// finished jobs whose keys expired, then the oldest finished job, one at a time) and tries again.
    /// </summary>
    public async Task<CreateRefusal> CreateAsync(JobSnapshot job, TrainingPlan plan, CancellationToken cancellationToken)
    {
        var stored = RedisCodec.Write(plan);
        var reservation = JobMemory.Reservation(plan, stored.Length);
        if (reservation > _memory.Budget)
        {
            return CreateRefusal.TooLarge;
        }

        var snapshot = RedisCodec.Write(job);
        var expiredForgotten = false;
        while (true)
        {
            var outcome = await _memory.TryAdmitAsync(job, snapshot, stored, reservation, options.Value.MaxRetainedJobs);
            if (outcome == RedisJobMemory.Outcome.Admitted)
            {
                return CreateRefusal.None;
            }

            if (!expiredForgotten)
            {
                expiredForgotten = true;
                if (await ForgetExpiredFinishedAsync() > 0)
                {
                    continue;
                }
            }

            if (await _memory.OldestFinishedAsync(1) is not [var oldest])
            {
                return outcome == RedisJobMemory.Outcome.Full ? CreateRefusal.Full : CreateRefusal.OverBudget;
            }

            await DeleteAsync(oldest, CancellationToken.None);
        }
    }

    public async Task<JobRead?> ReadAsync(string id, int from, int max, CancellationToken cancellationToken)
    {
        var transaction = redis.Database.CreateTransaction();
        var job = transaction.StringGetAsync(Keys.Job(id));
        var records = max > 0 ? transaction.StreamRangeAsync(Keys.Records(id), $"{Math.Max(from, 0)}-1", "+", max) : null;
        var count = transaction.StreamLengthAsync(Keys.Records(id));
        await transaction.ExecuteAsync();
        var raw = await job;
        if (raw.IsNull)
        {
            return null;
        }

        return new JobRead(RedisCodec.ReadJob((byte[])raw!), records is null ? [] : ToRecords(await records), (int)await count);
    }

    public async Task<IReadOnlyList<JobRead>> ListAsync(JobStatus? status, JobOwner owner, long? before, int limit, CancellationToken cancellationToken)
    {
        var db = redis.Database;
        var result = new List<JobRead>();
        var top = before is { } b ? (double)b : double.PositiveInfinity;
        var batch = Math.Clamp(limit * 2, 16, 1000);
        while (result.Count < limit)
        {
            var ids = await db.SortedSetRangeByScoreAsync(Keys.Jobs, top, double.NegativeInfinity, Exclude.Start, Order.Descending, 0, batch);
            if (ids.Length == 0)
            {
                break;
            }

            var reads = ids.Select(id => (Id: (string)id!, Job: db.StringGetAsync(Keys.Job((string)id!)), Count: db.StreamLengthAsync(Keys.Records((string)id!)))).ToList();
            foreach (var (id, job, count) in reads)
            {
                var raw = await job;
                var records = await count;
                if (raw.IsNull)
                {
                    // Expired: its entry in the list goes too.
                    await ForgetAsync([id]);
                    continue;
                }

                var snapshot = RedisCodec.ReadJob((byte[])raw!);
                if ((status is null || snapshot.Status == status) && owner.Sees(snapshot) && result.Count < limit)
                {
                    result.Add(new JobRead(snapshot, [], (int)records));
                }
            }

            top = (double)(await db.SortedSetScoreAsync(Keys.Jobs, ids[^1]) ?? double.NegativeInfinity);
            if (double.IsNegativeInfinity(top) || ids.Length < batch)
            {
                break;
            }
        }

        return result;
    }

    public async Task<JobUpdate?> UpdateAsync(string id, Func<JobSnapshot, JobSnapshot?> change, CancellationToken cancellationToken)
    {
        var db = redis.Database;
        var key = Keys.Job(id);
        for (var attempt = 0; attempt < UpdateAttempts; attempt++)
        {
            var raw = await db.StringGetAsync(key);
            if (raw.IsNull)
            {
                return null;
            }

            var current = RedisCodec.ReadJob((byte[])raw!);
            if (change(current) is not { } next)
            {
                return new JobUpdate(current, Applied: false);
            }

            // Applied only when nobody wrote the job since it was read: else read again and decide again.
            var cancel = current.CancelRequestedAt is null && next.CancelRequestedAt is not null ? Keys.CancelChannel : string.Empty;
            var applied = await db.ScriptEvaluateAsync(
                UpdateScript,
                [key, Keys.Plan(id), Keys.Records(id), Keys.Trace(id), Keys.Finished],
                [raw, RedisCodec.Write(next), next.IsFinished ? 1 : 0, (long)options.Value.MaxJobAge.TotalMilliseconds, Keys.ChangedChannel, id, cancel, next.Sequence]);
            if ((int)applied == 1)
            {
                return new JobUpdate(next, Applied: true);
            }
        }

        throw new RedisException($"Job {id} changed {UpdateAttempts} times while it was being updated.");
    }

    public async Task<TrainingPlan?> ReadPlanAsync(string id, CancellationToken cancellationToken)
    {
        var raw = await redis.Database.StringGetAsync(Keys.Plan(id));
        return raw.IsNull ? null : RedisCodec.ReadPlan((byte[])raw!);
    }

    public async Task<bool> AppendRecordAsync(string id, JobRecord record, CancellationToken cancellationToken)
    {
        var result = await redis.Database.ScriptEvaluateAsync(
            AppendScript,
            [Keys.Job(id), Keys.Records(id), Keys.Written],
            [$"{record.Epoch}-1", record.Json, Keys.ChangedChannel, id, record.Epoch, JobMemory.RecordBytes(record)]);
        return (int)result != -1;
    }

    public async Task<bool> AppendTraceAsync(string id, JobRecord trace, CancellationToken cancellationToken)
    {
        var result = await redis.Database.ScriptEvaluateAsync(
            AppendTraceScript, [Keys.Job(id), Keys.Trace(id), Keys.Written], [trace.Epoch, trace.Json, id, JobMemory.RecordBytes(trace)]);
        return (int)result != -1;
    }

    public async Task<JobRecord?> ReadTraceAsync(string id, int epoch, CancellationToken cancellationToken)
    {
        var raw = await redis.Database.HashGetAsync(Keys.Trace(id), epoch);
        return raw.IsNull ? null : new JobRecord(epoch, (byte[])raw!);
    }

    public Task WhenChanged(string id) => redis.WhenChanged(id);

    public async Task WhenCancelRequested(string id, CancellationToken cancellationToken)
    {
        while (true)
        {
            var message = redis.WhenCancelMessage(id);
            try
            {
                var raw = await redis.Database.StringGetAsync(Keys.Job(id));
                if (raw.IsNull || RedisCodec.ReadJob((byte[])raw!).CancelRequestedAt is not null)
                {
                    return;
                }
            }
            catch (Exception exception) when (exception is RedisException or TimeoutException) // RedisTimeoutException is a TimeoutException
            {
                // Unreachable for now: not a reason to stop the job; look again.
            }

            await message.WaitAsync(cancellationToken);
        }
    }

    public async Task<bool> DeleteAsync(string id, CancellationToken cancellationToken)
    {
        var transaction = redis.Database.CreateTransaction();
        var deleted = transaction.KeyDeleteAsync(Keys.Job(id));
        _ = transaction.KeyDeleteAsync([Keys.Plan(id), Keys.Records(id), Keys.Trace(id)]);
        _memory.Forget(transaction, id);
        _ = transaction.PublishAsync(RedisChannel.Literal(Keys.ChangedChannel), id);
        _ = transaction.PublishAsync(RedisChannel.Literal(Keys.CancelChannel), id);
        await transaction.ExecuteAsync();
        return await deleted;
    }

    /// <summary>Keys expire by themselves; this drops the list and budget entries of the oldest jobs that expired.</summary>
    public async Task<int> EvictExpiredAsync(CancellationToken cancellationToken)
    {
        var ids = await redis.Database.SortedSetRangeByRankAsync(Keys.Jobs, 0, 999);
        return await ForgetMissingAsync([.. ids.Select(id => (string)id!)]);
    }

    public Task<long> MeasureRetainedBytesAsync(CancellationToken cancellationToken) => _memory.MeasureAsync();

    private static JobRecord[] ToRecords(StreamEntry[] entries) =>
        [.. entries.Select(entry => new JobRecord(int.Parse(((string)entry.Id!).AsSpan(0, ((string)entry.Id!).IndexOf('-')), System.Globalization.CultureInfo.InvariantCulture), (byte[])entry["r"]!))];

    /// <summary>Gives back the bytes of finished jobs whose keys expired; how many there were.</summary>
    private async Task<int> ForgetExpiredFinishedAsync() => await ForgetMissingAsync(await _memory.OldestFinishedAsync(options.Value.MaxRetainedJobs));

    /// <summary>Drops the entries of those of <paramref name="ids"/> whose job key is gone; how many there were.</summary>
    private async Task<int> ForgetMissingAsync(string[] ids)
    {
        var db = redis.Database;
        var exists = ids.Select(id => (Id: id, Exists: db.KeyExistsAsync(Keys.Job(id)))).ToList();
        var missing = new List<string>();
        foreach (var (id, exist) in exists)
        {
            if (!await exist)
            {
                missing.Add(id);
            }
        }

        await ForgetAsync(missing);
        return missing.Count;
    }

    private async Task ForgetAsync(List<string> ids)
    {
        if (ids.Count == 0)
        {
            return;
        }

        var transaction = redis.Database.CreateTransaction();
        foreach (var id in ids)
        {
            _memory.Forget(transaction, id);
        }

        await transaction.ExecuteAsync();
    }
}
