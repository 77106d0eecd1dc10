using PerceptronApi.Infrastructure;
using PerceptronApi.Training.Jobs;

namespace PerceptronApi.Training;

/// <summary>
/// Reads how many jobs are queued and running from the store (so, with a shared store, across every replica) every
/// <see cref="PerceptronMetrics.JobCountInterval"/>, for the <c>perceptron_jobs_queued</c> and
/// <c>perceptron_jobs_running</c> gauges, and has the store measure the bytes jobs hold for
/// <c>perceptron_jobs_retained_bytes</c>.
/// </summary>
internal sealed partial class JobCountRefresher(IJobStore store, IJobQueue queue, PerceptronMetrics metrics, TimeProvider time, ILogger<JobCountRefresher> logger) : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(PerceptronMetrics.JobCountInterval, time);
        try
        {
            do
            {
                try
                {
                    var queued = await queue.CountAsync(stoppingToken);
                    // The leases, not a read of every kept job: with a shared store that would be thousands of reads per tick.
                    var running = await queue.CountLeasedAsync(stoppingToken);
                    metrics.JobCounts(queued, running);
                    await store.MeasureRetainedBytesAsync(stoppingToken);
                }
                catch (Exception exception) when (exception is not OperationCanceledException)
                {
                    // A shared store briefly unreachable: the gauges keep their last values.
                    LogRefreshFailed(logger, exception.Message);
                }
            }
            while (await timer.WaitForNextTickAsync(stoppingToken));
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
        }
    }

    [LoggerMessage(Level = LogLevel.Debug, Message = "Job counts for the metrics not read: {Reason}")]
    private static partial void LogRefreshFailed(ILogger logger, string reason);
}
