using System.Threading.Channels;
using Microsoft.Extensions.Options;

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
/// Accepts jobs into the store and a bounded queue that the workers read. A full queue refuses at once rather than
/// holding the request: the client is told to retry.
/// </summary>
internal sealed partial class TrainingJobQueue(
    IJobStore store,
    IOptions<TrainingJobOptions> options,
    TimeProvider time,
    IHostApplicationLifetime lifetime,
    ILogger<TrainingJobQueue> logger)
{
    private readonly Channel<TrainingJob> _channel = Channel.CreateBounded<TrainingJob>(new BoundedChannelOptions(options.Value.MaxQueuedJobs)
    {
        FullMode = BoundedChannelFullMode.Wait,
        SingleReader = false,
        SingleWriter = false,
    });

    private long _sequence;

    public ChannelReader<TrainingJob> Reader => _channel.Reader;

    /// <summary>Whether new jobs are accepted: not once shutdown has begun.</summary>
    public bool Accepting => !lifetime.ApplicationStopping.IsCancellationRequested;

    public (TrainingJob? Job, SubmitRefusal Refusal) Submit(TrainingPlan plan)
    {
        if (!Accepting)
        {
            return (null, SubmitRefusal.ShuttingDown);
        }

        var job = new TrainingJob(Interlocked.Increment(ref _sequence), time.GetUtcNow(), plan.Parameters, plan.Data, plan.Options);
        if (!store.TryAdd(job))
        {
            return (null, SubmitRefusal.Full);
        }

        if (!_channel.Writer.TryWrite(job))
        {
            store.Remove(job.Id);
            return (null, SubmitRefusal.Full);
        }

        LogQueued(logger, job.Id, plan.Parameters.Algorithm, plan.Parameters.Samples, plan.Parameters.Features, plan.Parameters.MaxEpochs, plan.Parameters.Gate);
        return (job, SubmitRefusal.None);
    }

    /// <summary>No more jobs: the workers drain what is queued and stop.</summary>
    public void Complete() => _channel.Writer.TryComplete();

    [LoggerMessage(Level = LogLevel.Information, Message = "Training job {JobId} queued: {Algorithm} on {Samples} samples × {Features} features, up to {MaxEpochs} epochs (gate {Gate})")]
    private static partial void LogQueued(ILogger logger, string jobId, Core.Training.TrainingAlgorithm algorithm, int samples, int features, int maxEpochs, string? gate);
}
