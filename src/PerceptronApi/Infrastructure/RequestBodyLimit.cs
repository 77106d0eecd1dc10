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

    public static IApplicationBuilder UseRequestBodyLimit(this IApplicationBuilder app)
    {
        // Read once: options are fixed for the process, and this runs on every request.
        var limit = app.ApplicationServices.GetRequiredService<IOptions<LimitsOptions>>().Value;
        return app.Use((context, next) => context.Request.ContentLength > limit.MaxRequestBodyBytes ? ProblemResponse.WriteAsync(context, BadRequestExceptionHandler.TooLarge(limit)) : next(context));
    }
}
