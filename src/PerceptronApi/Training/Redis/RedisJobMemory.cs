using PerceptronApi.Training.Jobs;
using StackExchange.Redis;

namespace PerceptronApi.Training.Redis;

/// <summary>
/// Training:MaxRetainedBytes across every replica of the shared store. Each kept job has what it reserved when it was
/// accepted (<see cref="RedisKeys.Reserved"/>) and what its stored data takes (<see cref="RedisKeys.Written"/>, added to
/// by every append). It holds, as in memory, the larger of the two while it is queued or running and only what it
/// wrote once finished (<see cref="RedisKeys.Finished"/>). The sum over the kept jobs is <see cref="RedisKeys.Held"/>:
/// every script that changes a job's entries (admit, append, finish, forget) changes the sum by the difference in the
/// same atomic step, so admitting a job reads one number, and two replicas cannot both take the last room. A job's
/// entries go with its other keys when it is deleted, and when its keys expired, by the sweep or by the admission that
/// needs the room.
/// </summary>
internal sealed class RedisJobMemory(RedisConnection redis, JobMemory memory)
{
    /// <summary>
    /// Lua functions over the budget's keys, for the scripts that change a job's entries. Each takes the budget's keys as
    /// one table: { reserved, written, finished, held, jobs } (<see cref="BudgetKeys"/>, passed last in KEYS).
    /// </summary>
    public const string Functions = """
        -- What one job holds: what it wrote once finished, else the larger of its reservation and what it wrote; a job
        -- without a reservation (kept by a replica that counted nothing) holds nothing.
        local function holds(b, id)
            local reserved = redis.call('HGET', b[1], id)
            if not reserved then return 0 end
            local wrote = tonumber(redis.call('HGET', b[2], id) or '0')
            if redis.call('ZSCORE', b[3], id) then return wrote end
            return math.max(tonumber(reserved), wrote)
        end
        local function changed(b, before, id)
            local delta = holds(b, id) - before
            if delta ~= 0 then redis.call('INCRBY', b[4], delta) end
        end
        -- The job stored more bytes.
        local function grow(b, id, bytes)
            local before = holds(b, id)
            redis.call('HINCRBY', b[2], id, bytes)
            changed(b, before, id)
        end
        -- The job finished: from now on it holds only what it wrote, and it may be evicted (oldest first).
        local function finish(b, id, sequence)
            local before = holds(b, id)
            redis.call('ZADD', b[3], sequence, id)
            changed(b, before, id)
        end
        -- The job is gone (deleted, or its keys expired): it holds nothing and is no longer kept.
        local function forget(b, id)
            local before = holds(b, id)
            if before ~= 0 then redis.call('DECRBY', b[4], before) end
            redis.call('ZREM', b[5], id)
            redis.call('ZREM', b[3], id)
            redis.call('HDEL', b[1], id)
            redis.call('HDEL', b[2], id)
        end
        """;

    // Adds the job only when the count and the bytes allow it. KEYS: job, plan, then the budget's. ARGV: job id,
    // sequence, reservation, budget, most jobs, snapshot, plan. Returns { outcome, bytes held }.
    private const string AdmitScript = """
        local b = { KEYS[3], KEYS[4], KEYS[5], KEYS[6], KEYS[7] }
        if redis.call('ZCARD', b[5]) >= tonumber(ARGV[5]) then return { 1, 0 } end
        local total = tonumber(redis.call('GET', b[4]) or '0')
        if total + tonumber(ARGV[3]) > tonumber(ARGV[4]) then return { 2, total } end
        redis.call('SET', KEYS[1], ARGV[6])
        redis.call('SET', KEYS[2], ARGV[7])
        redis.call('ZADD', b[5], ARGV[2], ARGV[1])
        redis.call('HSET', b[1], ARGV[1], ARGV[3])
        return { 0, redis.call('INCRBY', b[4], ARGV[3]) }
        """;

    // KEYS: the budget's. ARGV: the job ids.
    private const string ForgetScript = Functions + "\n" + """
        local b = { KEYS[1], KEYS[2], KEYS[3], KEYS[4], KEYS[5] }
        for _, id in ipairs(ARGV) do forget(b, id) end
        return #ARGV
        """;

    /// <summary>Why <see cref="TryAdmitAsync"/> did not add a job.</summary>
    public enum Outcome
    {
        /// <summary>Added.</summary>
        Admitted = 0,

        /// <summary>Training:MaxRetainedJobs are kept.</summary>
        Full = 1,

        /// <summary>The job's reservation does not fit in what the kept jobs leave of the budget.</summary>
        OverBudget = 2,
    }

    /// <summary>The budget, Training:MaxRetainedBytes.</summary>
    public long Budget => memory.Budget;

    /// <summary>The keys <see cref="Functions"/> work on, in their order; scripts pass them after their own.</summary>
    public RedisKey[] BudgetKeys => [Keys.Reserved, Keys.Written, Keys.Finished, Keys.Held, Keys.Jobs];

    private RedisKeys Keys => redis.Keys;

    /// <summary>Stores the job, its plan and its reservation, all at once, if the count and the budget allow it.</summary>
    public async Task<Outcome> TryAdmitAsync(JobSnapshot job, byte[] snapshot, byte[] plan, long reservation, int maxJobs)
    {
        var result = (RedisResult[])(await redis.Database.ScriptEvaluateAsync(
            AdmitScript,
            [Keys.Job(job.Id), Keys.Plan(job.Id), .. BudgetKeys],
            [job.Id, job.Sequence, reservation, memory.Budget, maxJobs, snapshot, plan]))!;
        var outcome = (Outcome)(int)result[0];
        if (outcome != Outcome.Full)
        {
            memory.Observe((long)result[1]);
        }

        return outcome;
    }

    /// <summary>The bytes all kept jobs hold now, reported to the gauge.</summary>
    public async Task<long> MeasureAsync()
    {
        var held = (long)await redis.Database.StringGetAsync(Keys.Held);
        memory.Observe(held);
        return held;
    }

    /// <summary>The entries of jobs that are gone (their keys expired): they hold nothing from then on.</summary>
    public async Task ForgetAsync(IReadOnlyList<string> ids) =>
        await redis.Database.ScriptEvaluateAsync(ForgetScript, BudgetKeys, [.. ids.Select(id => (RedisValue)id)]);

    /// <summary>The finished jobs, oldest first, at most <paramref name="count"/>.</summary>
    public async Task<string[]> OldestFinishedAsync(int count) =>
        [.. (await redis.Database.SortedSetRangeByRankAsync(Keys.Finished, 0, count - 1)).Select(id => (string)id!)];
}
