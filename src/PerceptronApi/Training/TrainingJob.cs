using System.Diagnostics.CodeAnalysis;
using System.Security.Cryptography;
using Microsoft.AspNetCore.Mvc;
using PerceptronApi.Core.Training;

namespace PerceptronApi.Training;

/// <summary>
/// One training job: its parameters, its state and its append-only history. The trainer appends records; any number
/// of readers follow the history with their own cursor and wait on <see cref="Snapshot.Changed"/> for more, so a slow
/// reader never holds the trainer up and the job buffers nothing per reader.
/// </summary>
[SuppressMessage("Reliability", "CA1001:Types that own disposable fields should be disposable", Justification = "The token source has no timer or linked tokens to release, and a job may be read after it is evicted.")]
internal sealed class TrainingJob
{
    private readonly Lock _gate = new();
    private readonly CancellationTokenSource _cancellation = new();
    private readonly TaskCompletionSource _finished = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private TaskCompletionSource _changed = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private EpochRecord[] _history = new EpochRecord[16];
    private int _count;
    private int _leftQueue;

    public TrainingJob(long sequence, DateTimeOffset createdAt, JobParameters parameters, TrainingSet data, TrainingOptions options)
    {
        Id = Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(16));
        Sequence = sequence;
        CreatedAt = createdAt;
        Parameters = parameters;
        Data = data;
        Options = options;
    }

    /// <summary>32 hex digits from the OS generator: a job cannot be found by guessing.</summary>
    public string Id { get; }

    /// <summary>The order jobs were accepted in (the list is newest first).</summary>
    public long Sequence { get; }

    public DateTimeOffset CreatedAt { get; }

    public JobParameters Parameters { get; }

    /// <summary>What to train on; released when the job ends.</summary>
    public TrainingSet? Data { get; private set; }

    public TrainingOptions Options { get; }

    public JobStatus Status { get; private set; } = JobStatus.Queued;

    public DateTimeOffset? StartedAt { get; private set; }

    public DateTimeOffset? FinishedAt { get; private set; }

    public TrainingResult? Result { get; private set; }

    public ProblemDetails? Error { get; private set; }

    public string? StatusReason { get; private set; }

    public bool IsFinished => Status is JobStatus.Succeeded or JobStatus.Failed or JobStatus.Canceled;

    /// <summary>Canceled when the job is asked to stop.</summary>
    public CancellationToken CancellationToken => _cancellation.Token;

    /// <summary>Completes when the job reaches a final status.</summary>
    public Task Finished => _finished.Task;

    /// <summary>A consistent view: records from a cursor, whether that is all there will ever be, and a signal for more.</summary>
    /// <param name="Records">The records from the cursor (at most the requested count).</param>
    /// <param name="Start">Where the records start: the cursor, or the end of the history when the cursor is past it.</param>
    /// <param name="Total">How many records the job has.</param>
    /// <param name="Complete">The job is finished and no record after these exists.</param>
    /// <param name="Changed">Completes when a record is appended or the job finishes.</param>
    public sealed record Snapshot(IReadOnlyList<EpochRecord> Records, int Start, int Total, bool Complete, Task Changed);

    /// <summary>Everything a response shows, taken at one instant so status, result and history agree.</summary>
    public sealed record View(
        JobStatus Status,
        DateTimeOffset? StartedAt,
        DateTimeOffset? FinishedAt,
        TrainingResult? Result,
        ProblemDetails? Error,
        string? StatusReason,
        int LastEpoch,
        IReadOnlyList<EpochRecord>? History);

    public Snapshot Read(int from, int max)
    {
        lock (_gate)
        {
            var start = Math.Clamp(from, 0, _count);
            var length = Math.Min(max, _count - start);
            var records = new EpochRecord[length];
            Array.Copy(_history, start, records, 0, length);
            return new Snapshot(records, start, _count, IsFinished && start + length == _count, _changed.Task);
        }
    }

    public View Observe(bool includeHistory)
    {
        lock (_gate)
        {
            return new View(
                Status,
                StartedAt,
                FinishedAt,
                Result,
                Error,
                StatusReason,
                _count == 0 ? 0 : _history[_count - 1].Epoch,
                includeHistory ? _history[.._count] : null);
        }
    }

    /// <summary>
    /// True exactly once: when the job first leaves the queue, whether a worker took it or it was canceled while it
    /// waited. The queue counts its slots by this.
    /// </summary>
    public bool TryLeaveQueue() => Interlocked.Exchange(ref _leftQueue, 1) == 0;

    /// <summary>Moves a queued job to running; false when it was canceled while it waited.</summary>
    public bool TryStart(DateTimeOffset now)
    {
        lock (_gate)
        {
            if (Status != JobStatus.Queued)
            {
                return false;
            }

            Status = JobStatus.Running;
            StartedAt = now;
        }

        Signal();
        return true;
    }

    public void Append(EpochRecord record)
    {
        lock (_gate)
        {
            if (_count == _history.Length)
            {
                Array.Resize(ref _history, _history.Length * 2);
            }

            _history[_count++] = record;
        }

        Signal();
    }

    public void Succeed(TrainingResult result, DateTimeOffset now) => Finish(JobStatus.Succeeded, now, result: result);

    public void Fail(ProblemDetails error, DateTimeOffset now) => Finish(JobStatus.Failed, now, error: error, reason: error.Detail);

    /// <summary>
    /// Asks the job to stop. A queued job is canceled at once, in the same step, so no worker can start it after;
    /// a running one stops when the trainer sees the token.
    /// </summary>
    /// <returns>The status the job had when asked, or null when it had already finished.</returns>
    public JobStatus? RequestCancel(string reason, DateTimeOffset now)
    {
        JobStatus status;
        lock (_gate)
        {
            if (IsFinished)
            {
                return null;
            }

            status = Status;
            StatusReason = reason;
            if (status == JobStatus.Queued)
            {
                FinishLocked(JobStatus.Canceled, now, null, null, reason);
            }
        }

        _cancellation.Cancel();
        if (status == JobStatus.Queued)
        {
            Signal();
            _finished.TrySetResult();
        }

        return status;
    }

    /// <summary>Ends a running job as canceled (the trainer stopped on the token).</summary>
    public void Cancel(DateTimeOffset now, string fallbackReason)
    {
        string reason;
        lock (_gate)
        {
            reason = StatusReason ?? fallbackReason;
        }

        Finish(JobStatus.Canceled, now, reason: reason);
    }

    private void Finish(JobStatus status, DateTimeOffset now, TrainingResult? result = null, ProblemDetails? error = null, string? reason = null)
    {
        lock (_gate)
        {
            if (!FinishLocked(status, now, result, error, reason))
            {
                return;
            }
        }

        Signal();
        _finished.TrySetResult();
    }

    private bool FinishLocked(JobStatus status, DateTimeOffset now, TrainingResult? result, ProblemDetails? error, string? reason)
    {
        if (IsFinished)
        {
            return false;
        }

        Status = status;
        FinishedAt = now;
        Result = result;
        Error = error;
        StatusReason = status == JobStatus.Succeeded ? null : reason;
        Data = null;
        return true;
    }

    private void Signal()
    {
        TaskCompletionSource changed;
        lock (_gate)
        {
            changed = _changed;
            _changed = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        }

        changed.TrySetResult();
    }
}
