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
        return services;
    }
}
