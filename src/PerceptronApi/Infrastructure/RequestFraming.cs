namespace PerceptronApi.Infrastructure;

/// <summary>
/// Refuses a request that declares its body length twice, with Content-Length and Transfer-Encoding: a proxy in front
/// may frame it by the other header than this server, which lets a second, hidden request ride inside the body
/// (request smuggling). RFC 9112 §6.1 allows a server to reject it; Kestrel alone reads it as chunked and closes the
/// connection after answering. Kestrel moves the conflicting Content-Length to <c>X-Content-Length</c> before the
/// application sees the request, so that header beside Transfer-Encoding is the sign (the test server keeps both).
/// </summary>
internal static class RequestFraming
{
    private const string KestrelMovedContentLength = "X-Content-Length";

    // Not async: a request passes on (or is answered) without a state machine of its own.
    public static IApplicationBuilder UseRequestFraming(this IApplicationBuilder app) => app.Use(static (context, next) =>
    {
        var headers = context.Request.Headers;
        if (headers.TransferEncoding.Count > 0 && (headers.ContentLength is not null || headers.ContainsKey(KestrelMovedContentLength)))
        {
            context.Response.Headers.Connection = "close";
            return ProblemResponse.WriteAsync(context, new()
            {
                Status = StatusCodes.Status400BadRequest,
                Title = "Ambiguous body length",
                Detail = "The request has both Content-Length and Transfer-Encoding; send only one of them.",
            });
        }

        return next(context);
    });
}
