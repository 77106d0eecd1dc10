using System.Diagnostics;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Extensions.Options;
using PerceptronApi.Core.Training;

namespace PerceptronApi.Training;

/// <summary>
/// The worker pool: <see cref="TrainingJobOptions.Workers"/> loops take jobs from the queue and train them, appending
/// each epoch record to the job as the trainer produces it. When the host begins to stop, the queue closes and every
/// queued and running job is canceled with the reason, so each ends in a final status and its event streams send their
/// final event before the server drains its requests.
/// </summary>
internal sealed partial class TrainingWorker(
    TrainingJobQueue queue,
    IJobStore store,
    IOptions<TrainingJobOptions> options,
    TimeProvider time,
    IHostApplicationLifetime lifetime,
    ILogger<TrainingWorker> logger) : BackgroundService
{
    private const string ShutdownReason = "The service shut down before the job finished.";

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var stopping = lifetime.ApplicationStopping.Register(CancelEverything);
        var workers = Enumerable.Range(0, options.Value.Workers)
            .Select(_ => Task.Run(() => WorkAsync(stoppingToken), CancellationToken.None))
            .Append(SweepAsync(stoppingToken));
        await Task.WhenAll(workers);
    }

    private void CancelEverything()
    {
        queue.Complete();
        foreach (var job in store.Active())
        {
            queue.Cancel(job, ShutdownReason);
        }
    }

    private async Task WorkAsync(CancellationToken stoppingToken)
    {
        try
        {
            await foreach (var job in queue.Reader.ReadAllAsync(stoppingToken))
            {
                if (queue.TryTake(job))
                {
                    Run(job, stoppingToken);
                }
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
            // Shutdown: the jobs left in the queue were canceled by CancelEverything.
        }
    }

    private void Run(TrainingJob job, CancellationToken stoppingToken)
    {
        var data = job.Data!;
        var limits = options.Value;
        LogStarted(logger, job.Id);
        var watch = Stopwatch.StartNew();
        using var deadline = new CancellationTokenSource(limits.MaxJobDuration, time);
        using var cancellation = CancellationTokenSource.CreateLinkedTokenSource(job.CancellationToken, stoppingToken, deadline.Token);
        try
        {
            var result = Trainer.Train(data, job.Options, job.Append, cancellation.Token);
            if (result.StopReason != StopReason.Canceled)
            {
                job.Succeed(result, time.GetUtcNow());
                LogSucceeded(logger, job.Id, result.Epochs, result.Converged, result.StopReason, result.Errors, watch.Elapsed.TotalMilliseconds);
            }
            else if (deadline.IsCancellationRequested && !job.CancellationToken.IsCancellationRequested)
            {
                Fail(job, StatusCodes.Status422UnprocessableEntity, "Training took too long", $"The job trained for longer than {limits.MaxJobDuration.TotalSeconds:0.###} s (Training:MaxJobDuration) and was stopped after epoch {result.Epochs}. Use fewer samples or epochs.");
            }
            else
            {
                job.Cancel(time.GetUtcNow(), stoppingToken.IsCancellationRequested ? ShutdownReason : "Canceled by request.");
                var reason = job.Observe(includeHistory: false).StatusReason ?? "";
                LogCanceled(logger, job.Id, reason);
            }
        }
        catch (TrainingDivergedException diverged)
        {
            Fail(job, StatusCodes.Status422UnprocessableEntity, "Training diverged", diverged.Message);
        }
        catch (Exception exception) when (exception is not OperationCanceledException)
        {
            // Requests are validated before they are queued, so this is a defect: the job reports it without internals,
            // and the worker goes on with the next job.
            LogCrashed(logger, exception, job.Id);
            Fail(job, StatusCodes.Status500InternalServerError, "Training failed", "The trainer stopped with an internal error; it is logged with the job id.");
        }
    }

    private void Fail(TrainingJob job, int status, string title, string detail)
    {
        job.Fail(new ProblemDetails { Type = "about:blank", Title = title, Status = status, Detail = detail }, time.GetUtcNow());
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
