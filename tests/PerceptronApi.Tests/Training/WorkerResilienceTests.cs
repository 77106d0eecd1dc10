using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using PerceptronApi.Training.Jobs;

namespace PerceptronApi.Tests.Training;

/// <summary>A worker outlives a queue that fails while it waits for a job (a shared store timing out, for one).</summary>
public class WorkerResilienceTests
{
    [Fact]
    public async Task AQueueThatTimesOutWhileTaking_DoesNotEndTheWorker_TheNextJobStillRuns()
    {
        await using var factory = new TrainingFactoryWith(new() { ["Training:Workers"] = "1" });
        var failing = new FailingTakes(failures: 2);
        using var withFailures = factory.WithWebHostBuilder(builder => builder.ConfigureServices(services =>
        {
            services.RemoveAll<IJobQueue>();
            services.AddSingleton<IJobQueue>(provider => failing.Over(ActivatorUtilities.CreateInstance<InMemoryJobQueue>(provider)));
        }));
        var client = withFailures.CreateClient();

        var job = await client.StartAndWaitAsync("""{ "gate": "NOR" }""");

        Assert.Equal("succeeded", job["status"]!.GetValue<string>());
        Assert.True(failing.Takes > 2, $"{failing.Takes} takes"); // the two that threw, then the one that took the job
    }

    /// <summary>The first <c>failures</c> takes throw what a store's client throws on a timeout; the rest go to the real queue.</summary>
    private sealed class FailingTakes(int failures)
    {
        private readonly int _failures = failures;
        private int _takes;

        public int Takes => Volatile.Read(ref _takes);

        public IJobQueue Over(IJobQueue queue) => new Queue(this, queue);

        private sealed class Queue(FailingTakes owner, IJobQueue inner) : IJobQueue
        {
            public bool IsShared => inner.IsShared;

            public Task<bool> TryEnqueueAsync(string jobId, int limit, CancellationToken cancellationToken) => inner.TryEnqueueAsync(jobId, limit, cancellationToken);

            public Task<JobLease> TakeAsync(TimeSpan leaseDuration, CancellationToken cancellationToken) =>
                Interlocked.Increment(ref owner._takes) <= owner._failures
                    ? throw new TimeoutException("Timeout awaiting response")
                    : inner.TakeAsync(leaseDuration, cancellationToken);

            public Task<bool> RenewAsync(JobLease lease, TimeSpan leaseDuration, CancellationToken cancellationToken) => inner.RenewAsync(lease, leaseDuration, cancellationToken);

            public Task CompleteAsync(JobLease lease, CancellationToken cancellationToken) => inner.CompleteAsync(lease, cancellationToken);

            public Task HandBackAsync(JobLease lease, CancellationToken cancellationToken) => inner.HandBackAsync(lease, cancellationToken);

            public Task<IReadOnlyList<string>> ReclaimExpiredAsync(CancellationToken cancellationToken) => inner.ReclaimExpiredAsync(cancellationToken);

            public Task<bool> RemoveAsync(string jobId, CancellationToken cancellationToken) => inner.RemoveAsync(jobId, cancellationToken);

            public Task<int> CountAsync(CancellationToken cancellationToken) => inner.CountAsync(cancellationToken);

            public Task<int> CountLeasedAsync(CancellationToken cancellationToken) => inner.CountLeasedAsync(cancellationToken);
        }
    }
}
