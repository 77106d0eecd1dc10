using System.ComponentModel.DataAnnotations;

namespace PerceptronApi.Training.Redis;

/// <summary>
/// The shared store's settings (section <c>Redis</c>); it is used when <c>ConnectionStrings:Redis</c> is set (a
/// StackExchange.Redis configuration string such as <c>redis:6379</c>).
/// </summary>
internal sealed class RedisOptions
{
    public const string SectionName = "Redis";

    /// <summary>The start of every key, so several services can share one Redis (default <c>perceptron:</c>).</summary>
    [Required]
    [RegularExpression(@"^[A-Za-z0-9:_\-.]{1,64}$", ErrorMessage = "Redis:KeyPrefix must be 1 to 64 letters, digits or :_-.")]
    public string KeyPrefix { get; set; } = "perceptron:";

    /// <summary>How long one Redis call may take before the request gets a 503 (default 3 s).</summary>
    [Range(typeof(TimeSpan), "00:00:00.100", "00:01:00")]
    public TimeSpan OperationTimeout { get; set; } = TimeSpan.FromSeconds(3);

    /// <summary>
    /// How often a waiting reader or worker looks again even without a wake-up message (default 1 s): pub/sub
    /// messages are not kept, so one lost while a connection was re-established costs at most this long.
    /// </summary>
    [Range(typeof(TimeSpan), "00:00:00.050", "00:01:00")]
    public TimeSpan PollInterval { get; set; } = TimeSpan.FromSeconds(1);
}
