using PerceptronApi.Infrastructure;

namespace PerceptronApi.Predictions;

/// <summary>Predicting with any perceptron or network: every z, every output, and the errors against expected outputs.</summary>
internal static class PredictionEndpoints
{
    public static RouteGroupBuilder MapPredictionEndpoints(this IEndpointRouteBuilder app)
    {
        var group = app.MapGroup("/api/v1").WithTags("Predict").WithRouteLabels().AllowQuery().RequirePredictionRateLimit(app);

        // The handler's services are resolved once, here: resolved per request they were a measurable share of a truth
        // table's cost, and without them a request opens no service scope.
        var handler = ActivatorUtilities.CreateInstance<PredictionHandler>(app.ServiceProvider);
        group.MapPost("/predict", handler.Predict)
            // The handler checks the request's shape itself (the same rules and messages): the framework's validation
            // walks the whole request graph, a tenth of this route's time.
            .DisableValidation()
            // Read by PredictBody, so declared here: the JSON body (required) in OpenAPI, and routing's 415 for others.
            .Accepts<PredictRequest>("application/json")
            .WithMetadata(PredictBodyJson.From(app.ServiceProvider))
            .WithRequestBodyDescription("The model, the inputs and optionally the expected outputs.")
            .WithName(nameof(PredictionHandler.Predict))
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
}
