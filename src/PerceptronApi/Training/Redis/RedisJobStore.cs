using System.Collections.Concurrent;
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
    // Appends records and stores traces in the trainer's order, only while the job exists, and counts their bytes. A
    // record is appended only when it is the next one (none twice, no gap: a re-run skips what is there); an epoch's
    // trace is stored once. A finished job's records and trace expire with it. KEYS: job, records, trace, then the
    // budget's. ARGV: channel, job id, then for each write: kind (r: record, t: trace), epoch, bytes, bytes counted.
    private const string AppendScript = RedisJobMemory.Functions + "\n" + """
        local b = { KEYS[4], KEYS[5], KEYS[6], KEYS[7], KEYS[8] }
        if redis.call('EXISTS', KEYS[1]) == 0 then return -1 end
        local id, appended = ARGV[2], 0
        local length = redis.call('XLEN', KEYS[2])
        for i = 3, #ARGV, 4 do
            local epoch = tonumber(ARGV[i + 1])
            if ARGV[i] == 'r' then
                if length == epoch then
                    redis.call('XADD', KEYS[2], ARGV[i + 1] .. '-1', 'r', ARGV[i + 2])
                    length = length + 1
                    appended = appended + 1
                    grow(b, id, tonumber(ARGV[i + 3]))
                end
            elseif redis.call('HSETNX', KEYS[3], ARGV[i + 1], ARGV[i + 2]) == 1 then
                grow(b, id, tonumber(ARGV[i + 3]))
            end
        end
        local ttl = redis.call('PTTL', KEYS[1])
        if ttl > 0 then
            redis.call('PEXPIRE', KEYS[2], ttl)
            redis.call('PEXPIRE', KEYS[3], ttl)
        end
        if appended > 0 then redis.call('PUBLISH', ARGV[1], id) end
        return 1
        """;

    // Writes the job only when it is still the value it was read as (compare-and-set in one round trip; a transaction
    // with a condition would take two), else answers the value it is now, so the next attempt needs no read. A finished
    // job's snapshot, records and trace expire, its plan goes, and from then on it holds only what it wrote. KEYS: job,
    // plan, records, trace, then the budget's. ARGV: value read, new value, finished (1/0), age ms, channel, job id,
    // cancel channel (empty: none), sequence, finished channel. Returns { 1 } applied, { 0, value now } changed meanwhile, { -1 } gone.
    private const string UpdateScript = RedisJobMemory.Functions + "\n" + """
        local b = { KEYS[5], KEYS[6], KEYS[7], KEYS[8], KEYS[9] }
        local current = redis.call('GET', KEYS[1])
        if not current then return { -1 } end
        if current ~= ARGV[1] then return { 0, current } end
        if ARGV[3] == '1' then
            redis.call('SET', KEYS[1], ARGV[2], 'PX', ARGV[4])
            redis.call('DEL', KEYS[2])
            redis.call('PEXPIRE', KEYS[3], ARGV[4])
            redis.call('PEXPIRE', KEYS[4], ARGV[4])
            finish(b, ARGV[6], ARGV[8])
            redis.call('PUBLISH', ARGV[9], ARGV[6])
        else
            redis.call('SET', KEYS[1], ARGV[2], 'KEEPTTL')
        end
        redis.call('PUBLISH', ARGV[5], ARGV[6])
        if ARGV[7] ~= '' then redis.call('PUBLISH', ARGV[7], ARGV[6]) end
        return { 1 }
        """;

    // Removes the job, its data and its budget entries, and wakes its readers and its worker. KEYS: job, plan, records,
    // trace, then the budget's. ARGV: job id, changed channel, cancel channel, finished channel. Returns whether the job was there.
    private const string DeleteScript = RedisJobMemory.Functions + "\n" + """
        local b = { KEYS[5], KEYS[6], KEYS[7], KEYS[8], KEYS[9] }
        local deleted = redis.call('DEL', KEYS[1])
        redis.call('DEL', KEYS[2], KEYS[3], KEYS[4])
        forget(b, ARGV[1])
        redis.call('PUBLISH', ARGV[2], ARGV[1])
        redis.call('PUBLISH', ARGV[3], ARGV[1])
        redis.call('PUBLISH', ARGV[4], ARGV[1])
        return deleted
        """;

    private const int UpdateAttempts = 100;

    private const int ExpiryLookahead = 64;

    private const int MaxRemembered = 4096;

    // The value this process last wrote for each unfinished job it changed: the next change of the job (a worker starts
    // it, then finishes it) is tried against it without reading the job first. Only a guess: when another replica wrote
    // the job since, the compare-and-set answers the value it has now. Emptied when it grows past MaxRemembered (jobs
    // finished elsewhere leave entries behind).
    private readonly ConcurrentDictionary<string, RedisValue> _written = new(StringComparer.Ordinal);

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
                Remember(job.Id, snapshot);
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
        var guessed = _written.TryGetValue(id, out var raw);
        if (!guessed)
        {
            raw = await db.StringGetAsync(key);
        }

        for (var attempt = 0; attempt < UpdateAttempts; attempt++)
        {
            if (raw.IsNull)
            {
                _written.TryRemove(id, out _);
                return null;
            }

            var current = RedisCodec.ReadJob((byte[])raw!);
            if (change(current) is not { } next)
            {
                if (guessed)
                {
                    // "Nothing to change" is never decided on a remembered value: it may be older than the job.
                    guessed = false;
                    raw = await db.StringGetAsync(key);
                    continue;
                }

                return new JobUpdate(current, Applied: false);
            }

            // Applied only when nobody wrote the job since it was read: else decide again on the value it has now.
            var cancel = current.CancelRequestedAt is null && next.CancelRequestedAt is not null ? Keys.CancelChannel : string.Empty;
            var written = RedisCodec.Write(next);
            var result = (RedisResult[])(await db.ScriptEvaluateAsync(
                UpdateScript,
                [key, Keys.Plan(id), Keys.Records(id), Keys.Trace(id), .. _memory.BudgetKeys],
                [raw, written, next.IsFinished ? 1 : 0, (long)options.Value.MaxJobAge.TotalMilliseconds, Keys.ChangedChannel, id, cancel, next.Sequence, Keys.FinishedChannel]))!;
            switch ((int)result[0])
            {
                case 1:
                    Remember(id, next.IsFinished ? null : written);
                    return new JobUpdate(next, Applied: true);
                case 0:
                    raw = (RedisValue)result[1];
                    guessed = false;
                    break;
                default:
                    raw = RedisValue.Null;
                    break;
            }
        }

        throw new RedisException($"Job {id} changed {UpdateAttempts} times while it was being updated.");
    }

    public async Task<TrainingPlan?> ReadPlanAsync(string id, CancellationToken cancellationToken)
    {
        var raw = await redis.Database.StringGetAsync(Keys.Plan(id));
        return raw.IsNull ? null : RedisCodec.ReadPlan((byte[])raw!);
    }

    public Task<bool> AppendRecordAsync(string id, JobRecord record, CancellationToken cancellationToken) =>
        AppendAsync(id, [new JobWrite(record, IsTrace: false)], cancellationToken);

    public Task<bool> AppendTraceAsync(string id, JobRecord trace, CancellationToken cancellationToken) =>
        AppendAsync(id, [new JobWrite(trace, IsTrace: true)], cancellationToken);

    public async Task<bool> AppendAsync(string id, IReadOnlyList<JobWrite> writes, CancellationToken cancellationToken)
    {
        var values = new RedisValue[2 + (4 * writes.Count)];
        values[0] = Keys.ChangedChannel;
        values[1] = id;
        for (var i = 0; i < writes.Count; i++)
        {
            var (item, isTrace) = writes[i];
            values[2 + (4 * i)] = isTrace ? "t" : "r";
            values[3 + (4 * i)] = item.Epoch;
            values[4 + (4 * i)] = item.Json;
            values[5 + (4 * i)] = JobMemory.RecordBytes(item);
        }

        var result = await redis.Database.ScriptEvaluateAsync(AppendScript, [Keys.Job(id), Keys.Records(id), Keys.Trace(id), .. _memory.BudgetKeys], values);
        return (int)result != -1;
    }

    public async Task<JobRecord?> ReadTraceAsync(string id, int epoch, CancellationToken cancellationToken)
    {
        var raw = await redis.Database.HashGetAsync(Keys.Trace(id), epoch);
        return raw.IsNull ? null : new JobRecord(epoch, (byte[])raw!);
    }

    public Task WhenChanged(string id) => redis.WhenChanged(id);

    public Task WhenFinished(string id) => redis.WhenFinished(id);

    // The watch ends without throwing when the token is canceled (nearly every job ends before a cancel); WaitAsync
    // then answers a canceled task, as the contract says, without an exception thrown for each job.
    public Task WhenCancelRequested(string id, CancellationToken cancellationToken) =>
        WatchCancelAsync(id, cancellationToken).WaitAsync(cancellationToken);

    private async Task WatchCancelAsync(string id, CancellationToken cancellationToken)
    {
        while (!cancellationToken.IsCancellationRequested)
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

            await message.WaitAsync(cancellationToken).ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
        }
    }

    public async Task<bool> DeleteAsync(string id, CancellationToken cancellationToken)
    {
        _written.TryRemove(id, out _);
        return (int)await redis.Database.ScriptEvaluateAsync(
            DeleteScript,
            [Keys.Job(id), Keys.Plan(id), Keys.Records(id), Keys.Trace(id), .. _memory.BudgetKeys],
            [id, Keys.ChangedChannel, Keys.CancelChannel, Keys.FinishedChannel]) == 1;
    }

    /// <summary>Keys expire by themselves; this drops the list and budget entries of the oldest jobs that expired.</summary>
    public async Task<int> EvictExpiredAsync(CancellationToken cancellationToken)
    {
        var ids = await redis.Database.SortedSetRangeByRankAsync(Keys.Jobs, 0, 999);
        return await ForgetMissingAsync([.. ids.Select(id => (string)id!)]);
    }

    public Task<long> MeasureRetainedBytesAsync(CancellationToken cancellationToken) => _memory.MeasureAsync();

    private void Remember(string id, byte[]? written)
    {
        if (written is null)
        {
            _written.TryRemove(id, out _);
            return;
        }

        if (_written.Count >= MaxRemembered)
        {
            _written.Clear();
        }

        _written[id] = written;
    }

    private static JobRecord[] ToRecords(StreamEntry[] entries) =>
        [.. entries.Select(entry => new JobRecord(int.Parse(((string)entry.Id!).AsSpan(0, ((string)entry.Id!).IndexOf('-')), System.Globalization.CultureInfo.InvariantCulture), (byte[])entry["r"]!))];

    /// <summary>
    /// Gives back the bytes of the oldest finished jobs whose keys expired; how many there were. Only the oldest
    /// <see cref="ExpiryLookahead"/> are looked at, so a full store does not read every job per admission: they finished
    /// first, so they expire first, and the sweep finds any other.
    /// </summary>
    private async Task<int> ForgetExpiredFinishedAsync() => await ForgetMissingAsync(await _memory.OldestFinishedAsync(ExpiryLookahead));

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
        if (ids.Count > 0)
        {
            await _memory.ForgetAsync(ids);
        }
    }
}
