using OpenTelemetry.Metrics;
using OpenTelemetry.Resources;

namespace PerceptronApi.Infrastructure;

/// <summary>Settings of the metrics endpoint (configuration section <c>Metrics</c>).</summary>
internal sealed class MetricsOptions
{
    public const string SectionName = "Metrics";

    /// <summary>Serve <c>GET /metrics</c> in the Prometheus text format (default true).</summary>
    public bool Enabled { get; set; } = true;
}

/// <summary>
/// <c>GET /metrics</c>: the service's instruments (<see cref="PerceptronMetrics"/>) and the framework's own — the HTTP
/// server's request duration by route and status code, Kestrel's connections, the rate limiter's decisions — in the
/// Prometheus text format, through OpenTelemetry's Prometheus exporter.
/// </summary>
internal static class MetricsSetup
{
    private static readonly string[] FrameworkMeters =
    [
        "Microsoft.AspNetCore.Hosting",
        "Microsoft.AspNetCore.Server.Kestrel",
        "Microsoft.AspNetCore.RateLimiting",
        "Microsoft.AspNetCore.Authentication",
    ];

    public static WebApplicationBuilder AddContractMetrics(this WebApplicationBuilder builder)
    {
        builder.Services.AddOptions<MetricsOptions>().BindConfiguration(MetricsOptions.SectionName);
        builder.Services.AddSingleton<PerceptronMetrics>();
        if (builder.Configuration.GetSection(MetricsOptions.SectionName).Get<MetricsOptions>() is { Enabled: false })
        {
            return builder;
        }

        builder.Services.AddOpenTelemetry()
            .ConfigureResource(resource => resource.AddService(PerceptronMetrics.MeterName))
            .WithMetrics(metrics => metrics
            .AddMeter(PerceptronMetrics.MeterName)
            .AddMeter(FrameworkMeters)
            .AddPrometheusExporter(exporter =>
            {
                // A scrape reads current values: no cached answer between scrapes.
                exporter.ScrapeResponseCacheDurationMilliseconds = 0;
            }));
        return builder;
    }

    public static WebApplication MapContractMetrics(this WebApplication app)
    {
        if (app.Configuration.GetSection(MetricsOptions.SectionName).Get<MetricsOptions>() is not { Enabled: false })
        {
            // Described in the README, not in the API document: it is for the operator's scraper, not for clients.
            app.MapPrometheusScrapingEndpoint("/metrics").ExcludeFromDescription();
        }

        return app;
    }
}
