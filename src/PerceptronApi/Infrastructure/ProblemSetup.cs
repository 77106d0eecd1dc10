using Microsoft.AspNetCore.Http.Features;
using Microsoft.Extensions.Options;

namespace PerceptronApi.Infrastructure;

/// <summary>RFC 9457 problem responses for every error, from the framework's ProblemDetails pipeline.</summary>
internal static class ProblemSetup
{
    public static IServiceCollection AddContractProblems(this IServiceCollection services)
    {
        services.AddProblemDetails(options => options.CustomizeProblemDetails = context =>
        {
            var http = context.HttpContext;
            var routes = http.RequestServices.GetRequiredService<IOptions<OpenApiOptions>>().Value.Enabled
                ? " The routes are listed at /swagger."
                : "";
            // The path is the client's text: only a bounded piece of it comes back.
            var path = Echo.Bounded(http.Request.Path.ToString());
            context.ProblemDetails.Instance ??= path;

            // Responses that carry no body of their own (routing misses, a wrong content type, a body cut off by the
            // server's size limit) get a detail that says what to do instead of only a status; a validation problem's
            // detail is its first error.
            context.ProblemDetails.Detail ??= context.ProblemDetails switch
            {
                HttpValidationProblemDetails { Errors.Count: > 0 } validation => Summarize(validation.Errors),
                _ => null,
            };
            context.ProblemDetails.Detail ??= context.ProblemDetails.Status switch
            {
                StatusCodes.Status413PayloadTooLarge => RequestBodyLimit.TooLarge(http, http.RequestServices.GetRequiredService<IOptions<LimitsOptions>>().Value).Detail,
                StatusCodes.Status404NotFound => $"No route matches {Echo.Bounded(http.Request.Method)} {path}.{routes}",
                StatusCodes.Status405MethodNotAllowed => $"{Echo.Bounded(http.Request.Method)} is not allowed on {path}.{routes}",
                StatusCodes.Status415UnsupportedMediaType => $"The body must be sent as application/json{(http.Request.Path.StartsWithSegments("/api/v1/training-jobs") ? " or text/csv" : "")} (got {(http.Request.ContentType is { } type ? Echo.Bounded(type) : "no Content-Type")}).",
                _ => null,
            };

            // The request that failed is found in the logs by this id.
            context.ProblemDetails.Extensions.TryAdd("traceId", http.Features.Get<IHttpActivityFeature>()?.Activity.Id ?? http.TraceIdentifier);
        });
        services.AddExceptionHandler<BadRequestExceptionHandler>();
        return services;
    }

    private static string Summarize(IDictionary<string, string[]> errors)
    {
        var (field, messages) = errors.First();
        var first = field == "$" ? $"The body {messages[0]}" : $"\"{field}\" {messages[0]}";
        return errors.Count == 1 ? first : $"{first} (and {errors.Count - 1} more: see \"errors\")";
    }
}
