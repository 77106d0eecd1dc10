using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.Extensions.Options;
using PerceptronApi.Infrastructure;

namespace PerceptronApi.Predictions;

/// <summary>Predicting with any perceptron or network: every z, every output, and the errors against expected outputs.</summary>
internal static class PredictionEndpoints
{
    public static RouteGroupBuilder MapPredictionEndpoints(this IEndpointRouteBuilder app)
    {
        var group = app.MapGroup("/api/v1").WithTags("Predict").WithRouteLabels().AllowQuery().RequirePredictionRateLimit(app);

        group.MapPost("/predict", Predict)
            // The handler checks the request's shape itself (the same rules and messages): the framework's validation
            // walks the whole request graph, a tenth of this route's time.
            .DisableValidation()
            .WithName(nameof(Predict))
            .WithSummary("Predict with a gate, a perceptron or a network")
            .WithDescription("""
                Give exactly one model: "gate", "bias" with "weights", or "layers". z = w0 + w1*x1 + ... + wn*xn is
                summed from the bias, left to right. Without "inputs" every binary row is predicted (up to the truth-table
                limit). With "expected" (or "target", a gate whose outputs are expected) each row also shows
                error = expected − output, and a summary counts the rows that came out right.
                """)
            .WithRequestExamples(
                new RequestExample("AND", "The tutorial's AND gate: w0 = -0.5, w1 = w2 = 0.6 → 0, 0, 0, 1", new PredictRequest { Bias = -0.5, Weights = [0.6, 0.6] }),
                new RequestExample("NOR", "The tutorial's NOR gate: w0 = 0.5, w1 = w2 = -0.6 → 1, 0, 0, 0", new PredictRequest { Bias = 0.5, Weights = [-0.6, -0.6] }),
                new RequestExample("guess-vs-NOR", "The tutorial's guessed weights (0.4, 0.7, -0.2) against NOR: 3 of 4 wrong", new PredictRequest { Bias = 0.4, Weights = [0.7, -0.2], Target = "NOR" }),
                new RequestExample("gate", "A gate of the catalogue on chosen rows, with expected outputs", new PredictRequest { Gate = "XOR", Inputs = [[0, 1], [1, 1]], Expected = [1, 0] }),
                new RequestExample("network", "XOR as a two-layer network: OR and NAND feed an AND", new PredictRequest
                {
                    Layers = [[new(0, [0.6, 0.6]), new(1.5, [-0.6, -0.6])], [new(-0.5, [0.6, 0.6])]],
                    Target = "XOR",
                }),
                new RequestExample("sigmoid", "The same weights through a sigmoid: outputs between 0 and 1", new PredictRequest { Bias = -0.5, Weights = [0.6, 0.6], Activation = Core.Model.Activation.Sigmoid }))
            .ProducesValidationProblem()
            .ProducesProblem(StatusCodes.Status413PayloadTooLarge)
            .ProducesProblem(StatusCodes.Status415UnsupportedMediaType)
            .ProducesProblem(StatusCodes.Status429TooManyRequests)
            .ProducesProblem(StatusCodes.Status503ServiceUnavailable);

        return group;
    }

    /// <summary>Runs a model on inputs and shows every net input z and output.</summary>
    /// <param name="request">The model, the inputs and optionally the expected outputs.</param>
    /// <param name="context">The request, for the Retry-After of a 503.</param>
    /// <param name="limits">The request limits.</param>
    /// <param name="gate">Caps the heavy predictions running at once.</param>
    /// <param name="metrics">Counts the rows predicted.</param>
    public static Results<PredictionResult, ValidationProblem, ProblemHttpResult> Predict(
        PredictRequest request,
        HttpContext context,
        IOptions<LimitsOptions> limits,
        PredictionGate gate,
        PerceptronMetrics metrics)
    {
        if (PredictionValidation.Errors(request) is { } invalid)
        {
            return TypedResults.ValidationProblem(invalid);
        }

        return PredictionPlanner.Plan(request, limits.Value, out var errors) is { } plan
            ? gate.Answer(context, plan, metrics)
            : TypedResults.ValidationProblem(errors);
    }
}
