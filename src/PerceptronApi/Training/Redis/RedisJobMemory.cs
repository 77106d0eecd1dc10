using PerceptronApi.Training.Jobs;
using StackExchange.Redis;

namespace PerceptronApi.Training.Redis;

/// <summary>
/// Training:MaxRetainedBytes across every replica of the shared store. Each kept job has what it reserved when it was
/// accepted (<see cref="RedisKeys.Reserved"/>) and what its stored data takes (<see cref="RedisKeys.Written"/>, added to
/// by every append). It holds, as in memory, the larger of the two while it is queued or running and only what it
/// wrote once finished (<see cref="RedisKeys.Finished"/>, which the store's compare-and-set script adds it to as it finishes). The total is computed from those entries in the same Lua
/// script that admits a job, so two replicas cannot both take the last room; nothing is a running counter that a lost
/// reply or an expired key could leave wrong. A job's entries go with its other keys when it is deleted, and when its
/// keys expired, by the sweep or by the admission that needs the room.
/// </summary>
internal sealed class RedisJobMemory(RedisConnection redis, JobMemory memory)
{
    // The bytes every kept job holds. KEYS: reserved, written, finished.
    private const string HeldFunction = """
        local function held(reserved, written, finished)
            local total = 0
            local entries = redis.call('HGETALL', reserved)
            for i = 1, #entries, 2 do
                local id = entries[i]
                local wrote = tonumber(redis.call('HGET', written, id) or '0')
                if redis.call('ZSCORE', finished, id) then
                    total = total + wrote
                else
                    total = total + math.max(tonumber(entries[i + 1]), wrote)
                end
            end
            return total
        end
        """;

    // Adds the job only when the count and the bytes allow it. KEYS: reserved, written, finished, jobs, job, plan.
    // ARGV: job id, sequence, reservation, budget, most jobs, snapshot, plan. Returns { outcome, bytes held }.
    private const string AdmitScript = HeldFunction + "\n" + """
        if redis.call('ZCARD', KEYS[4]) >= tonumber(ARGV[5]) then return { 1, 0 } end
        local total = held(KEYS[1], KEYS[2], KEYS[3])
        if total + tonumber(ARGV[3]) > tonumber(ARGV[4]) then return { 2, total } end
        redis.call('SET', KEYS[5], ARGV[6])
        redis.call('SET', KEYS[6], ARGV[7])
        redis.call('ZADD', KEYS[4], ARGV[2], ARGV[1])
        redis.call('HSET', KEYS[1], ARGV[1], ARGV[3])
        return { 0, total + tonumber(ARGV[3]) }
        """;

    // KEYS: reserved, written, finished.
    private const string MeasureScript = HeldFunction + "\nreturn held(KEYS[1], KEYS[2], KEYS[3])";

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

    private RedisKeys Keys => redis.Keys;

    /// <summary>The budget, Training:MaxRetainedBytes.</summary>
    public long Budget => memory.Budget;

    /// <summary>Stores the job, its plan and its reservation, all at once, if the count and the budget allow it.</summary>
    public async Task<Outcome> TryAdmitAsync(JobSnapshot job, byte[] snapshot, byte[] plan, long reservation, int maxJobs)
    {
        var result = (RedisResult[])(await redis.Database.ScriptEvaluateAsync(
            AdmitScript,
            [Keys.Reserved, Keys.Written, Keys.Finished, Keys.Jobs, Keys.Job(job.Id), Keys.Plan(job.Id)],
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
        var held = (long)await redis.Database.ScriptEvaluateAsync(MeasureScript, [Keys.Reserved, Keys.Written, Keys.Finished]);
        memory.Observe(held);
        return held;
    }

    /// <summary>In the transaction that removes a job (or the entry of one that expired): it holds nothing from then on.</summary>
    public void Forget(ITransaction transaction, string id)
    {
        _ = transaction.SortedSetRemoveAsync(Keys.Jobs, id);
        _ = transaction.SortedSetRemoveAsync(Keys.Finished, id);
        _ = transaction.HashDeleteAsync(Keys.Reserved, id);
        _ = transaction.HashDeleteAsync(Keys.Written, id);
    }

    /// <summary>The finished jobs, oldest first, at most <paramref name="count"/>.</summary>
    public async Task<string[]> OldestFinishedAsync(int count) =>
        [.. (await redis.Database.SortedSetRangeByRankAsync(Keys.Finished, 0, count - 1)).Select(id => (string)id!)];
}
