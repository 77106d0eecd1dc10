using System.Text.Json;
using Microsoft.AspNetCore.Diagnostics;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Extensions.Options;

namespace PerceptronApi.Infrastructure;

/// <summary>
/// Answers requests the framework could not read (malformed JSON, a wrong type, an oversized body) with a problem
/// that names the field, and any other exception with a plain 500 problem: never a stack trace.
/// </summary>
internal sealed partial class BadRequestExceptionHandler(
    IProblemDetailsService problems,
    IOptions<LimitsOptions> limits,
    ILogger<BadRequestExceptionHandler> logger) : IExceptionHandler
{
    public async ValueTask<bool> TryHandleAsync(HttpContext httpContext, Exception exception, CancellationToken cancellationToken)
    {
        var problem = exception switch
        {
            BadHttpRequestException { StatusCode: StatusCodes.Status413PayloadTooLarge } => RequestBodyLimit.TooLarge(httpContext, limits.Value),
            BadHttpRequestException { StatusCode: StatusCodes.Status415UnsupportedMediaType } => new ProblemDetails { Status = StatusCodes.Status415UnsupportedMediaType },
            BadHttpRequestException { InnerException: JsonException json } => Invalid(json),
            BadHttpRequestException bad when bad.Message.Contains("no body was provided", StringComparison.Ordinal) || bad.Message.Contains("was not provided", StringComparison.Ordinal) => new ProblemDetails
            {
                Status = StatusCodes.Status400BadRequest,
                Title = "Missing request body",
                Detail = "This route needs a JSON body. See /swagger for its fields and examples.",
            },
            BadHttpRequestException { StatusCode: StatusCodes.Status408RequestTimeout } => new ProblemDetails
            {
                // The status's own title ("Request Timeout").
                Status = StatusCodes.Status408RequestTimeout,
                Detail = "The request body did not arrive in time: the server stops waiting for a body that comes too slowly.",
            },
            BadHttpRequestException bad => new ProblemDetails
            {
                Status = bad.StatusCode,
                Title = "Bad request",
                Detail = "The request could not be read. See /swagger for the expected form.",
            },
            _ => null,
        };

        if (problem is null)
        {
            LogUnhandled(logger, exception, httpContext.Request.Method, httpContext.Request.Path);
            problem = new ProblemDetails
            {
                Status = StatusCodes.Status500InternalServerError,
                Title = "Internal error",
                Detail = "The server failed to answer this request. The error is logged with this trace id.",
            };
        }

        httpContext.Response.StatusCode = problem.Status!.Value;
        return await problems.TryWriteAsync(new ProblemDetailsContext
        {
            HttpContext = httpContext,
            ProblemDetails = problem,
            Exception = exception,
        });
    }

    private static HttpValidationProblemDetails Invalid(JsonException exception)
    {
        var (field, message) = JsonErrorMessages.Describe(exception);
        return new HttpValidationProblemDetails(new Dictionary<string, string[]> { [field] = [message] })
        {
            Status = StatusCodes.Status400BadRequest,
            Title = "One or more validation errors occurred.",
        };
    }

    [LoggerMessage(Level = LogLevel.Error, Message = "Unhandled exception for {Method} {Path}")]
    private static partial void LogUnhandled(ILogger logger, Exception exception, string method, string path);
}
