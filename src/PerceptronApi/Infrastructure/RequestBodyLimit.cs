using Microsoft.AspNetCore.Http.Features;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.Extensions.Options;
using Microsoft.Net.Http.Headers;

namespace PerceptronApi.Infrastructure;

/// <summary>
/// An endpoint's own body limit for one media type, in place of <see cref="LimitsOptions.MaxRequestBodyBytes"/>: a CSV
/// file of samples is far larger than any JSON request needs to be.
/// </summary>
/// <param name="MediaType">The media type the limit is for (<c>text/csv</c>).</param>
/// <param name="MaxBytes">The largest body of that type, in bytes.</param>
/// <param name="Setting">The setting that holds it, named in the 413 problem.</param>
internal sealed record MediaTypeBodyLimit(string MediaType, long MaxBytes, string Setting);

/// <summary>
/// Enforces <see cref="LimitsOptions.MaxRequestBodyBytes"/> (or an endpoint's <see cref="MediaTypeBodyLimit"/>): Kestrel
/// stops bodies that grow past it while streaming, and a declared <c>Content-Length</c> over it is refused with 413
/// before a byte is read.
/// </summary>
internal static class RequestBodyLimit
{
    public static IServiceCollection AddRequestBodyLimit(this IServiceCollection services)
    {
        services.AddOptions<KestrelServerOptions>()
            .Configure<IOptions<LimitsOptions>>((kestrel, limits) => kestrel.Limits.MaxRequestBodySize = limits.Value.MaxRequestBodyBytes);
        return services;
    }

    /// <summary>Gives bodies of <paramref name="mediaType"/> sent to this endpoint the limit <paramref name="maxBytes"/>.</summary>
    public static TBuilder WithBodyLimit<TBuilder>(this TBuilder builder, string mediaType, long maxBytes, string setting)
        where TBuilder : IEndpointConventionBuilder =>
        builder.WithMetadata(new MediaTypeBodyLimit(mediaType, maxBytes, setting));

    public static IApplicationBuilder UseRequestBodyLimit(this IApplicationBuilder app)
    {
        // Read once: options are fixed for the process, and this runs on every request.
        var limit = app.ApplicationServices.GetRequiredService<IOptions<LimitsOptions>>().Value;
        return app.Use((context, next) =>
        {
            var own = Override(context);
            if (own is not null)
            {
                // Routing has already chosen the endpoint; the server's limit is raised (or lowered) before the body is read.
                if (context.Features.Get<IHttpMaxRequestBodySizeFeature>() is { IsReadOnly: false } feature)
                {
                    feature.MaxRequestBodySize = own.MaxBytes;
                }

                context.Items[typeof(MediaTypeBodyLimit)] = own;
            }

            return context.Request.ContentLength > (own?.MaxBytes ?? limit.MaxRequestBodyBytes)
                ? ProblemResponse.WriteAsync(context, TooLarge(context, limit))
                : next(context);
        });
    }

    /// <summary>The 413 problem for this request's limit, naming its setting.</summary>
    public static ProblemDetails TooLarge(HttpContext context, LimitsOptions limits)
    {
        var (max, setting) = context.Items.TryGetValue(typeof(MediaTypeBodyLimit), out var value) && value is MediaTypeBodyLimit own
            ? (own.MaxBytes, own.Setting)
            : (limits.MaxRequestBodyBytes, "Limits:MaxRequestBodyBytes");
        return new()
        {
            Status = StatusCodes.Status413PayloadTooLarge,
            Title = "Request body too large",
            Detail = $"The body is larger than {max} bytes ({setting}).",
        };
    }

    private static MediaTypeBodyLimit? Override(HttpContext context) =>
        context.GetEndpoint()?.Metadata.GetMetadata<MediaTypeBodyLimit>() is { } own
        && MediaTypeHeaderValue.TryParse(context.Request.ContentType, out var type)
        && type.MediaType.Equals(own.MediaType, StringComparison.OrdinalIgnoreCase)
            ? own
            : null;
}
