namespace PerceptronApi.Training.Jobs;

/// <summary>A worker's claim on a job it took from the queue, valid until <see cref="ExpiresAt"/> unless renewed.</summary>
/// <param name="JobId">The job.</param>
/// <param name="Token">Tells this claim from a later one on the same job (after it was reclaimed).</param>
/// <param name="ExpiresAt">When another worker may reclaim the job.</param>
internal sealed record JobLease(string JobId, string Token, DateTimeOffset ExpiresAt);

/// <summary>
/// The jobs that wait for a worker, in the order they were accepted, and the leases of the jobs being run. A job
/// leaves the queue when a worker takes it or when it is removed (canceled or deleted while it waited), so the queue
/// holds nothing for jobs that no longer wait.
/// </summary>
internal interface IJobQueue
{
    /// <summary>
    /// Whether the queue outlives this process (shared by replicas): then shutdown hands running jobs back instead of
    /// canceling them, and leaves the waiting ones for other workers.
    /// </summary>
    bool IsShared { get; }

    /// <summary>Adds a job at the end; false when <paramref name="limit"/> jobs already wait.</summary>
    Task<bool> TryEnqueueAsync(string jobId, int limit, CancellationToken cancellationToken);

    /// <summary>Waits for the next job and claims it for <paramref name="leaseDuration"/>.</summary>
    Task<JobLease> TakeAsync(TimeSpan leaseDuration, CancellationToken cancellationToken);

    /// <summary>Extends a lease; false when it was lost (it expired and another worker reclaimed the job).</summary>
    Task<bool> RenewAsync(JobLease lease, TimeSpan leaseDuration, CancellationToken cancellationToken);

    /// <summary>The job is done with (finished, or gone): its lease ends.</summary>
    Task CompleteAsync(JobLease lease, CancellationToken cancellationToken);

    /// <summary>Puts a job back at the front for another worker, ending this lease (a graceful shutdown).</summary>
    Task HandBackAsync(JobLease lease, CancellationToken cancellationToken);

    /// <summary>Puts the jobs whose lease expired (their worker died) back for another worker.</summary>
    /// <returns>The jobs put back.</returns>
    Task<IReadOnlyList<string>> ReclaimExpiredAsync(CancellationToken cancellationToken);

    /// <summary>Takes a waiting job out of the queue (canceled or deleted); false when it was not waiting.</summary>
    Task<bool> RemoveAsync(string jobId, CancellationToken cancellationToken);

    /// <summary>How many jobs wait.</summary>
    Task<int> CountAsync(CancellationToken cancellationToken);

    /// <summary>How many jobs workers hold a lease on: the running ones, counted without reading every job.</summary>
    Task<int> CountLeasedAsync(CancellationToken cancellationToken);
}
