using System.ComponentModel.DataAnnotations;

namespace PerceptronApi.Training;

/// <summary>
/// The limits of training jobs (configuration section <c>Training</c>): what one job may ask for, and how many jobs the
/// service queues, runs and keeps. The README's configuration table lists them with these defaults.
/// </summary>
internal sealed class TrainingJobOptions : IValidatableObject
{
    public const string SectionName = "Training";

    /// <summary>The most samples (rows) in one job (default 100 000).</summary>
    [Range(1, 10_000_000)]
    public int MaxSamples { get; set; } = 100_000;

    /// <summary>
    /// The largest text/csv body of a new job, in bytes (default 16 MiB: 40 000 samples of 20 features with six decimals
    /// take 7.7 MB); it replaces Limits:MaxRequestBodyBytes for that body only.
    /// </summary>
    [Range(1024, 1L << 30)]
    public long MaxCsvBodyBytes { get; set; } = 16 << 20;

    /// <summary>The most features (columns) per sample (default 1 000).</summary>
    [Range(1, 100_000)]
    public int MaxFeatures { get; set; } = 1_000;

    /// <summary>The highest <c>maxEpochs</c> a job may ask for (default 10 000).</summary>
    [Range(1, 1_000_000)]
    public int MaxEpochs { get; set; } = 10_000;

    /// <summary>The most samples × features × maxEpochs of one job: its CPU budget (default 1 000 000 000).</summary>
    [Range(1, long.MaxValue)]
    public long MaxWork { get; set; } = 1_000_000_000;

    /// <summary>The most history records one job keeps: maxEpochs + 1 may not exceed it (default 10 001).</summary>
    [Range(2, 10_000_001)]
    public int MaxHistoryRecords { get; set; } = 10_001;

    /// <summary>The most numbers one job's history holds, (maxEpochs + 1) × (features + 1): its memory budget (default 2 000 000).</summary>
    [Range(2, long.MaxValue)]
    public long MaxHistoryValues { get; set; } = 2_000_000;

    /// <summary>The most sample steps a traced job (<c>"trace": true</c>) keeps, samples × maxEpochs (default 100 000).</summary>
    [Range(1, 100_000_000)]
    public int MaxTraceSteps { get; set; } = 100_000;

    /// <summary>
    /// The longest a job may train (default 10 minutes); past it the job fails with a problem naming this limit.
    /// <see cref="MaxWork"/> counts one pass over the samples per epoch; the pocket algorithm judges every sample after
    /// each update and can cost up to samples times more, which this bounds.
    /// </summary>
    [Range(typeof(TimeSpan), "00:00:00.100", "7.00:00:00")]
    public TimeSpan MaxJobDuration { get; set; } = TimeSpan.FromMinutes(10);

    /// <summary>Jobs waiting for a worker; when the queue is full a new job gets 503 (default 64).</summary>
    [Range(1, 100_000)]
    public int MaxQueuedJobs { get; set; } = 64;

    /// <summary>Jobs that run at once, one per worker (default: the processor count); 0 with Redis: an API-only replica.</summary>
    [Range(0, 1_024)]
    public int Workers { get; set; } = Environment.ProcessorCount;

    /// <summary>Jobs kept in memory, finished ones included; the oldest finished job is evicted first (default 1 000).</summary>
    [Range(1, 1_000_000)]
    public int MaxRetainedJobs { get; set; } = 1_000;

    /// <summary>How long a finished job is kept (default 1 hour).</summary>
    [Range(typeof(TimeSpan), "00:00:01", "365.00:00:00")]
    public TimeSpan MaxJobAge { get; set; } = TimeSpan.FromHours(1);

    /// <summary>The longest <c>Prefer: wait=N</c> honoured, in seconds; a larger N is cut to it (default 30).</summary>
    [Range(0, 3_600)]
    public int MaxWaitSeconds { get; set; } = 30;

    /// <summary>The largest page of <c>GET .../history</c> and of the job list (default 1 000).</summary>
    [Range(1, 100_000)]
    public int MaxPageSize { get; set; } = 1_000;

    /// <summary>The <c>Retry-After</c> sent with 202 and with 503, in seconds (default 1).</summary>
    [Range(1, 3_600)]
    public int RetryAfterSeconds { get; set; } = 1;

    /// <summary>The longest silence on an event stream before a comment line is sent (default 15 s).</summary>
    [Range(typeof(TimeSpan), "00:00:00.010", "00:15:00")]
    public TimeSpan HeartbeatInterval { get; set; } = TimeSpan.FromSeconds(15);

    /// <summary>
    /// How long a running job's claim lasts unless its worker renews it (a third of the way through, default 30 s).
    /// A worker that dies loses its jobs to other workers after at most this long.
    /// </summary>
    [Range(typeof(TimeSpan), "00:00:00.300", "01:00:00")]
    public TimeSpan LeaseDuration { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>How long <c>POST …/cancel</c> waits for a running job to stop before it answers (default 2 s).</summary>
    [Range(typeof(TimeSpan), "00:00:00", "00:01:00")]
    public TimeSpan CancelWait { get; set; } = TimeSpan.FromSeconds(2);

    public IEnumerable<ValidationResult> Validate(ValidationContext validationContext)
    {
        if (MaxRetainedJobs < MaxQueuedJobs + Workers)
        {
            yield return new ValidationResult(
                $"Training:MaxRetainedJobs ({MaxRetainedJobs}) must be at least Training:MaxQueuedJobs + Training:Workers ({MaxQueuedJobs + Workers}), so every queued and running job can be kept.",
                [nameof(MaxRetainedJobs)]);
        }
    }
}
