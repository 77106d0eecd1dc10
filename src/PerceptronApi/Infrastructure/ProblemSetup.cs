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
            // Every problem written by the service passes here (results, middleware, rate limiter): the statuses the
            // framework has no type for get theirs, so no problem lacks one.
            context.ProblemDetails.Type ??= TypeFor(context.ProblemDetails.Status);

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

            // HEAD is answered wherever GET is (HeadRequests), which the router's Allow does not know.
            if (context.ProblemDetails.Status == StatusCodes.Status405MethodNotAllowed
                && http.Response.Headers.Allow.ToString() is { Length: > 0 } allow
                && allow.Split(',', StringSplitOptions.TrimEntries).Contains(HttpMethods.Get)
                && !allow.Split(',', StringSplitOptions.TrimEntries).Contains(HttpMethods.Head))
            {
                http.Response.Headers.Allow = $"{allow}, {HttpMethods.Head}";
            }

            // The request that failed is found in the logs by this id.
            context.ProblemDetails.Extensions.TryAdd("traceId", http.Features.Get<IHttpActivityFeature>()?.Activity.Id ?? http.TraceIdentifier);
        });
        services.AddExceptionHandler<BadRequestExceptionHandler>();
        return services;
    }

    /// <summary>The RFC section of a status the framework's problem defaults leave without a type.</summary>
    public static string? TypeFor(int? status) => status switch
    {
        StatusCodes.Status413PayloadTooLarge => "https://tools.ietf.org/html/rfc9110#section-15.5.14",
        StatusCodes.Status429TooManyRequests => "https://tools.ietf.org/html/rfc6585#section-4",
        _ => null,
    };

    private static string Summarize(IDictionary<string, string[]> errors)
    {
        var (field, messages) = errors.First();
        var message = messages[0];
        // A message is either a predicate ("must be a number.") that the field's name starts, or a sentence of its own
        // ("Give exactly one model: …"), which the name only labels.
        var first = message is [var initial, ..] && char.IsUpper(initial)
            ? field == "$" ? message : $"\"{field}\": {message}"
            : field == "$" ? $"The body {message}" : $"\"{field}\" {message}";
        return errors.Count == 1 ? first : $"{first} See \"errors\" for {errors.Count - 1} more.";
    }
}
