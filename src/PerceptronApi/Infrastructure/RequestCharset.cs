using Microsoft.Extensions.Primitives;
using Microsoft.Net.Http.Headers;

namespace PerceptronApi.Infrastructure;

/// <summary>
/// Bodies are read as UTF-8, the only encoding JSON may be exchanged in (RFC 8259). A <c>charset</c> parameter that
/// names UTF-8 in any legal spelling (<c>utf-8</c>, <c>"UTF-8"</c>, <c>utf8</c>) is accepted and written in the one
/// spelling the readers know; any other, empty or unknown charset is a 415 problem saying what is accepted, before a
/// reader can fail on it.
/// </summary>
internal static class RequestCharset
{
    // Not async, and the header is parsed only when it can hold a charset at all: the common request
    // ("application/json") passes on without a parsed header object or a state machine of its own.
    public static IApplicationBuilder UseRequestCharset(this IApplicationBuilder app) => app.Use(static (context, next) =>
    {
        var contentType = context.Request.ContentType;
        // A parameter needs a ';' first: found by an ordinal search, far cheaper than the case-blind one after it.
        if (contentType is null
            || !contentType.Contains(';', StringComparison.Ordinal)
            || !contentType.Contains("charset", StringComparison.OrdinalIgnoreCase)
            || !MediaTypeHeaderValue.TryParse(contentType, out var mediaType)
            || !HasCharset(mediaType))
        {
            return next(context);
        }

        var charset = HeaderUtilities.RemoveQuotes(mediaType.Charset).Trim();
        if (!IsUtf8(charset))
        {
            return ProblemResponse.WriteAsync(context, new()
            {
                Status = StatusCodes.Status415UnsupportedMediaType,
                Title = "Unsupported charset",
                Detail = $"The body must be UTF-8: send charset=utf-8 or no charset (got charset={Echo.Bounded(mediaType.Charset.Value ?? "")}).",
            });
        }

        mediaType.Charset = "utf-8";
        context.Request.ContentType = mediaType.ToString();
        return next(context);
    });

    private static bool HasCharset(MediaTypeHeaderValue mediaType)
    {
        foreach (var parameter in mediaType.Parameters)
        {
            if (parameter.Name.Equals("charset", StringComparison.OrdinalIgnoreCase))
            {
                return true;
            }
        }

        return false;
    }

    private static bool IsUtf8(StringSegment charset) =>
        charset.Equals("utf-8", StringComparison.OrdinalIgnoreCase) || charset.Equals("utf8", StringComparison.OrdinalIgnoreCase);
}
