using Microsoft.AspNetCore.Mvc;

namespace PerceptronApi.Training.Jobs;

/// <summary>
/// A job as the store keeps it: plain values that serialize to JSON, so any store (memory or Redis) can hold it and any
/// replica can read it. Nothing here is live: changes are new snapshots written by compare-and-set.
/// </summary>
/// <param name="Id">32 hex digits from the OS generator: a job cannot be found by guessing.</param>
/// <param name="Sequence">The order jobs were accepted in (the list is newest first).</param>
/// <param name="CreatedAt">When it was accepted.</param>
/// <param name="Parameters">The hyper-parameters, defaults filled in.</param>
/// <param name="Status">Where the job is in its life.</param>
/// <param name="StartedAt">When a worker (last) started it.</param>
/// <param name="FinishedAt">When it reached its final status.</param>
/// <param name="Result">The trained model, once the job succeeded.</param>
/// <param name="Error">The problem, once the job failed.</param>
/// <param name="StatusReason">Why it was canceled or failed, in a sentence.</param>
/// <param name="CancelRequestedAt">When a cancel was asked for; the running worker stops on it.</param>
/// <param name="Attempts">How many times a worker started it.</param>
internal sealed record JobSnapshot(
    string Id,
    long Sequence,
    DateTimeOffset CreatedAt,
    JobParameters Parameters,
    JobStatus Status = JobStatus.Queued,
    DateTimeOffset? StartedAt = null,
    DateTimeOffset? FinishedAt = null,
    JobResult? Result = null,
    ProblemDetails? Error = null,
    string? StatusReason = null,
    DateTimeOffset? CancelRequestedAt = null,
    int Attempts = 0)
{
    public bool IsFinished => Status.IsFinal();

    /// <summary>The job ended: the status is final and the reason (none for success) recorded.</summary>
    public JobSnapshot Finish(JobStatus status, DateTimeOffset now, JobResult? result = null, ProblemDetails? error = null, string? reason = null) =>
        this with
        {
            Status = status,
            FinishedAt = now,
            Result = result,
            Error = error,
            StatusReason = status == JobStatus.Succeeded ? null : reason ?? StatusReason,
        };
}

internal static class JobStatusExtensions
{
    public static bool IsFinal(this JobStatus status) => status is JobStatus.Succeeded or JobStatus.Failed or JobStatus.Canceled;
}
