using System.Threading.Channels;
using Microsoft.Extensions.Options;
using PerceptronApi.Models;

namespace PerceptronApi.Training;

/// <summary>Why a job was not accepted.</summary>
internal enum SubmitRefusal
{
    /// <summary>Accepted.</summary>
    None,

    /// <summary>The queue (or the store of kept jobs) is full.</summary>
    Full,

    /// <summary>The service is shutting down.</summary>
    ShuttingDown,
}

/// <summary>
/// Accepts jobs into the store and the queue the workers read, and cancels them. The queue's bound is a count of the
/// jobs that wait, not the channel's capacity: a job canceled or deleted while it waits gives its slot back at once,
/// though its entry stays in the channel until a worker skips it. A full queue refuses at once rather than holding the
/// request: the client is told to retry.
/// </summary>
internal sealed partial class TrainingJobQueue(
    IJobStore store,
    IOptions<TrainingJobOptions> options,
    TimeProvider time,
    IHostApplicationLifetime lifetime,
    ILogger<TrainingJobQueue> logger)
{
    private readonly Channel<TrainingJob> _channel = Channel.CreateUnbounded<TrainingJob>(new UnboundedChannelOptions
    {
        SingleReader = false,
        SingleWriter = false,
    });

    private long _sequence;
    private int _waiting;

    /// <summary>The jobs in the order they were accepted; each must be claimed with <see cref="TryTake"/>.</summary>
    public ChannelReader<TrainingJob> Reader => _channel.Reader;

    /// <summary>Whether new jobs are accepted: not once shutdown has begun.</summary>
    public bool Accepting => !lifetime.ApplicationStopping.IsCancellationRequested;

    /// <summary>How many jobs wait for a worker.</summary>
    public int Waiting => Volatile.Read(ref _waiting);

    public (TrainingJob? Job, SubmitRefusal Refusal) Submit(TrainingPlan plan)
    {
        if (!Accepting)
        {
            return (null, SubmitRefusal.ShuttingDown);
        }

        if (Interlocked.Increment(ref _waiting) > options.Value.MaxQueuedJobs)
        {
            Interlocked.Decrement(ref _waiting);
            return (null, SubmitRefusal.Full);
        }

        var job = new TrainingJob(Interlocked.Increment(ref _sequence), time.GetUtcNow(), plan.Parameters, plan.Data, plan.Options);
        if (!store.TryAdd(job))
        {
            Interlocked.Decrement(ref _waiting);
            return (null, SubmitRefusal.Full);
        }

        var p = plan.Parameters;
        var algorithm = ModelMapping.Name(p.Algorithm);
        LogQueued(logger, job.Id, algorithm, p.Samples, p.Features, p.MaxEpochs, p.Gate ?? "none");
        if (!_channel.Writer.TryWrite(job))
        {
            // Shutdown completed the channel between the check above and now.
            Cancel(job, "The service is shutting down.");
            return (null, SubmitRefusal.ShuttingDown);
        }

        return (job, SubmitRefusal.None);
    }

    /// <summary>A worker claims a job it read: false when the job was canceled while it waited.</summary>
    public bool TryTake(TrainingJob job)
    {
        Release(job);
        return job.TryStart(time.GetUtcNow());
    }

    /// <summary>Cancels a job: at once while it waits, else when its trainer next checks.</summary>
    /// <returns>The status it had, or null when it had already finished.</returns>
    public JobStatus? Cancel(TrainingJob job, string reason)
    {
        var status = job.RequestCancel(reason, time.GetUtcNow());
        if (status == JobStatus.Queued)
        {
            Release(job);
            LogCanceled(logger, job.Id, reason);
        }

        return status;
    }

    /// <summary>No more jobs: the workers drain the channel and stop.</summary>
    public void Complete() => _channel.Writer.TryComplete();

    private void Release(TrainingJob job)
    {
        if (job.TryLeaveQueue())
        {
            Interlocked.Decrement(ref _waiting);
        }
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Training job {JobId} queued: {Algorithm} on {Samples} samples × {Features} features, up to {MaxEpochs} epochs (gate {Gate})")]
    private static partial void LogQueued(ILogger logger, string jobId, string algorithm, int samples, int features, int maxEpochs, string gate);

    [LoggerMessage(Level = LogLevel.Information, Message = "Training job {JobId} canceled before it started: {Reason}")]
    private static partial void LogCanceled(ILogger logger, string jobId, string reason);
}
