using System.Reflection;
using Microsoft.AspNetCore.Http.Metadata;
using PerceptronApi.Core.Training;

namespace PerceptronApi.Training;

/// <summary>
/// A 200 answer with one epoch's sample steps, written as the JSON they were stored as when the epoch ended (the
/// shape of <see cref="EpochTrace"/>, serialized by the code generated for it in
/// <see cref="Infrastructure.ContractJsonContext"/>), and declared in OpenAPI as that type.
/// </summary>
internal sealed class StepsResult(ReadOnlyMemory<byte> json) : IResult, IEndpointMetadataProvider, IStatusCodeHttpResult
{
    public int? StatusCode => StatusCodes.Status200OK;

    public async Task ExecuteAsync(HttpContext httpContext)
    {
        ArgumentNullException.ThrowIfNull(httpContext);
        httpContext.Response.StatusCode = StatusCodes.Status200OK;
        httpContext.Response.ContentType = "application/json; charset=utf-8";
        httpContext.Response.ContentLength = json.Length;
        await httpContext.Response.Body.WriteAsync(json, httpContext.RequestAborted);
    }

    public static void PopulateMetadata(MethodInfo method, EndpointBuilder builder)
    {
        ArgumentNullException.ThrowIfNull(builder);
        builder.Metadata.Add(new ProducesResponseTypeMetadata(StatusCodes.Status200OK, typeof(EpochTrace), ["application/json"]));
    }
}
