using System.Reflection;
using Microsoft.AspNetCore.Http.Metadata;
using PerceptronApi.Infrastructure;

namespace PerceptronApi.Predictions;

/// <summary>
/// A 200 answer with a <see cref="PredictResponse"/>, written by the serializer code generated for it
/// (<see cref="ContractJsonContext"/>): the answer has no enum or custom-converted value, so it needs none of the
/// runtime options' converters, and the generated code writes it straight out without the general serializer's
/// per-object bookkeeping. The same JSON as <c>TypedResults.Ok</c>, declared the same way in OpenAPI.
/// </summary>
internal sealed class PredictionResult(PredictResponse value) : IResult, IEndpointMetadataProvider, IStatusCodeHttpResult, IValueHttpResult<PredictResponse>, IValueHttpResult
{
    public PredictResponse Value { get; } = value;

    object? IValueHttpResult.Value => Value;

    public int? StatusCode => StatusCodes.Status200OK;

    public Task ExecuteAsync(HttpContext httpContext)
    {
        ArgumentNullException.ThrowIfNull(httpContext);
        httpContext.Response.StatusCode = StatusCodes.Status200OK;
        return httpContext.Response.WriteAsJsonAsync(Value, ContractJsonContext.Default.PredictResponse, contentType: null, httpContext.RequestAborted);
    }

    public static void PopulateMetadata(MethodInfo method, EndpointBuilder builder)
    {
        ArgumentNullException.ThrowIfNull(builder);
        builder.Metadata.Add(new ProducesResponseTypeMetadata(StatusCodes.Status200OK, typeof(PredictResponse), ["application/json"]));
    }
}
