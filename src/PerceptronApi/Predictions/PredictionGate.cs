using System.Threading.RateLimiting;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.Extensions.Options;
using PerceptronApi.Infrastructure;

namespace PerceptronApi.Predictions;

/// <summary>
/// Caps heavy predictions (work of at least <see cref="LimitsOptions.HeavyPredictionWork"/>) running at once to
/// <see cref="LimitsOptions.MaxConcurrentHeavyPredictions"/>, with the framework's concurrency limiter and no queue:
/// one client's large requests cannot take every core and the memory of many large answers at the same time. The slot
/// is held until the answer is written (the end of the request).
/// </summary>
internal sealed class PredictionGate(IOptions<LimitsOptions> options) : IDisposable
{
    private readonly LimitsOptions _limits = options.Value;

    private readonly ConcurrencyLimiter _limiter = new(new ConcurrencyLimiterOptions
    {
        PermitLimit = options.Value.MaxConcurrentHeavyPredictions,
        QueueLimit = 0,
    });

    /// <summary>Runs <paramref name="plan"/> and answers it; 503 when it is heavy and every heavy slot is taken.</summary>
    public Results<PredictionResult, ValidationProblem, ProblemHttpResult> Answer(HttpContext context, PredictionPlan plan, PerceptronMetrics metrics)
    {
        if (TryHold(context, plan.Work) is { } refused)
        {
            return refused;
        }

        var response = PredictionPlanner.Run(plan, out var errors);
        if (response is null)
        {
            return TypedResults.ValidationProblem(errors);
        }

        metrics.PredictedRows(response.Predictions.Count);
        return new PredictionResult(response);
    }

    /// <summary>
    /// Takes a heavy slot for a prediction of <paramref name="work"/> until the request ends; the 503 problem when it
    /// is heavy and none is free, else null (a light one needs none).
    /// </summary>
    public ProblemHttpResult? TryHold(HttpContext context, long work)
    {
        ArgumentNullException.ThrowIfNull(context);
        if (work >= _limits.HeavyPredictionWork)
        {
            var lease = _limiter.AttemptAcquire();
            if (!lease.IsAcquired)
            {
                lease.Dispose();
                context.Response.Headers.RetryAfter = "1";
                return TypedResults.Problem(
                    statusCode: StatusCodes.Status503ServiceUnavailable,
                    title: "Too many large predictions",
                    detail: $"{_limits.MaxConcurrentHeavyPredictions} prediction(s) of {_limits.HeavyPredictionWork} or more work are running (Limits:MaxConcurrentHeavyPredictions); this one needs {work}. Retry after 1 s, or send fewer rows.");
            }

            // Released when the request ends, after the answer is written, whatever happens in between.
            context.Response.RegisterForDispose(lease);
        }

        return null;
    }

    public void Dispose() => _limiter.Dispose();
}
