using Microsoft.AspNetCore.Diagnostics;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Extensions.Options;
using StackExchange.Redis;

namespace PerceptronApi.Training.Redis;

/// <summary>
/// A request that needs the shared store while Redis cannot be reached is answered 503 with <c>Retry-After</c>
/// (within the operation timeout), never a 500: the client retries, and the replica recovers when Redis returns.
/// </summary>
internal sealed partial class StoreUnavailableExceptionHandler(
    IProblemDetailsService problems,
    IOptions<TrainingJobOptions> options,
    ILogger<StoreUnavailableExceptionHandler> logger) : IExceptionHandler
{
    public async ValueTask<bool> TryHandleAsync(HttpContext httpContext, Exception exception, CancellationToken cancellationToken)
    {
        if (exception is not (RedisException or TimeoutException) || httpContext.Response.HasStarted)
        {
            return false;
        }

        LogUnavailable(logger, exception.GetType().Name, exception.Message);
        httpContext.Response.StatusCode = StatusCodes.Status503ServiceUnavailable;
        httpContext.Response.Headers.RetryAfter = options.Value.RetryAfterSeconds.ToString();
        return await problems.TryWriteAsync(new ProblemDetailsContext
        {
            HttpContext = httpContext,
            Exception = exception,
            ProblemDetails = new ProblemDetails
            {
                Status = StatusCodes.Status503ServiceUnavailable,
                Title = "Job store unavailable",
                Detail = $"The shared job store (Redis) cannot be reached just now. Retry after {options.Value.RetryAfterSeconds} s.",
            },
        });
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Job store unavailable ({Kind}): {Message}")]
    private static partial void LogUnavailable(ILogger logger, string kind, string message);
}
