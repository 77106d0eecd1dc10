using System.Diagnostics;
using System.Threading.Channels;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Extensions.Options;
using PerceptronApi.Core.Training;
using PerceptronApi.Infrastructure;
using PerceptronApi.Training.Jobs;

namespace PerceptronApi.Training;

/// <summary>
/// The worker pool: <see cref="TrainingJobOptions.Workers"/> loops take jobs from the queue with a lease and train them,
/// storing each epoch record as the trainer produces it, renewing the lease while they run and stopping when a cancel
/// is requested in the store. When the host begins to stop, only this process's own jobs are touched: with a queue of
/// this process alone they end canceled with the reason (queued ones too), so each stream sends its final event; with
/// a shared queue the running ones are handed back for another replica.
/// </summary>
internal sealed partial class TrainingWorker(
    JobService jobs,
    IJobQueue queue,
    IOptions<TrainingJobOptions> options,
    IOptions<Microsoft.AspNetCore.Http.Json.JsonOptions> json,
    TimeProvider time,
    IHostApplicationLifetime lifetime,
    PerceptronMetrics metrics,
    ILogger<TrainingWorker> logger) : BackgroundService
{
    public const string ShutdownReason = "The service shut down before the job finished.";

    public const string UnreadablePlanReason = "The job's data was stored by a version of the service whose format this version cannot read; submit the request again.";

    private readonly IJobStore _store = jobs.Store;

    /// <summary>At most this many writes (or about <see cref="MaxBytesPerCall"/>) go to the store in one call, so no one
    /// call carries a whole long history and holds a shared store up.</summary>
    private const int MaxWritesPerCall = 64;

    private const int MaxBytesPerCall = 1 << 20;

    private enum Ending
    {
        Finished,
        HandedBack,
        LeaseLost,
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        // Jobs stop when the host begins to stop, before the server drains its requests, so open streams end with
        // their final event.
        using var stopping = CancellationTokenSource.CreateLinkedTokenSource(stoppingToken, lifetime.ApplicationStopping);
        var loops = Enumerable.Range(0, options.Value.Workers)
            .Select(_ => Task.Run(() => WorkAsync(stopping.Token), CancellationToken.None))
            .Append(SweepAsync(stopping.Token))
            .ToList();
        await Task.WhenAll(loops);
        if (!queue.IsShared)
        {
            await CancelQueuedAsync();
        }
    }

    /// <summary>The queue is this process's alone: the jobs still in it would wait for no one.</summary>
    private async Task CancelQueuedAsync()
    {
        foreach (var read in await _store.ListAsync(JobStatus.Queued, JobOwner.Anyone, null, int.MaxValue, CancellationToken.None))
        {
            await jobs.CancelAsync(read.Job.Id, ShutdownReason, wait: false, CancellationToken.None);
        }
    }

    private async Task WorkAsync(CancellationToken stopping)
    {
        while (!stopping.IsCancellationRequested)
        {
            JobLease lease;
            try
            {
                lease = await queue.TakeAsync(options.Value.LeaseDuration, stopping);
            }
            catch (OperationCanceledException) when (stopping.IsCancellationRequested)
            {
                return;
            }
            catch (Exception exception) when (exception is not OperationCanceledException)
            {
                // Whatever the queue could not classify must not end this worker: every job after it would wait forever.
                LogTakeFailed(logger, exception.Message);
                await Task.Delay(TimeSpan.FromSeconds(1), CancellationToken.None);
                continue;
            }

            try
            {
                await RunAsync(lease, stopping);
            }
            catch (Exception exception) when (exception is not OperationCanceledException || !stopping.IsCancellationRequested)
            {
                // The store failed (a shared one unreachable for longer than a lease): the job is left to be
                // reclaimed when its lease expires, and this worker goes on.
                LogAbandoned(logger, exception, lease.JobId);
                await Task.Delay(TimeSpan.FromSeconds(1), CancellationToken.None);
            }
        }
    }

    private async Task RunAsync(JobLease lease, CancellationToken stopping)
    {
        var id = lease.JobId;
        var now = time.GetUtcNow();

        // The lease makes this worker the one to run it: a queued job, or a running one whose worker's lease expired.
        // The plan is read meanwhile (it stays until the job finishes): with a shared store, one round trip fewer
        // before the job trains.
        var reading = _store.ReadPlanAsync(id, CancellationToken.None);
        var started = await _store.UpdateAsync(id, job => job.IsFinished ? null : job with { Status = JobStatus.Running, StartedAt = now, Attempts = job.Attempts + 1 }, CancellationToken.None);
        TrainingPlan? plan;
        try
        {
            plan = await reading;
        }
        catch (UnreadablePlanException unreadable) when (started is { Applied: true })
        {
            LogUnreadablePlan(logger, id, unreadable.Message);
            await FailAsync(id, StatusCodes.Status500InternalServerError, "Job data unreadable", UnreadablePlanReason);
            await queue.CompleteAsync(lease, CancellationToken.None);
            return;
        }
        catch (UnreadablePlanException)
        {
            plan = null;
        }

        if (started is not { Applied: true } || plan is null)
        {
            // Canceled or deleted while it waited.
            await queue.CompleteAsync(lease, CancellationToken.None);
            return;
        }

        if (started.Job.CancelRequestedAt is not null)
        {
            await FinishAsync(id, job => job.Finish(JobStatus.Canceled, time.GetUtcNow(), reason: job.StatusReason ?? JobService.CancelReason));
            await queue.CompleteAsync(lease, CancellationToken.None);
            return;
        }

        LogStarted(logger, id, started.Job.Attempts);
        var ending = await TrainAsync(lease, plan, stopping);
        if (ending == Ending.HandedBack)
        {
            await _store.UpdateAsync(id, job => job.IsFinished ? null : job with { Status = JobStatus.Queued }, CancellationToken.None);
            await queue.HandBackAsync(lease, CancellationToken.None);
            LogHandedBack(logger, id);
        }
        else if (ending == Ending.Finished)
        {
            await queue.CompleteAsync(lease, CancellationToken.None);
        }
    }

    private async Task<Ending> TrainAsync(JobLease lease, TrainingPlan plan, CancellationToken stopping)
    {
        var id = lease.JobId;
        var limits = options.Value;
        var serializer = json.Value.SerializerOptions;
        var watch = Stopwatch.StartNew();
        using var deadline = new CancellationTokenSource(limits.MaxJobDuration, time);
        using var requested = new CancellationTokenSource();
        using var lost = new CancellationTokenSource();
        using var done = new CancellationTokenSource();
        using var cancellation = CancellationTokenSource.CreateLinkedTokenSource(stopping, deadline.Token, requested.Token, lost.Token);
        var observer = ObserveCancelAsync(id, requested, done.Token);
        var heartbeat = HeartbeatAsync(lease, lost, done.Token);

        // The trainer's thread only serializes each record, once; a pump stores them in order, so a slow store never
        // holds the trainer up.
        var records = Channel.CreateUnbounded<JobWrite>(new UnboundedChannelOptions { SingleReader = true, SingleWriter = true });
        var pump = PumpAsync(id, records.Reader);
        JobResult? result = null;
        Exception? crash = null;
        try
        {
            result = await Task.Run(
                () => JobTraining.Run(plan, record => Record(records.Writer, record), trace => records.Writer.TryWrite(new JobWrite(trace, IsTrace: true)), serializer, cancellation.Token),
                CancellationToken.None);
        }
        catch (Exception exception) when (exception is not OperationCanceledException)
        {
            crash = exception;
        }
        finally
        {
            records.Writer.TryComplete();
            await pump;
            await done.CancelAsync();
            await Task.WhenAll(observer, heartbeat);
        }

        if (lost.IsCancellationRequested)
        {
            LogLeaseLost(logger, id);
            return Ending.LeaseLost;
        }

        if (crash is TrainingDivergedException diverged)
        {
            await FailAsync(id, StatusCodes.Status422UnprocessableEntity, "Training diverged", diverged.Message);
        }
        else if (crash is not null)
        {
            // Requests are validated before they are queued, so this is a defect: the job reports it without internals,
            // and the worker goes on with the next job.
            LogCrashed(logger, crash, id);
            await FailAsync(id, StatusCodes.Status500InternalServerError, "Training failed", "The trainer stopped with an internal error; it is logged with the job id.");
        }
        else if (result!.StopReason != StopReason.Canceled)
        {
            // Finished first: a cancel asked for meanwhile came too late, and the job succeeds.
            var r = result;
            await FinishAsync(id, job => job.Finish(JobStatus.Succeeded, time.GetUtcNow(), result: r));
            LogSucceeded(logger, id, r.Epochs, r.Converged, r.StopReason, r.Errors, watch.Elapsed.TotalMilliseconds);
        }
        else if (requested.IsCancellationRequested)
        {
            var final = await FinishAsync(id, job => job.Finish(JobStatus.Canceled, time.GetUtcNow(), reason: job.StatusReason ?? JobService.CancelReason));
            LogCanceled(logger, id, final?.StatusReason ?? "deleted");
        }
        else if (stopping.IsCancellationRequested)
        {
            if (queue.IsShared)
            {
                return Ending.HandedBack;
            }

            await FinishAsync(id, job => job.Finish(JobStatus.Canceled, time.GetUtcNow(), reason: ShutdownReason));
            LogCanceled(logger, id, ShutdownReason);
        }
        else
        {
            await FailAsync(id, StatusCodes.Status422UnprocessableEntity, "Training took too long", $"The job trained for longer than {limits.MaxJobDuration.TotalSeconds:0.###} s (Training:MaxJobDuration) and was stopped after epoch {result.Epochs}. Use fewer samples or epochs.");
        }

        return Ending.Finished;
    }

    private void Record(ChannelWriter<JobWrite> records, JobRecord record)
    {
        if (record.Epoch > 0)
        {
            metrics.EpochTrained();
        }

        records.TryWrite(new JobWrite(record, IsTrace: false));
    }

    /// <summary>
    /// Stores the writes in order, as many as are ready in one call: a short job's epochs arrive faster than a round trip
    /// to a shared store, and one call per epoch would make the store, not the trainer, set the pace.
    /// </summary>
    private async Task PumpAsync(string id, ChannelReader<JobWrite> writes)
    {
        var batch = new List<JobWrite>(MaxWritesPerCall);
        while (await writes.WaitToReadAsync(CancellationToken.None))
        {
            var bytes = 0;
            while (batch.Count < MaxWritesPerCall && bytes < MaxBytesPerCall && writes.TryRead(out var write))
            {
                batch.Add(write);
                bytes += write.Item.Json.Length;
            }

            await PersistentlyAsync(() => _store.AppendAsync(id, batch, CancellationToken.None));
            batch.Clear();
        }
    }

    /// <summary>
    /// A store write retried while a shared store is briefly unreachable, for up to a lease: past that the job's lease
    /// has expired anyway and another worker re-runs it, writing only what is missing.
    /// </summary>
    private async Task<T> PersistentlyAsync<T>(Func<Task<T>> write)
    {
        var giveUp = time.GetUtcNow() + options.Value.LeaseDuration;
        var delay = TimeSpan.FromMilliseconds(50);
        while (true)
        {
            try
            {
                return await write();
            }
            catch (Exception exception) when (exception is not OperationCanceledException && time.GetUtcNow() < giveUp)
            {
                await Task.Delay(delay, CancellationToken.None);
                delay = TimeSpan.FromTicks(Math.Min(delay.Ticks * 2, TimeSpan.TicksPerSecond));
            }
        }
    }

    private async Task ObserveCancelAsync(string id, CancellationTokenSource requested, CancellationToken done)
    {
        // The job's end cancels the wait: not an exception to throw and catch for every job.
        var watch = _store.WhenCancelRequested(id, done);
        await watch.ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
        if (watch.IsFaulted)
        {
            await watch;
        }

        if (!done.IsCancellationRequested)
        {
            await requested.CancelAsync();
        }
    }

    /// <summary>Renews the lease at a third of its duration; when it was lost, another worker runs the job now.</summary>
    private async Task HeartbeatAsync(JobLease lease, CancellationTokenSource lost, CancellationToken done)
    {
        var duration = options.Value.LeaseDuration;
        using var timer = new PeriodicTimer(duration / 3, time);

        // The job's end disposes the timer, which ends the wait with false: most jobs end before their first beat, and
        // a canceled wait would throw for every one of them.
        await using var end = done.Register(timer.Dispose);
        try
        {
            while (await timer.WaitForNextTickAsync(CancellationToken.None))
            {
                if (!await queue.RenewAsync(lease, duration, done))
                {
                    await lost.CancelAsync();
                    return;
                }
            }
        }
        catch (OperationCanceledException) when (done.IsCancellationRequested)
        {
        }
    }

    /// <returns>The job as it ended; null when it had ended already or is gone.</returns>
    private async Task<JobSnapshot?> FinishAsync(string id, Func<JobSnapshot, JobSnapshot> finish)
    {
        var update = await PersistentlyAsync(() => _store.UpdateAsync(id, job => job.IsFinished ? null : finish(job), CancellationToken.None));
        if (update is not { Applied: true, Job: var job })
        {
            return null;
        }

        metrics.JobFinished(Models.ModelMapping.Name(job.Status), job is { StartedAt: { } started, FinishedAt: { } finished } ? finished - started : null);
        return job;
    }

    private async Task FailAsync(string id, int status, string title, string detail)
    {
        // Typed like every other problem of the service: the HTTP semantics of its status.
        var error = new ProblemDetails
        {
            Type = status == StatusCodes.Status500InternalServerError ? "https://tools.ietf.org/html/rfc9110#section-15.6.1" : "https://tools.ietf.org/html/rfc9110#section-15.5.21",
            Title = title,
            Status = status,
            Detail = detail,
            Instance = JobLinks.Job(id),
        };
        await FinishAsync(id, job => job.Finish(JobStatus.Failed, time.GetUtcNow(), error: error, reason: detail));
        LogFailed(logger, id, detail);
    }

    /// <summary>Finished jobs past their age leave the store even when no new job arrives; expired leases go back.</summary>
    private async Task SweepAsync(CancellationToken stopping)
    {
        var limits = options.Value;
        var period = TimeSpan.FromTicks(Math.Clamp(Math.Min(limits.MaxJobAge.Ticks / 4, limits.LeaseDuration.Ticks / 2), TimeSpan.TicksPerSecond / 10, TimeSpan.TicksPerMinute));
        using var timer = new PeriodicTimer(period, time);
        try
        {
            while (await timer.WaitForNextTickAsync(stopping))
            {
                try
                {
                    await _store.EvictExpiredAsync(stopping);
                    foreach (var id in await queue.ReclaimExpiredAsync(stopping))
                    {
                        await _store.UpdateAsync(id, job => job.IsFinished ? null : job with { Status = JobStatus.Queued }, stopping);
                        LogReclaimed(logger, id);
                    }
                }
                catch (Exception exception) when (exception is not OperationCanceledException)
                {
                    // A shared store unreachable for now: the next tick tries again.
                    LogSweepFailed(logger, exception.Message);
                }
            }
        }
        catch (OperationCanceledException) when (stopping.IsCancellationRequested)
        {
        }
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Training job {JobId} started (attempt {Attempt})")]
    private static partial void LogStarted(ILogger logger, string jobId, int attempt);

    [LoggerMessage(Level = LogLevel.Information, Message = "Training job {JobId} succeeded after {Epochs} epochs: converged {Converged} ({StopReason}), {Errors} errors, {ElapsedMs} ms")]
    private static partial void LogSucceeded(ILogger logger, string jobId, int epochs, bool converged, StopReason stopReason, int errors, double elapsedMs);

    [LoggerMessage(Level = LogLevel.Information, Message = "Training job {JobId} canceled: {Reason}")]
    private static partial void LogCanceled(ILogger logger, string jobId, string reason);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Training job {JobId} failed: {Reason}")]
    private static partial void LogFailed(ILogger logger, string jobId, string reason);

    [LoggerMessage(Level = LogLevel.Error, Message = "Training job {JobId} failed: its stored plan cannot be read ({Reason})")]
    private static partial void LogUnreadablePlan(ILogger logger, string jobId, string reason);

    [LoggerMessage(Level = LogLevel.Error, Message = "Training job {JobId} crashed")]
    private static partial void LogCrashed(ILogger logger, Exception exception, string jobId);

    [LoggerMessage(Level = LogLevel.Error, Message = "Training job {JobId} left for another worker: the job store failed")]
    private static partial void LogAbandoned(ILogger logger, Exception exception, string jobId);

    [LoggerMessage(Level = LogLevel.Information, Message = "Training job {JobId} handed back to the queue at shutdown")]
    private static partial void LogHandedBack(ILogger logger, string jobId);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Training job {JobId} lost its lease: another worker runs it")]
    private static partial void LogLeaseLost(ILogger logger, string jobId);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Taking a job from the queue failed: {Reason}")]
    private static partial void LogTakeFailed(ILogger logger, string reason);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Job sweep failed: {Reason}")]
    private static partial void LogSweepFailed(ILogger logger, string reason);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Training job {JobId} reclaimed: its worker's lease expired")]
    private static partial void LogReclaimed(ILogger logger, string jobId);
}
