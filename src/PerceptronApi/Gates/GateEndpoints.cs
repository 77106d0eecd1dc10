using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.Extensions.Options;
using PerceptronApi.Core.Gates;
using PerceptronApi.Infrastructure;
using PerceptronApi.Predictions;

namespace PerceptronApi.Gates;

/// <summary>The gate catalogue: AND, OR, NAND, NOR, NOT, XOR and XNOR as perceptrons.</summary>
internal static class GateEndpoints
{
    public static RouteGroupBuilder MapGateEndpoints(this IEndpointRouteBuilder app)
    {
        var group = app.MapGroup("/api/v1/gates").WithTags("Gates").WithRouteLabels().AllowQuery();

        group.MapGet("/", ListGates)
            .WithName(nameof(ListGates))
            .WithSummary("List the logic gates")
            .WithDescription("Every gate with its arity, whether one perceptron can compute it, and its layers of units (bias and weights). All use the step activation with θ 0.5.")
            .ProducesValidationProblem();

        group.MapGet("/{name}", GetGate)
            .WithName(nameof(GetGate))
            .WithSummary("Get one gate with its truth table")
            .WithDescription("The name is case-insensitive. The truth table lists the inputs in binary counting order, x1 most significant: (0,0), (0,1), (1,0), (1,1).")
            .ProducesValidationProblem()
            .ProducesProblem(StatusCodes.Status404NotFound);

        group.MapPost("/{name}/predict", PredictWithGate)
            .RequirePredictionRateLimit(app)
            .WithName(nameof(PredictWithGate))
            .WithSummary("Run a gate on inputs")
            .WithDescription("The body may be empty: the gate's whole truth table is predicted. Give \"expected\" or \"target\" to see each row's error (expected − output) and a summary.")
            .Accepts<PredictInputsRequest>(isOptional: true, "application/json")
            .WithRequestExamples(
                new RequestExample("truth-table", "No inputs: the whole truth table", new PredictInputsRequest()),
                new RequestExample("rows", "Chosen rows with expected outputs", new PredictInputsRequest { Inputs = [[1, 1], [0, 1]], Expected = [1, 0] }))
            .ProducesValidationProblem()
            .ProducesProblem(StatusCodes.Status404NotFound)
            .ProducesProblem(StatusCodes.Status413PayloadTooLarge)
            .ProducesProblem(StatusCodes.Status415UnsupportedMediaType)
            .ProducesProblem(StatusCodes.Status429TooManyRequests)
            .ProducesProblem(StatusCodes.Status503ServiceUnavailable);

        return group;
    }

    /// <summary>Lists every gate of the catalogue.</summary>
    public static Ok<GateResponse[]> ListGates() =>
        TypedResults.Ok(GateCatalogue.All.Select(GateResponse.From).ToArray());

    /// <summary>One gate, with its truth table.</summary>
    /// <param name="name">The gate's name, case-insensitive (AND, or, Nor...).</param>
    public static Results<Ok<GateResponse>, ProblemHttpResult> GetGate(string name) =>
        GateCatalogue.TryGet(name, out var gate)
            ? TypedResults.Ok(GateResponse.WithTruthTable(gate))
            : UnknownGate(name);

    /// <summary>Runs a gate on the given rows, or on its truth table.</summary>
    /// <param name="name">The gate's name, case-insensitive.</param>
    /// <param name="request">The rows and, optionally, the expected outputs. May be empty.</param>
    /// <param name="context">The request, for the Retry-After of a 503.</param>
    /// <param name="limits">The request limits.</param>
    /// <param name="predictions">Caps the heavy predictions running at once.</param>
    /// <param name="metrics">Counts the rows predicted.</param>
    public static Results<PredictionResult, ValidationProblem, ProblemHttpResult> PredictWithGate(
        string name,
        PredictInputsRequest? request,
        HttpContext context,
        IOptions<LimitsOptions> limits,
        PredictionGate predictions,
        PerceptronMetrics metrics)
    {
        if (!GateCatalogue.TryGet(name, out var gate))
        {
            return UnknownGate(name);
        }

        return PredictionPlanner.Plan(gate.Network, request, limits.Value, out var errors) is { } plan
            ? predictions.Answer(context, plan, metrics)
            : TypedResults.ValidationProblem(errors);
    }

    private static ProblemHttpResult UnknownGate(string name) => TypedResults.Problem(
        statusCode: StatusCodes.Status404NotFound,
        title: "Gate not found",
        detail: PredictionPlanner.UnknownGate(Echo.Bounded(name)));
}
