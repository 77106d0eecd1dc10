using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.Extensions.Options;

namespace PerceptronApi.Infrastructure;

/// <summary>
/// Enforces <see cref="LimitsOptions.MaxRequestBodyBytes"/>: Kestrel stops bodies that grow past it while streaming,
/// and a declared <c>Content-Length</c> over it is refused with 413 before a byte is read.
/// </summary>
internal static class RequestBodyLimit
{
    public static IServiceCollection AddRequestBodyLimit(this IServiceCollection services)
    {
        services.AddOptions<KestrelServerOptions>()
            .Configure<IOptions<LimitsOptions>>((kestrel, limits) => kestrel.Limits.MaxRequestBodySize = limits.Value.MaxRequestBodyBytes);
        return services;
    }

    public static IApplicationBuilder UseRequestBodyLimit(this IApplicationBuilder app) => app.Use(async (context, next) =>
    {
        var limit = context.RequestServices.GetRequiredService<IOptions<LimitsOptions>>().Value;
        if (context.Request.ContentLength > limit.MaxRequestBodyBytes)
        {
            await ProblemResponse.WriteAsync(context, BadRequestExceptionHandler.TooLarge(limit));
            return;
        }

        await next(context);
    });
}
