using System.ComponentModel.DataAnnotations;
using System.Globalization;
using System.Threading.RateLimiting;
using Microsoft.AspNetCore.RateLimiting;
using Microsoft.Extensions.Options;

namespace PerceptronApi.Infrastructure;

/// <summary>Per-client rate limits (configuration section <c>RateLimits</c>); 0 turns one off (the default).</summary>
internal sealed class RateLimitsOptions
{
    public const string SectionName = "RateLimits";

    /// <summary>The most training jobs one client may submit in any minute (default 0: no limit).</summary>
    [Range(0, 1_000_000)]
    public int JobsPerMinute { get; set; }

    /// <summary>The most prediction requests one client may send in any second (default 0: no limit).</summary>
    [Range(0, 1_000_000)]
    public int PredictionsPerSecond { get; set; }
}

/// <summary>
/// The rate limits, with the framework's rate limiter: one <see cref="SlidingLogRateLimiter"/> per client
/// (<see cref="ClientIdentity"/>) and policy; a request over the limit gets a 429 problem with <c>Retry-After</c>.
/// </summary>
internal static class RateLimitSetup
{
    public const string Predictions = "predictions";
    public const string Jobs = "jobs";

    public static IServiceCollection AddContractRateLimits(this IServiceCollection services)
    {
        services.AddOptions<RateLimitsOptions>()
            .BindConfiguration(RateLimitsOptions.SectionName)
            .ValidateDataAnnotations()
            .ValidateOnStart();
        services.AddRateLimiter(options =>
        {
            options.RejectionStatusCode = StatusCodes.Status429TooManyRequests;
            options.AddPolicy(Predictions, context => Partition(context, Settings(context).PredictionsPerSecond, TimeSpan.FromSeconds(1)));
            options.AddPolicy(Jobs, context => Partition(context, Settings(context).JobsPerMinute, TimeSpan.FromMinutes(1)));
            options.OnRejected = RejectAsync;
        });
        return services;
    }

    /// <summary>At most RateLimits:PredictionsPerSecond of these requests per client in any second (nothing when 0).</summary>
    public static TBuilder RequirePredictionRateLimit<TBuilder>(this TBuilder builder, IEndpointRouteBuilder app)
        where TBuilder : IEndpointConventionBuilder =>
        Settings(app).PredictionsPerSecond > 0 ? builder.RequireRateLimiting(Predictions) : builder;

    /// <summary>At most RateLimits:JobsPerMinute of these requests per client in any minute (nothing when 0).</summary>
    public static TBuilder RequireJobRateLimit<TBuilder>(this TBuilder builder, IEndpointRouteBuilder app)
        where TBuilder : IEndpointConventionBuilder =>
        Settings(app).JobsPerMinute > 0 ? builder.RequireRateLimiting(Jobs) : builder;

    // A limit that is off adds nothing to its routes: no partition lookup per request.
    private static RateLimitsOptions Settings(IEndpointRouteBuilder app) =>
        app.ServiceProvider.GetRequiredService<IOptions<RateLimitsOptions>>().Value;

    /// <summary>The sliding log of <paramref name="permits"/> requests in any <paramref name="window"/>, per client.</summary>
    public static RateLimitPartition<string> Partition(HttpContext context, int permits, TimeSpan window) =>
        permits == 0
            ? RateLimitPartition.GetNoLimiter("off")
            : RateLimitPartition.Get(ClientIdentity.Of(context), _ => new SlidingLogRateLimiter(permits, window, context.RequestServices.GetRequiredService<TimeProvider>()));

    private static RateLimitsOptions Settings(HttpContext context) =>
        context.RequestServices.GetRequiredService<IOptions<RateLimitsOptions>>().Value;

    private static async ValueTask RejectAsync(OnRejectedContext rejected, CancellationToken cancellationToken)
    {
        var context = rejected.HttpContext;
        var settings = Settings(context);
        var jobs = context.GetEndpoint()?.Metadata.GetMetadata<EnableRateLimitingAttribute>()?.PolicyName == Jobs;

        // The time until the oldest request in the window leaves it (always more than 0), in whole seconds rounded up:
        // Retry-After has no fractions, and a client that waits that long finds a permit.
        var retry = rejected.Lease.TryGetMetadata(MetadataName.RetryAfter, out var after) ? after : jobs ? TimeSpan.FromMinutes(1) : TimeSpan.FromSeconds(1);
        var seconds = Math.Max(1, (int)Math.Ceiling(retry.TotalSeconds));
        context.Response.Headers.RetryAfter = seconds.ToString(CultureInfo.InvariantCulture);
        await context.RequestServices.GetRequiredService<IProblemDetailsService>().WriteAsync(new ProblemDetailsContext
        {
            HttpContext = context,
            ProblemDetails =
            {
                Status = StatusCodes.Status429TooManyRequests,
                Title = "Too many requests",
                Detail = jobs
                    ? $"This client submitted {settings.JobsPerMinute} training job(s) in the last minute, the limit (RateLimits:JobsPerMinute). Retry after {seconds} s."
                    : $"This client sent {settings.PredictionsPerSecond} prediction request(s) in the last second, the limit (RateLimits:PredictionsPerSecond). Retry after {seconds} s.",
            },
        });
    }
}
