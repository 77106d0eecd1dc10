namespace PerceptronApi.Tests.Infrastructure;

/// <summary>
/// Tests that read /metrics run on their own, after the parallel tests: every host of this test process exports the
/// meters of every other live host by name, so another host's instruments could stand in for this one's.
/// </summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class MetricsReaders
{
    public const string Name = "Metrics read from /metrics";
}
