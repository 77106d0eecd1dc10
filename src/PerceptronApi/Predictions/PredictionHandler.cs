using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.Extensions.Options;
using PerceptronApi.Infrastructure;

namespace PerceptronApi.Predictions;

/// <summary>The handler of <c>POST /api/v1/predict</c>, made once with the services every request needs.</summary>
/// <param name="limits">The request limits.</param>
/// <param name="gate">Caps the heavy predictions running at once.</param>
/// <param name="metrics">Counts the rows predicted.</param>
internal sealed class PredictionHandler(IOptions<LimitsOptions> limits, PredictionGate gate, PerceptronMetrics metrics)
{
    private readonly LimitsOptions _limits = limits.Value;

    /// <summary>Runs a model on inputs and shows every net input z and output.</summary>
    /// <param name="body">The model, the inputs and optionally the expected outputs (described in OpenAPI at the route).</param>
    /// <param name="context">The request, for the Retry-After of a 503.</param>
    public Results<PredictionResult, ValidationProblem, ProblemHttpResult> Predict(PredictBody body, HttpContext context)
    {
        var request = body.Request;
        if (PredictionValidation.Errors(request) is { } invalid)
        {
            return TypedResults.ValidationProblem(invalid);
        }

        return PredictionPlanner.Plan(request, _limits, out var errors) is { } plan
            ? gate.Answer(context, plan, metrics)
            : TypedResults.ValidationProblem(errors);
    }
}
