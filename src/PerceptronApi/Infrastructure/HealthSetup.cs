using Microsoft.AspNetCore.Http.HttpResults;
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
        var group = app.MapGroup("/health").WithTags("Health").WithRouteLabels();
        group.MapGet("/live", Live)
            .WithName("Live")
            .WithSummary("Liveness: the process answers")
            .Produces<string>(StatusCodes.Status200OK, "text/plain");
        group.MapGet("/ready", ReadyAsync)
            .WithName("Ready")
            .WithSummary("Readiness: the service takes work")
            .WithDescription("200 \"Healthy\" while the service accepts requests and training jobs; 503 \"Unhealthy\" once it is shutting down.")
            .Produces<string>(StatusCodes.Status200OK, "text/plain")
            .Produces<string>(StatusCodes.Status503ServiceUnavailable, "text/plain");
        return app;
    }

    /// <summary>Answers while the process runs.</summary>
    public static ContentHttpResult Live() => TypedResults.Text("Healthy");

    /// <summary>Runs the readiness checks.</summary>
    /// <param name="health">The health check service.</param>
    /// <param name="cancellationToken">The request's cancellation.</param>
    public static async Task<ContentHttpResult> ReadyAsync(HealthCheckService health, CancellationToken cancellationToken)
    {
        var report = await health.CheckHealthAsync(check => check.Tags.Contains(ReadyTag), cancellationToken);
        return report.Status == HealthStatus.Healthy
            ? TypedResults.Text("Healthy")
            : TypedResults.Text("Unhealthy", statusCode: StatusCodes.Status503ServiceUnavailable);
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
