using Microsoft.AspNetCore.Diagnostics;
using Microsoft.Extensions.Options;
using PerceptronApi.Infrastructure;
using PerceptronApi.Training.Jobs;
using PerceptronApi.Training.Redis;

namespace PerceptronApi.Training;

/// <summary>
/// The training-jobs feature's services: options, the job store and queue (in memory, or in Redis when
/// <c>ConnectionStrings:Redis</c> is set), the job service and the worker pool.
/// </summary>
internal static class TrainingSetup
{
    public static IServiceCollection AddTrainingJobs(this IServiceCollection services, IConfiguration configuration)
    {
        var redis = configuration.GetConnectionString("Redis");
        var shared = !string.IsNullOrWhiteSpace(redis);
        services.AddOptions<TrainingJobOptions>()
            .BindConfiguration(TrainingJobOptions.SectionName)
            .ValidateDataAnnotations()
            .Validate(o => shared || o.Workers > 0, "Training:Workers may be 0 only with ConnectionStrings:Redis (an API-only replica); in memory no one else would run the jobs.")
            .ValidateOnStart();
        services.AddOptions<JobQuotaOptions>()
            .BindConfiguration(JobQuotaOptions.SectionName)
            .ValidateDataAnnotations()
            .ValidateOnStart();
        services.AddSingleton<JobMemory>();
        services.AddSingleton<ClientJobQuota>();
        services.AddSingleton<EventStreamLimits>();
        services.AddSingleton<JobService>();
        services.AddHostedService<TrainingWorker>();
        services.AddHostedService<JobCountRefresher>();
        if (!shared)
        {
            services.AddSingleton<IJobStore, InMemoryJobStore>();
            services.AddSingleton<IJobQueue, InMemoryJobQueue>();
            return services;
        }

        services.AddOptions<RedisOptions>()
            .BindConfiguration(RedisOptions.SectionName)
            .ValidateDataAnnotations()
            .ValidateOnStart();
        services.AddSingleton(provider => new RedisConnection(redis!, provider.GetRequiredService<IOptions<RedisOptions>>()));
        services.AddSingleton<IJobStore, RedisJobStore>();
        services.AddSingleton<IJobQueue, RedisJobQueue>();
        services.AddHealthChecks().AddCheck<RedisHealthCheck>("redis", tags: [HealthSetup.ReadyTag]);

        // Ahead of the handler that answers every other exception with a 500.
        services.Insert(0, ServiceDescriptor.Singleton<IExceptionHandler, StoreUnavailableExceptionHandler>());
        return services;
    }
}
