using System.ComponentModel.DataAnnotations;

namespace PerceptronApi.Training;

/// <summary>
/// What all jobs together, and one client, may hold (configuration section <c>Training</c>, beside
/// <see cref="TrainingJobOptions"/>): the memory kept for jobs, active jobs per client, and event streams. The README's
/// configuration table lists them with these defaults.
/// </summary>
internal sealed class JobQuotaOptions
{
    /// <summary>The configuration section (shared with <see cref="TrainingJobOptions"/>).</summary>
    public const string SectionName = TrainingJobOptions.SectionName;

    /// <summary>
    /// The most bytes kept for jobs, all together (default 256 MiB): the data of queued and running jobs, and their
    /// histories (a running job counts its largest possible history). A job that does not fit after the oldest finished
    /// jobs are evicted is refused with 503.
    /// </summary>
    [Range(1L << 20, 1L << 40)]
    public long MaxRetainedBytes { get; set; } = 256L << 20;

    /// <summary>The most queued and running jobs of one client (default 16); more are refused with 429.</summary>
    [Range(1, 100_000)]
    public int MaxActiveJobsPerClient { get; set; } = 16;

    /// <summary>The most event streams open on one job (default 50); more are refused with 429.</summary>
    [Range(1, 100_000)]
    public int MaxStreamsPerJob { get; set; } = 50;

    /// <summary>The most event streams one client has open (default 20); more are refused with 429.</summary>
    [Range(1, 100_000)]
    public int MaxStreamsPerClient { get; set; } = 20;

    /// <summary>
    /// The longest one event may take to reach a client (default 30 s): a stream whose reader stopped reading is closed
    /// once the connection's buffers are full for this long.
    /// </summary>
    [Range(typeof(TimeSpan), "00:00:00.100", "01:00:00")]
    public TimeSpan EventWriteTimeout { get; set; } = TimeSpan.FromSeconds(30);
}
