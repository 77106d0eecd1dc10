using System.Security.Cryptography;
using Microsoft.Extensions.Options;
using PerceptronApi.Infrastructure;
using PerceptronApi.Models;

namespace PerceptronApi.Training.Jobs;

/// <summary>Why a job was not accepted.</summary>
internal enum SubmitRefusal
{
    /// <summary>Accepted.</summary>
    None,

    /// <summary>The queue (or the store of kept jobs) is full.</summary>
    Full,

    /// <summary>The service is shutting down.</summary>
    ShuttingDown,

    /// <summary>The memory kept for jobs is full of unfinished ones (Training:MaxRetainedBytes).</summary>
    OverBudget,

    /// <summary>The job alone can hold more than Training:MaxRetainedBytes.</summary>
    TooLarge,
}

/// <summary>How a cancel ended.</summary>
internal enum CancelOutcome
{
    /// <summary>No such job.</summary>
    NotFound,

    /// <summary>The job ended canceled, or its worker was asked to stop and has not yet (see <c>cancelRequestedAt</c>).</summary>
    Canceled,

    /// <summary>The job had finished (succeeded or failed) before the cancel could take effect.</summary>
    AlreadyFinished,
}

/// <summary>
/// What the job routes do, over the store and the queue: submit, cancel, delete and wait. Every change of a job's
/// status is a compare-and-set in the store, so a job is finished exactly once, by whoever gets there first.
/// </summary>
internal sealed partial class JobService(
    IJobStore store,
    IJobQueue queue,
    IOptions<TrainingJobOptions> options,
    TimeProvider time,
    IHostApplicationLifetime lifetime,
    PerceptronMetrics metrics,
    ILogger<JobService> logger)
{
    public const string CancelReason = "Canceled by request.";

    private long _sequence = time.GetUtcNow().ToUnixTimeMilliseconds() * 1000;

    /// <summary>Whether new jobs are accepted: not once shutdown has begun.</summary>
    public bool Accepting => !lifetime.ApplicationStopping.IsCancellationRequested;

    public IJobStore Store => store;

    /// <summary>
    /// When this replica's event streams end early: with a shared queue, at shutdown (the job goes on elsewhere and the
    /// client resumes with Last-Event-ID on another replica); in memory, never (each job ends, and its stream after
    /// its final event).
    /// </summary>
    public CancellationToken StreamsEnd => queue.IsShared ? lifetime.ApplicationStopping : CancellationToken.None;

    /// <summary>Accepts a job into the store and the queue.</summary>
    /// <param name="plan">What to train.</param>
    /// <param name="owner">The API key's name the job belongs to; null when the service is open.</param>
    /// <param name="cancellationToken">The request's cancellation.</param>
    public async Task<(JobRead? Job, SubmitRefusal Refusal)> SubmitAsync(TrainingPlan plan, string? owner, CancellationToken cancellationToken)
    {
        if (!Accepting)
        {
            return (null, SubmitRefusal.ShuttingDown);
        }

        var limits = options.Value;
        if (await queue.CountAsync(cancellationToken) >= limits.MaxQueuedJobs)
        {
            return (null, SubmitRefusal.Full);
        }

        var job = new JobSnapshot(Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(16)), NextSequence(), time.GetUtcNow(), plan.Parameters) { Owner = owner };
        switch (await store.CreateAsync(job, plan, cancellationToken))
        {
            case CreateRefusal.None:
                break;
            case CreateRefusal.OverBudget:
                return (null, SubmitRefusal.OverBudget);
            case CreateRefusal.TooLarge:
                return (null, SubmitRefusal.TooLarge);
            default:
                return (null, SubmitRefusal.Full);
        }

        // In the store before it is in the queue, so a worker never takes a job it cannot find.
        if (!await queue.TryEnqueueAsync(job.Id, limits.MaxQueuedJobs, cancellationToken))
        {
            await store.DeleteAsync(job.Id, CancellationToken.None);
            return (null, SubmitRefusal.Full);
        }

        metrics.JobSubmitted();
        var p = plan.Parameters;
        var algorithm = ModelMapping.Name(p.Algorithm);
        LogQueued(logger, job.Id, algorithm, p.Samples, p.Features, p.MaxEpochs, p.Gate ?? "none");
        if (!Accepting)
        {
            // Shutdown began between the check above and now: this job would wait for no one.
            await CancelAsync(job.Id, "The service is shutting down.", wait: false, CancellationToken.None);
            return (null, SubmitRefusal.ShuttingDown);
        }

        return (new JobRead(job, [], 0), SubmitRefusal.None);
    }

    /// <summary>
    /// Asks a job to stop. A queued job ends canceled at once, in the same compare-and-set, so no worker starts it
    /// after; a running one is asked to stop, and with <paramref name="wait"/> this waits (Training:CancelWait) for
    /// its worker to decide: canceled, or finished first.
    /// </summary>
    public async Task<(CancelOutcome Outcome, JobRead? Job)> CancelAsync(string id, string reason, bool wait, CancellationToken cancellationToken)
    {
        var update = await store.UpdateAsync(id, job => RequestCancel(job, reason), cancellationToken);
        if (update is null)
        {
            return (CancelOutcome.NotFound, null);
        }

        if (update is { Applied: true, Job.Status: JobStatus.Canceled })
        {
            await queue.RemoveAsync(id, cancellationToken);
            metrics.JobFinished(ModelMapping.Name(JobStatus.Canceled), ran: null);
            LogCanceledWhileQueued(logger, id, reason);
        }

        if (update is { Applied: false, Job.IsFinished: true })
        {
            // It had ended (canceled earlier included) before this request.
            return (CancelOutcome.AlreadyFinished, await store.ReadAsync(id, 0, int.MaxValue, cancellationToken));
        }

        var read = update.Job.IsFinished || !wait
            ? await store.ReadAsync(id, 0, int.MaxValue, cancellationToken)
            : await WaitAsync(id, options.Value.CancelWait, cancellationToken);
        if (read is null)
        {
            return (CancelOutcome.NotFound, null);
        }

        // Canceled, or still stopping; else its worker finished it before the cancel took effect.
        return (read.Job.Status is JobStatus.Succeeded or JobStatus.Failed ? CancelOutcome.AlreadyFinished : CancelOutcome.Canceled, read);
    }

    /// <summary>Deletes a job, asking it to stop first when it has not finished; false when there was none.</summary>
    public async Task<bool> DeleteAsync(string id, CancellationToken cancellationToken)
    {
        if ((await CancelAsync(id, "Deleted.", wait: false, cancellationToken)).Outcome == CancelOutcome.NotFound)
        {
            return false;
        }

        await queue.RemoveAsync(id, cancellationToken);
        return await store.DeleteAsync(id, cancellationToken);
    }

    /// <summary>The job with its whole history once it has finished, or as it is after <paramref name="timeout"/>.</summary>
    public async Task<JobRead?> WaitAsync(string id, TimeSpan timeout, CancellationToken cancellationToken)
    {
        using var deadline = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        deadline.CancelAfter(timeout);
        var woken = false;
        while (true)
        {
            // Woken when the job ends, not at every epoch; the first look is without records (with a shared store it
            // would carry the history so far), and a look after a wake-up takes them, as it is most likely the last.
            var changed = store.WhenFinished(id);
            var read = await store.ReadAsync(id, 0, woken ? int.MaxValue : 0, cancellationToken);
            if (read is null)
            {
                return null;
            }

            if (read.Job.IsFinished || deadline.IsCancellationRequested)
            {
                return woken ? read : await store.ReadAsync(id, 0, int.MaxValue, cancellationToken);
            }

            woken = true;
            try
            {
                await changed.WaitAsync(deadline.Token);
            }
            catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
            {
                // The time is up: one last read answers the job as it is now.
            }
        }
    }

    private JobSnapshot? RequestCancel(JobSnapshot job, string reason)
    {
        var now = time.GetUtcNow();
        return job.Status switch
        {
            JobStatus.Queued => job.Finish(JobStatus.Canceled, now, reason: reason) with { CancelRequestedAt = now },
            JobStatus.Running when job.CancelRequestedAt is null => job with { CancelRequestedAt = now, StatusReason = reason },
            _ => null,
        };
    }

    // Increasing, and unique across replicas that share a store: milliseconds since the epoch with three random digits,
    // bumped past the last one given here. It says nothing about how many jobs there are.
    private long NextSequence()
    {
        var now = (time.GetUtcNow().ToUnixTimeMilliseconds() * 1000) + RandomNumberGenerator.GetInt32(1000);
        while (true)
        {
            var last = Volatile.Read(ref _sequence);
            var next = Math.Max(now, last + 1);
            if (Interlocked.CompareExchange(ref _sequence, next, last) == last)
            {
                return next;
            }
        }
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Training job {JobId} queued: {Algorithm} on {Samples} samples × {Features} features, up to {MaxEpochs} epochs (gate {Gate})")]
    private static partial void LogQueued(ILogger logger, string jobId, string algorithm, int samples, int features, int maxEpochs, string gate);

    [LoggerMessage(Level = LogLevel.Information, Message = "Training job {JobId} canceled before it started: {Reason}")]
    private static partial void LogCanceledWhileQueued(ILogger logger, string jobId, string reason);
}
