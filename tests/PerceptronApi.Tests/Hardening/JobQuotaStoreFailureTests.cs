using System.Net;
using Microsoft.AspNetCore.Diagnostics;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using PerceptronApi.Tests.Infrastructure;
using PerceptronApi.Tests.Training;
using PerceptronApi.Training;
using PerceptronApi.Training.Jobs;
using PerceptronApi.Training.Redis;

namespace PerceptronApi.Tests.Hardening;

/// <summary>A store that fails while a client's earlier jobs are counted does not leave that client waiting for ever.</summary>
public class JobQuotaStoreFailureTests
{
    [Fact]
    public async Task AStoreTimeoutWhileCountingAClientsJobs_Is503_AndTheClientsNextJobIsStillAccepted()
    {
        await using var factory = new PerceptronApiFactory(new() { ["Training:Workers"] = "1" });
        var store = new FailingReads();
        using var failing = factory.WithWebHostBuilder(builder => builder.ConfigureServices(services =>
        {
            services.RemoveAll<IJobStore>();
            services.AddSingleton<InMemoryJobStore>();
            services.AddSingleton<IJobStore>(provider => store.Over(provider.GetRequiredService<InMemoryJobStore>()));
            // As with Redis: a store's timeout is a 503.
            services.Insert(0, ServiceDescriptor.Singleton<IExceptionHandler, StoreUnavailableExceptionHandler>());
        }));
        var client = failing.CreateClient();
        client.Timeout = TimeSpan.FromSeconds(15);
        await client.StartAsync("""{ "gate": "NOR" }""");

        // The client's first job is looked up before its second is admitted: that read times out.
        store.Failing = true;
        var refused = await client.PostJsonTextAsync(TrainingJobClient.Route, """{ "gate": "NOR" }""");
        store.Failing = false;

        var problem = await refused.AssertProblemAsync(HttpStatusCode.ServiceUnavailable);
        Assert.Equal("Job store unavailable", problem["title"]!.GetValue<string>());
        // Answered by the store's own exception handler: the security headers the handling cleared are back.
        Assert.Equal(["nosniff"], refused.Headers.GetValues("X-Content-Type-Options"));
        Assert.Equal(["DENY"], refused.Headers.GetValues("X-Frame-Options"));
        Assert.Equal(["no-referrer"], refused.Headers.GetValues("Referrer-Policy"));
        Assert.Equal(HttpStatusCode.Accepted, (await client.PostJsonTextAsync(TrainingJobClient.Route, """{ "gate": "NOR" }""")).StatusCode);
    }

    /// <summary>While <see cref="Failing"/>, every read throws what a store's client throws on a timeout.</summary>
    private sealed class FailingReads
    {
        public volatile bool Failing;

        public IJobStore Over(IJobStore store) => new Store(this, store);

        private sealed class Store(FailingReads owner, IJobStore inner) : IJobStore
        {
            public Task<CreateRefusal> CreateAsync(JobSnapshot job, TrainingPlan plan, CancellationToken cancellationToken) => inner.CreateAsync(job, plan, cancellationToken);

            public Task<JobRead?> ReadAsync(string id, int from, int max, CancellationToken cancellationToken) =>
                owner.Failing ? throw new TimeoutException("Timeout awaiting response") : inner.ReadAsync(id, from, max, cancellationToken);

            public Task<IReadOnlyList<JobRead>> ListAsync(JobStatus? status, JobOwner owner, long? before, int limit, CancellationToken cancellationToken) => inner.ListAsync(status, owner, before, limit, cancellationToken);

            public Task<JobUpdate?> UpdateAsync(string id, Func<JobSnapshot, JobSnapshot?> change, CancellationToken cancellationToken) => inner.UpdateAsync(id, change, cancellationToken);

            public Task<TrainingPlan?> ReadPlanAsync(string id, CancellationToken cancellationToken) => inner.ReadPlanAsync(id, cancellationToken);

            public Task<bool> AppendRecordAsync(string id, JobRecord record, CancellationToken cancellationToken) => inner.AppendRecordAsync(id, record, cancellationToken);

            public Task<bool> AppendTraceAsync(string id, JobRecord trace, CancellationToken cancellationToken) => inner.AppendTraceAsync(id, trace, cancellationToken);

            public Task<bool> AppendAsync(string id, IReadOnlyList<JobWrite> writes, CancellationToken cancellationToken) => inner.AppendAsync(id, writes, cancellationToken);

            public Task<JobRecord?> ReadTraceAsync(string id, int epoch, CancellationToken cancellationToken) => inner.ReadTraceAsync(id, epoch, cancellationToken);

            public Task WhenChanged(string id) => inner.WhenChanged(id);

            public Task WhenFinished(string id) => inner.WhenFinished(id);

            public Task WhenCancelRequested(string id, CancellationToken cancellationToken) => inner.WhenCancelRequested(id, cancellationToken);

            public Task<bool> DeleteAsync(string id, CancellationToken cancellationToken) => inner.DeleteAsync(id, cancellationToken);

            public Task<int> EvictExpiredAsync(CancellationToken cancellationToken) => inner.EvictExpiredAsync(cancellationToken);

            public Task<long> MeasureRetainedBytesAsync(CancellationToken cancellationToken) => inner.MeasureRetainedBytesAsync(cancellationToken);
        }
    }
}
