using Microsoft.Extensions.Diagnostics.HealthChecks;
using PerceptronApi.Infrastructure;

namespace PerceptronApi.Training;

/// <summary>The training-jobs feature's services: options, the in-memory store, the queue and the worker pool.</summary>
internal static class TrainingSetup
{
    public static IServiceCollection AddTrainingJobs(this IServiceCollection services)
    {
        services.AddOptions<TrainingJobOptions>()
            .BindConfiguration(TrainingJobOptions.SectionName)
            .ValidateDataAnnotations()
            .ValidateOnStart();
        services.AddSingleton<IJobStore, InMemoryJobStore>();
        services.AddSingleton<TrainingJobQueue>();
        services.AddHostedService<TrainingWorker>();
        services.AddHealthChecks().AddCheck<JobQueueHealthCheck>("training-queue", tags: [HealthSetup.ReadyTag]);
        return services;
    }
}

/// <summary>Ready while the queue takes jobs.</summary>
internal sealed class JobQueueHealthCheck(TrainingJobQueue queue) : IHealthCheck
{
    public Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default) =>
        Task.FromResult(queue.Accepting ? HealthCheckResult.Healthy() : HealthCheckResult.Unhealthy("The training queue takes no new jobs."));
}
