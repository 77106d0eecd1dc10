using System.ComponentModel.DataAnnotations;

namespace PerceptronApi.Infrastructure;

/// <summary>
/// What the HTTP server itself may hold open (configuration section <c>Server</c>). The README's configuration table
/// lists them with these defaults.
/// </summary>
internal sealed class ServerOptions : IValidatableObject
{
    /// <summary>The configuration section.</summary>
    public const string SectionName = "Server";

    /// <summary>
    /// Descriptors kept free beside the connections: the listening socket, log output, the runtime's own files and
    /// the connections Kestrel accepts only to close them once the limit is reached.
    /// </summary>
    public const int ReservedDescriptors = 64;

    /// <summary>
    /// The most open connections (default 500), event streams included. Kestrel closes a connection accepted above it
    /// at once, so running out of file descriptors (1024 by default on many systems) cannot stop the accept loop.
    /// </summary>
    [Range(1, 1_000_000)]
    public int MaxConcurrentConnections { get; set; } = 500;

    /// <summary>The most connections upgraded to another protocol (default 100); they also count toward the limit above.</summary>
    [Range(0, 1_000_000)]
    public int MaxConcurrentUpgradedConnections { get; set; } = 100;

    /// <summary>
    /// The most connections one client address may hold open (default 100; 0 = no limit), an IPv6 client counted by
    /// its /64 network; more are closed at once. It counts the direct peer: behind a proxy every connection comes from
    /// the proxy, so there set it to 0 or to at least what the proxy opens. At or above MaxConcurrentConnections it
    /// changes nothing.
    /// </summary>
    [Range(0, 1_000_000)]
    public int MaxConnectionsPerClient { get; set; } = 100;

    public IEnumerable<ValidationResult> Validate(ValidationContext validationContext)
    {
        if (MaxConcurrentUpgradedConnections > MaxConcurrentConnections)
        {
            yield return new ValidationResult(
                $"MaxConcurrentUpgradedConnections ({MaxConcurrentUpgradedConnections}) may not exceed MaxConcurrentConnections ({MaxConcurrentConnections}).",
                [nameof(MaxConcurrentUpgradedConnections)]);
        }

        if (DescriptorProblem(MaxConcurrentConnections, DescriptorLimit.SoftLimit()) is { } problem)
        {
            yield return new ValidationResult(problem, [nameof(MaxConcurrentConnections)]);
        }
    }

    /// <summary>Why <paramref name="connections"/> do not fit in the process's <paramref name="descriptors"/>, or null when they do.</summary>
    public static string? DescriptorProblem(int connections, long? descriptors) =>
        descriptors is { } limit && connections > limit - ReservedDescriptors
            ? $"MaxConcurrentConnections ({connections}) must leave {ReservedDescriptors} of the process's {limit} file descriptors free (ulimit -n): at most {Math.Max(0, limit - ReservedDescriptors)}."
            : null;
}
