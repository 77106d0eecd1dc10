using Microsoft.Net.Http.Headers;

namespace PerceptronApi.Infrastructure;

/// <summary>
/// Headers that keep browsers from guessing content types, leaking URLs (job ids) to other sites and framing the
/// pages. A header a route set itself (a page's own Content-Security-Policy) is kept, never overwritten.
/// </summary>
internal static class SecurityHeaders
{
    public static IApplicationBuilder UseSecurityHeaders(this IApplicationBuilder app) => app.Use((context, next) =>
    {
        context.Response.OnStarting(static state =>
        {
            var headers = ((HttpContext)state).Response.Headers;
            headers.TryAdd(HeaderNames.XContentTypeOptions, "nosniff");
            headers.TryAdd("Referrer-Policy", "no-referrer");
            headers.TryAdd(HeaderNames.XFrameOptions, "DENY");
            headers.TryAdd(HeaderNames.ContentSecurityPolicy, "frame-ancestors 'none'");
            return Task.CompletedTask;
        }, context);
        return next(context);
    });
}
