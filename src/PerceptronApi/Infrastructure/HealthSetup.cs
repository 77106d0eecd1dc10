using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace PerceptronApi.Infrastructure;

/// <summary>Liveness (the process answers) and readiness (it takes work) probes.</summary>
internal static class HealthSetup
{
    public const string ReadyTag = "ready";

    public static IServiceCollection AddContractHealthChecks(this IServiceCollection services)
    {
        services.AddHealthChecks().AddCheck<NotStoppingHealthCheck>("not-stopping", tags: [ReadyTag]);
        return services;
    }

    public static IEndpointRouteBuilder MapContractHealthChecks(this IEndpointRouteBuilder app)
    {
        app.MapHealthChecks("/health/live", new() { Predicate = _ => false }).WithTags("Health");
        app.MapHealthChecks("/health/ready", new() { Predicate = check => check.Tags.Contains(ReadyTag) }).WithTags("Health");
        return app;
    }
}

/// <summary>Not ready once the host has begun to shut down: a load balancer should stop sending work.</summary>
internal sealed class NotStoppingHealthCheck(IHostApplicationLifetime lifetime) : IHealthCheck
{
    public Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default) =>
        Task.FromResult(lifetime.ApplicationStopping.IsCancellationRequested
            ? HealthCheckResult.Unhealthy("The service is shutting down.")
            : HealthCheckResult.Healthy());
}
