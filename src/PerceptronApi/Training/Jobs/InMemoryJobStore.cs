using Microsoft.Extensions.Options;

namespace PerceptronApi.Training.Jobs;

/// <summary>
/// Jobs in memory, bounded: at most <see cref="TrainingJobOptions.MaxRetainedJobs"/> and finished ones for at most
/// <see cref="TrainingJobOptions.MaxJobAge"/>, all of them within <see cref="JobQuotaOptions.MaxRetainedBytes"/>
/// (<see cref="JobMemory"/>); when full, the oldest finished job goes first. One lock guards the index; each job has
/// its own lock, so trainers appending records never wait for each other.
/// </summary>
internal sealed class InMemoryJobStore(IOptions<TrainingJobOptions> options, TimeProvider time, JobMemory? budget = null) : IJobStore
{
    private readonly JobMemory memory = budget ?? JobMemory.Unbounded();

    private readonly Lock _gate = new();
    private readonly Dictionary<string, Entry> _byId = new(StringComparer.Ordinal);

    // Ordered by sequence, so the newest is last and the oldest first.
    private readonly SortedList<long, Entry> _bySequence = [];

    public Task<CreateRefusal> CreateAsync(JobSnapshot job, TrainingPlan plan, CancellationToken cancellationToken)
    {
        var limits = options.Value;
        var reservation = JobMemory.Reservation(plan);
        if (reservation > memory.Budget)
        {
            return Task.FromResult(CreateRefusal.TooLarge);
        }

        var evicted = new List<Entry>();
        lock (_gate)
        {
            evicted.AddRange(ExpiredLocked());
            var freed = evicted.Sum(e => e.Held);
            while (_byId.Count - evicted.Count >= limits.MaxRetainedJobs || !memory.Fits(reservation, freed))
            {
                var oldestFinished = _bySequence.Values.FirstOrDefault(e => e.Snapshot.IsFinished && !evicted.Contains(e));
                if (oldestFinished is null)
                {
                    var refusal = _byId.Count - evicted.Count >= limits.MaxRetainedJobs ? CreateRefusal.Full : CreateRefusal.OverBudget;
                    RemoveLocked(evicted);
                    Wake(evicted);
                    return Task.FromResult(refusal);
                }

                evicted.Add(oldestFinished);
                freed += oldestFinished.Held;
            }

            RemoveLocked(evicted);
            var entry = new Entry(job, plan, memory, reservation);
            _byId.Add(job.Id, entry);
            _bySequence.Add(job.Sequence, entry);
            memory.Add(reservation);
        }

        Wake(evicted);
        return Task.FromResult(CreateRefusal.None);
    }

    public Task<JobRead?> ReadAsync(string id, int from, int max, CancellationToken cancellationToken) =>
        Task.FromResult(Find(id)?.Read(from, max));

    public Task<IReadOnlyList<JobRead>> ListAsync(JobStatus? status, JobOwner owner, long? before, int limit, CancellationToken cancellationToken)
    {
        var result = new List<JobRead>();
        lock (_gate)
        {
            var values = _bySequence.Values;
            for (var i = values.Count - 1; i >= 0 && result.Count < limit; i--)
            {
                var entry = values[i];
                if ((before is null || entry.Snapshot.Sequence < before) && entry.Read(0, 0) is var read && (status is null || read.Job.Status == status) && owner.Sees(read.Job))
                {
                    result.Add(read);
                }
            }
        }

        return Task.FromResult<IReadOnlyList<JobRead>>(result);
    }

    public Task<JobUpdate?> UpdateAsync(string id, Func<JobSnapshot, JobSnapshot?> change, CancellationToken cancellationToken) =>
        Task.FromResult(Find(id)?.Update(change));

    public Task<TrainingPlan?> ReadPlanAsync(string id, CancellationToken cancellationToken) =>
        Task.FromResult(Find(id)?.Plan);

    public Task<bool> AppendRecordAsync(string id, JobRecord record, CancellationToken cancellationToken)
    {
        if (Find(id) is not { } entry)
        {
            return Task.FromResult(false);
        }

        entry.Append(record);
        return Task.FromResult(true);
    }

    public Task<bool> AppendTraceAsync(string id, JobRecord trace, CancellationToken cancellationToken)
    {
        if (Find(id) is not { } entry)
        {
            return Task.FromResult(false);
        }

        entry.AppendTrace(trace);
        return Task.FromResult(true);
    }

    public Task<bool> AppendAsync(string id, IReadOnlyList<JobWrite> writes, CancellationToken cancellationToken)
    {
        if (Find(id) is not { } entry)
        {
            return Task.FromResult(false);
        }

        foreach (var write in writes)
        {
            if (write.IsTrace)
            {
                entry.AppendTrace(write.Item);
            }
            else
            {
                entry.Append(write.Item);
            }
        }

        return Task.FromResult(true);
    }

    public Task<JobRecord?> ReadTraceAsync(string id, int epoch, CancellationToken cancellationToken) =>
        Task.FromResult(Find(id)?.ReadTrace(epoch));

    public Task WhenChanged(string id) => Find(id)?.Changed ?? Task.CompletedTask;

    public Task WhenCancelRequested(string id, CancellationToken cancellationToken) =>
        (Find(id)?.CancelRequested ?? Task.CompletedTask).WaitAsync(cancellationToken);

    public Task<bool> DeleteAsync(string id, CancellationToken cancellationToken)
    {
        Entry? entry;
        lock (_gate)
        {
            if (!_byId.TryGetValue(id, out entry))
            {
                return Task.FromResult(false);
            }

            RemoveLocked([entry]);
        }

        entry.Remove();
        return Task.FromResult(true);
    }

