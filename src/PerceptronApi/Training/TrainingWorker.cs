using System.Diagnostics;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Extensions.Options;
using PerceptronApi.Core.Training;

namespace PerceptronApi.Training;

/// <summary>
/// The worker pool: <see cref="TrainingJobOptions.Workers"/> loops take jobs from the queue and train them, appending
/// each epoch record to the job as the trainer produces it. On shutdown every running job is canceled and every
/// queued one ends canceled too, so no job is left without a final status.
/// </summary>
internal sealed partial class TrainingWorker(
    TrainingJobQueue queue,
    IJobStore store,
    IOptions<TrainingJobOptions> options,
    TimeProvider time,
    ILogger<TrainingWorker> logger) : BackgroundService
{
    private const string ShutdownReason = "The service shut down before the job finished.";

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var workers = Enumerable.Range(0, options.Value.Workers)
            .Select(_ => Task.Run(() => WorkAsync(stoppingToken), CancellationToken.None))
            .Append(SweepAsync(stoppingToken));
        await Task.WhenAll(workers);
    }

    public override async Task StopAsync(CancellationToken cancellationToken)
    {
        queue.Complete();
        await base.StopAsync(cancellationToken);

        // Whatever is still queued or (after a timed-out stop) running ends canceled, with the reason.
        foreach (var job in store.Active())
        {
            if (job.RequestCancel(ShutdownReason, time.GetUtcNow()))
            {
                LogCanceled(logger, job.Id, ShutdownReason);
            }
        }
    }

    private async Task WorkAsync(CancellationToken stoppingToken)
    {
        try
        {
            await foreach (var job in queue.Reader.ReadAllAsync(stoppingToken))
            {
                Run(job, stoppingToken);
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
            // Shutdown: StopAsync settles the jobs left in the queue.
        }
    }

    private void Run(TrainingJob job, CancellationToken stoppingToken)
    {
        if (job.Data is not { } data || !job.TryStart(time.GetUtcNow()))
        {
            return; // canceled while it waited
        }

        LogStarted(logger, job.Id);
        var watch = Stopwatch.StartNew();
        using var cancellation = CancellationTokenSource.CreateLinkedTokenSource(job.CancellationToken, stoppingToken);
        try
        {
            var result = Trainer.Train(data, job.Options, job.Append, cancellation.Token);
            if (result.StopReason == StopReason.Canceled)
            {
                var reason = stoppingToken.IsCancellationRequested ? ShutdownReason : "Canceled by request.";
                job.Cancel(time.GetUtcNow(), reason);
                LogCanceled(logger, job.Id, job.StatusReason ?? reason);
                return;
            }

            job.Succeed(result, time.GetUtcNow());
            LogSucceeded(logger, job.Id, result.Epochs, result.Converged, result.StopReason, result.Errors, watch.Elapsed.TotalMilliseconds);
        }
        catch (TrainingDivergedException diverged)
        {
            Fail(job, "Training diverged", diverged.Message);
        }
        catch (Exception exception) when (exception is ArgumentException or InvalidOperationException)
        {
            // Requests are validated before they are queued; reaching here is a defect, reported without internals.
            LogCrashed(logger, exception, job.Id);
            Fail(job, "Training failed", "The trainer stopped with an internal error; the error is logged with the job id.");
        }
    }

    private void Fail(TrainingJob job, string title, string detail)
    {
        job.Fail(new ProblemDetails { Type = "about:blank", Title = title, Status = StatusCodes.Status422UnprocessableEntity, Detail = detail }, time.GetUtcNow());
        LogFailed(logger, job.Id, detail);
    }

    /// <summary>Finished jobs past their age leave memory even when no new job arrives to trigger eviction.</summary>
    private async Task SweepAsync(CancellationToken stoppingToken)
    {
        var period = TimeSpan.FromTicks(Math.Clamp(options.Value.MaxJobAge.Ticks / 4, TimeSpan.TicksPerSecond, TimeSpan.TicksPerMinute));
        using var timer = new PeriodicTimer(period, time);
        try
        {
            while (await timer.WaitForNextTickAsync(stoppingToken))
            {
                store.EvictExpired();
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
        }
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Training job {JobId} started")]
    private static partial void LogStarted(ILogger logger, string jobId);

    [LoggerMessage(Level = LogLevel.Information, Message = "Training job {JobId} succeeded after {Epochs} epochs: converged {Converged} ({StopReason}), {Errors} errors, {ElapsedMs} ms")]
    private static partial void LogSucceeded(ILogger logger, string jobId, int epochs, bool converged, StopReason stopReason, int errors, double elapsedMs);

    [LoggerMessage(Level = LogLevel.Information, Message = "Training job {JobId} canceled: {Reason}")]
    private static partial void LogCanceled(ILogger logger, string jobId, string reason);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Training job {JobId} failed: {Reason}")]
    private static partial void LogFailed(ILogger logger, string jobId, string reason);

    [LoggerMessage(Level = LogLevel.Error, Message = "Training job {JobId} crashed")]
    private static partial void LogCrashed(ILogger logger, Exception exception, string jobId);
}
