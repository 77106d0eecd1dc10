using PerceptronApi.Training.Jobs;

namespace PerceptronApi.Training;

/// <summary>The training-jobs feature's services: options, the job store and queue, the job service and the worker pool.</summary>
internal static class TrainingSetup
{
    public static IServiceCollection AddTrainingJobs(this IServiceCollection services)
    {
        services.AddOptions<TrainingJobOptions>()
            .BindConfiguration(TrainingJobOptions.SectionName)
            .ValidateDataAnnotations()
            .ValidateOnStart();
        services.AddSingleton<IJobStore, InMemoryJobStore>();
        services.AddSingleton<IJobQueue, InMemoryJobQueue>();
        services.AddSingleton<JobService>();
        services.AddHostedService<TrainingWorker>();
        return services;
    }
}
