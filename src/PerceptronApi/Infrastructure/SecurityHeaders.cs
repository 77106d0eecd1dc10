using Microsoft.Net.Http.Headers;

namespace PerceptronApi.Infrastructure;

/// <summary>
/// Headers that keep browsers from guessing content types, leaking URLs (job ids) to other sites and framing the
/// pages, on every answer, the exception handler's included. A header a route sets itself (a page's own
/// Content-Security-Policy) replaces the default, and one set before this runs is kept.
/// </summary>
internal static class SecurityHeaders
{
    // Set when the request comes in, not when the response starts: a callback at response start costs every request a
    // registration and a call. Only an exception takes them away: the exception handler, outside this, clears the
    // response before any of its handlers answers, so a request that throws gets them back when its answer starts.
    public static IApplicationBuilder UseSecurityHeaders(this IApplicationBuilder app) => app.Use(static (context, next) =>
    {
        AddTo(context.Response);
        Task task;
        try
        {
            task = next(context);
        }
        catch (Exception) when (AddAgainWhenStarting(context))
        {
            // Never reached: the filter returns false, so the exception goes on to the handler unchanged.
            throw;
        }

        return task.IsCompletedSuccessfully ? task : AddAgainIfFailed(task, context);
    });

    private static async Task AddAgainIfFailed(Task task, HttpContext context)
    {
        try
        {
            await task;
        }
        catch (Exception) when (AddAgainWhenStarting(context))
        {
            // Never reached, as above.
        }
    }

    private static bool AddAgainWhenStarting(HttpContext context)
    {
        if (!context.Response.HasStarted)
        {
            context.Response.OnStarting(static state =>
            {
                AddTo((HttpResponse)state);
                return Task.CompletedTask;
            }, context.Response);
        }

        return false;
    }

    private static readonly (string Name, string Value)[] Defaults =
    [
        (HeaderNames.XContentTypeOptions, "nosniff"),
        ("Referrer-Policy", "no-referrer"),
        (HeaderNames.XFrameOptions, "DENY"),
        (HeaderNames.ContentSecurityPolicy, "frame-ancestors 'none'"),
    ];

    /// <summary>Adds every security header the response does not have yet.</summary>
    private static void AddTo(HttpResponse response)
    {
        var headers = response.Headers;
        // A response nothing has touched yet (the common case) has nothing to keep: each is set without a lookup first
        // (none of them is a header the server knows by name, so a lookup hashes the name).
        var untouched = headers.Count == 0;
        foreach (var (name, value) in Defaults)
        {
            if (untouched)
            {
                headers[name] = value;
            }
            else
            {
                headers.TryAdd(name, value);
            }
        }
    }
}
