namespace PerceptronApi.Training.Jobs;

/// <summary>
/// The queue of one process: waiting job ids in order, and the leases of running jobs. A removed job leaves at once,
/// so jobs canceled or deleted while they wait hold nothing. Workers wait on a signal rather than poll.
/// </summary>
internal sealed class InMemoryJobQueue(TimeProvider time) : IJobQueue
{
    private readonly Lock _gate = new();
    private readonly LinkedList<string> _waiting = new();
    private readonly Dictionary<string, LinkedListNode<string>> _nodes = new(StringComparer.Ordinal);
    private readonly Dictionary<string, JobLease> _leases = new(StringComparer.Ordinal);
    private readonly ChangeSignal _added = new();

    public bool IsShared => false;

    public Task<bool> TryEnqueueAsync(string jobId, int limit, CancellationToken cancellationToken)
    {
        lock (_gate)
        {
            if (_waiting.Count >= limit || _nodes.ContainsKey(jobId))
            {
                return Task.FromResult(false);
            }

            _nodes[jobId] = _waiting.AddLast(jobId);
        }

        _added.Notify();
        return Task.FromResult(true);
    }

    public async Task<JobLease> TakeAsync(TimeSpan leaseDuration, CancellationToken cancellationToken)
    {
        while (true)
        {
            Task added;
            lock (_gate)
            {
                if (_waiting.First is { } first)
                {
                    _waiting.RemoveFirst();
                    _nodes.Remove(first.Value);
                    var lease = new JobLease(first.Value, Guid.NewGuid().ToString("N"), time.GetUtcNow() + leaseDuration);
                    _leases[first.Value] = lease;
                    return lease;
                }

                added = _added.Next;
            }

            await added.WaitAsync(cancellationToken);
        }
    }

    public Task<bool> RenewAsync(JobLease lease, TimeSpan leaseDuration, CancellationToken cancellationToken)
    {
        lock (_gate)
        {
            if (!Holds(lease))
            {
                return Task.FromResult(false);
            }

            _leases[lease.JobId] = lease with { ExpiresAt = time.GetUtcNow() + leaseDuration };
            return Task.FromResult(true);
        }
    }

    public Task CompleteAsync(JobLease lease, CancellationToken cancellationToken)
    {
        lock (_gate)
        {
            if (Holds(lease))
            {
                _leases.Remove(lease.JobId);
            }
        }

        return Task.CompletedTask;
    }

    public Task HandBackAsync(JobLease lease, CancellationToken cancellationToken)
    {
        lock (_gate)
        {
            if (!Holds(lease))
            {
                return Task.CompletedTask;
            }

            _leases.Remove(lease.JobId);
            _nodes[lease.JobId] = _waiting.AddFirst(lease.JobId);
        }

        _added.Notify();
        return Task.CompletedTask;
    }

    public Task<IReadOnlyList<string>> ReclaimExpiredAsync(CancellationToken cancellationToken)
    {
        List<string> reclaimed;
        lock (_gate)
        {
            var now = time.GetUtcNow();
            reclaimed = [.. _leases.Values.Where(l => l.ExpiresAt <= now).Select(l => l.JobId)];
            foreach (var id in reclaimed)
            {
                _leases.Remove(id);
                _nodes[id] = _waiting.AddFirst(id);
            }
        }

        if (reclaimed.Count > 0)
        {
            _added.Notify();
        }

        return Task.FromResult<IReadOnlyList<string>>(reclaimed);
    }

    public Task<bool> RemoveAsync(string jobId, CancellationToken cancellationToken)
    {
        lock (_gate)
        {
            if (!_nodes.Remove(jobId, out var node))
            {
                return Task.FromResult(false);
            }

            _waiting.Remove(node);
            return Task.FromResult(true);
        }
    }

    public Task<int> CountAsync(CancellationToken cancellationToken)
    {
        lock (_gate)
        {
            return Task.FromResult(_waiting.Count);
        }
    }

    public Task<int> CountLeasedAsync(CancellationToken cancellationToken)
    {
        lock (_gate)
        {
            return Task.FromResult(_leases.Count);
        }
    }

    private bool Holds(JobLease lease) => _leases.TryGetValue(lease.JobId, out var current) && current.Token == lease.Token;
}