    public Task<int> EvictExpiredAsync(CancellationToken cancellationToken)
    {
        List<Entry> expired;
        lock (_gate)
        {
            expired = ExpiredLocked();
            RemoveLocked(expired);
        }

        Wake(expired);
        return Task.FromResult(expired.Count);
    }

    public Task<long> MeasureRetainedBytesAsync(CancellationToken cancellationToken) => Task.FromResult(memory.Used);

    private Entry? Find(string id)
    {
        lock (_gate)
        {
            return _byId.GetValueOrDefault(id);
        }
    }

    private List<Entry> ExpiredLocked()
    {
        var cutoff = time.GetUtcNow() - options.Value.MaxJobAge;
        return [.. _bySequence.Values.Where(e => e.Snapshot is { IsFinished: true } job && job.FinishedAt < cutoff)];
    }

    private void RemoveLocked(IEnumerable<Entry> entries)
    {
        foreach (var entry in entries)
        {
            _byId.Remove(entry.Snapshot.Id);
            _bySequence.Remove(entry.Snapshot.Sequence);

            // Given back at once, so the job being added next sees the room.
            entry.ReleaseMemory();
        }
    }

    // Readers waiting on a removed job wake up and find it gone.
    private static void Wake(IEnumerable<Entry> entries)
    {
        foreach (var entry in entries)
        {
            entry.Remove();
        }
    }

    /// <summary>One job: its snapshot, its data until it finishes, its records, and the signal readers wait on.</summary>
    private sealed class Entry(JobSnapshot initial, TrainingPlan plan, JobMemory memory, long reservation)
    {
        private readonly Lock _gate = new();

        // What this job counts against the budget: its reservation until it finishes, then its records and traces.
        private long _held = reservation;
        private long _recordBytes;
        private readonly List<JobRecord> _traces = [];
        private bool _released;
        private JobSnapshot _snapshot = initial;
        private JobRecord[] _records = new JobRecord[16];
        private int _count;
        private readonly TaskCompletionSource _cancelRequested = new(TaskCreationOptions.RunContinuationsAsynchronously);
        private readonly ChangeSignal _changed = new();

        public JobSnapshot Snapshot
        {
            get
            {
                lock (_gate)
                {
                    return _snapshot;
                }
            }
        }

        public TrainingPlan? Plan { get; private set; } = plan;

        public long Held
        {
            get
            {
                lock (_gate)
                {
                    return _held;
                }
            }
        }

        public Task Changed => _changed.Next;

        public Task CancelRequested => _cancelRequested.Task;

        public JobRead Read(int from, int max)
        {
            lock (_gate)
            {
                var start = Math.Clamp(from, 0, _count);
                var length = Math.Clamp(max, 0, _count - start);
                return new JobRead(_snapshot, _records.AsSpan(start, length).ToArray(), _count);
            }
        }

        public JobUpdate Update(Func<JobSnapshot, JobSnapshot?> change)
        {
            JobSnapshot updated;
            lock (_gate)
            {
                if (change(_snapshot) is not { } next)
                {
                    return new JobUpdate(_snapshot, Applied: false);
                }

                _snapshot = next;
                updated = next;

                // What it trains on is released as soon as it ends; it keeps only its records.
                if (next.IsFinished)
                {
                    Plan = null;
                    Hold(_recordBytes);
                }
            }

            if (updated.CancelRequestedAt is not null)
            {
                _cancelRequested.TrySetResult();
            }

            _changed.Notify();
            return new JobUpdate(updated, Applied: true);
        }

        public void Append(JobRecord record)
        {
            lock (_gate)
            {
                if (record.Epoch != _count)
                {
                    // Already stored (a re-run), or out of order: the history stays gap-free and written once.
                    return;
                }

                if (_count == _records.Length)
                {
                    Array.Resize(ref _records, _records.Length * 2);
                }

                _records[_count++] = record;
                Count(JobMemory.RecordBytes(record));
            }

            _changed.Notify();
        }

        // Under _gate: a record or trace of `bytes` was stored.
        private void Count(long bytes)
        {
            _recordBytes += bytes;
            if (_snapshot.IsFinished || _recordBytes > _held)
            {
                // Past its reservation (or written after it ended): counted as it is.
                Hold(Math.Max(_held, _recordBytes));
            }
        }

        public JobRecord? ReadTrace(int epoch)
        {
            lock (_gate)
            {
                return epoch >= 1 && epoch <= _traces.Count ? _traces[epoch - 1] : null;
            }
        }

        public void AppendTrace(JobRecord trace)
        {
            lock (_gate)
            {
                if (trace.Epoch != _traces.Count + 1)
                {
                    // Already stored (a re-run), or out of order: as for records.
                    return;
                }

                _traces.Add(trace);
                Count(JobMemory.RecordBytes(trace));
            }
        }

        /// <summary>Gives back every byte this job held; it holds none from now on.</summary>
        public void ReleaseMemory()
        {
            lock (_gate)
            {
                Hold(0);
                _released = true;
            }
        }

        // Under _gate: the job now holds `bytes`.
        private void Hold(long bytes)
        {
            if (_released)
            {
                return;
            }

            memory.Add(bytes - _held);
            _held = bytes;
        }

        /// <summary>The job left the store: its worker stops and its readers find it gone.</summary>
        public void Remove()
        {
            lock (_gate)
            {
                Plan = null;
            }

            _cancelRequested.TrySetResult();
            _changed.Notify();
        }
    }
}
