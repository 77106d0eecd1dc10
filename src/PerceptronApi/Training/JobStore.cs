using Microsoft.Extensions.Options;

namespace PerceptronApi.Training;

/// <summary>Where jobs live while they are kept. The in-memory store is the embedded default.</summary>
internal interface IJobStore
{
    /// <summary>Adds a job, first evicting finished jobs past the age or count limit; false when every kept job is still active.</summary>
    bool TryAdd(TrainingJob job);

    TrainingJob? Find(string id);

    /// <summary>Jobs newest first, optionally of one status, starting below a sequence number.</summary>
    IReadOnlyList<TrainingJob> List(JobStatus? status, long? before, int limit);

    bool Remove(string id);

    /// <summary>Every job that has not finished.</summary>
    IReadOnlyList<TrainingJob> Active();

    /// <summary>Drops finished jobs older than the age limit.</summary>
    int EvictExpired();
}

/// <summary>
/// Jobs in memory, bounded: at most <see cref="TrainingJobOptions.MaxRetainedJobs"/> and finished ones for at most
/// <see cref="TrainingJobOptions.MaxJobAge"/>; when full, the oldest finished job goes first.
/// </summary>
internal sealed class InMemoryJobStore(IOptions<TrainingJobOptions> options, TimeProvider time) : IJobStore
{
    private readonly Lock _gate = new();
    private readonly Dictionary<string, TrainingJob> _byId = new(StringComparer.Ordinal);

    // Ordered by sequence, so the newest is last and the oldest first.
    private readonly SortedList<long, TrainingJob> _bySequence = [];

    public bool TryAdd(TrainingJob job)
    {
        var limits = options.Value;
        lock (_gate)
        {
            EvictExpiredLocked();
            while (_byId.Count >= limits.MaxRetainedJobs)
            {
                var oldestFinished = _bySequence.Values.FirstOrDefault(j => j.IsFinished);
                if (oldestFinished is null)
                {
                    return false;
                }

                RemoveLocked(oldestFinished);
            }

            _byId.Add(job.Id, job);
            _bySequence.Add(job.Sequence, job);
        }

        return true;
    }

    public TrainingJob? Find(string id)
    {
        lock (_gate)
        {
            return _byId.GetValueOrDefault(id);
        }
    }

    public IReadOnlyList<TrainingJob> List(JobStatus? status, long? before, int limit)
    {
        lock (_gate)
        {
            var result = new List<TrainingJob>(Math.Min(limit, _bySequence.Count));
            var values = _bySequence.Values;
            for (var i = values.Count - 1; i >= 0 && result.Count < limit; i--)
            {
                var job = values[i];
                if ((before is null || job.Sequence < before) && (status is null || job.Status == status))
                {
                    result.Add(job);
                }
            }

            return result;
        }
    }

    public bool Remove(string id)
    {
        lock (_gate)
        {
            if (!_byId.TryGetValue(id, out var job))
            {
                return false;
            }

            RemoveLocked(job);
            return true;
        }
    }

    public IReadOnlyList<TrainingJob> Active()
    {
        lock (_gate)
        {
            return [.. _bySequence.Values.Where(j => !j.IsFinished)];
        }
    }

    public int EvictExpired()
    {
        lock (_gate)
        {
            return EvictExpiredLocked();
        }
    }

    private int EvictExpiredLocked()
    {
        var cutoff = time.GetUtcNow() - options.Value.MaxJobAge;
        var expired = _bySequence.Values.Where(j => j.IsFinished && j.FinishedAt < cutoff).ToList();
        foreach (var job in expired)
        {
            RemoveLocked(job);
        }

        return expired.Count;
    }

    private void RemoveLocked(TrainingJob job)
    {
        _byId.Remove(job.Id);
        _bySequence.Remove(job.Sequence);
    }
}
