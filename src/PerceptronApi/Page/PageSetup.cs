using System.Security.Cryptography;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.Extensions.FileProviders;
using Microsoft.Net.Http.Headers;

namespace PerceptronApi.Page;

/// <summary>
/// The playground page: <c>GET /</c> and its scripts, styles and the vendored chart library from <c>wwwroot</c>, served by the
/// framework's static assets (content-hash ETags, compressed variants) under a policy that allows nothing from another origin.
/// </summary>
internal static class PageSetup
{
    /// <summary>
    /// Everything from this origin only; no inline script or style, no framing, no base or form retargeting. The page needs
    /// nothing else (the chart library is vendored), so it works offline and in the container.
    /// </summary>
    public const string ContentSecurityPolicy = "default-src 'self'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'";

    private const string PageFileName = "index.html";

    /// <summary>The framework's setting that leaves out the static assets' catch-all for files unknown at build time.</summary>
    private const string StaticAssetsRuntimeFallbackSwitch = "DisableStaticAssetNotFoundRuntimeFallback";

    /// <summary>
    /// Finds the page's files where a build left them (the project's wwwroot, compressed copies under obj/) in every
    /// environment, not only in Development, so the test host and a run from the build folder serve them too. A published
    /// app has no build manifest and serves its own wwwroot; then this does nothing.
    /// </summary>
    public static WebApplicationBuilder AddPlaygroundPage(this WebApplicationBuilder builder)
    {
        builder.WebHost.UseStaticWebAssets();

        // With a build manifest, MapStaticAssets also maps a GET/HEAD catch-all ({**path:file}) for files added to wwwroot
        // after the build. Being a GET candidate for every path, it turns a wrong method on an API route (GET on a
        // POST-only route) into 404 instead of 405. The page's files are all in the manifest: the catch-all is not needed.
        builder.Configuration[StaticAssetsRuntimeFallbackSwitch] ??= "true";
        return builder;
    }

    public static WebApplication MapPlaygroundPage(this WebApplication app)
    {
        // Every file under wwwroot; the convention adds the page's headers to each response, the HTML included.
        app.MapStaticAssets().Add(endpoint =>
        {
            if (endpoint.RequestDelegate is { } next)
            {
                endpoint.RequestDelegate = context =>
                {
                    AddPageHeaders(context.Response);
                    return next(context);
                };
            }
        });

        var page = new PageFile(app.Environment.WebRootFileProvider);
        app.MapGet("/", (HttpContext context) => ServePage(page, context))
            .WithName("PlaygroundPage")
            .WithSummary("The playground page: the weights explorer, training and replay in the browser")
            .ExcludeFromDescription();
        return app;
    }

    /// <summary>Serves index.html with a strong ETag (If-None-Match answers 304) and the page's headers.</summary>
    /// <param name="page">The page file and its ETag.</param>
    /// <param name="context">The request.</param>
    public static Results<PhysicalFileHttpResult, NotFound> ServePage(PageFile page, HttpContext context)
    {
        if (page.Resolve() is not { } file)
        {
            return TypedResults.NotFound();
        }

        AddPageHeaders(context.Response);
        context.Response.Headers.CacheControl = "no-cache";
        return TypedResults.PhysicalFile(file.Path, "text/html; charset=utf-8", lastModified: file.LastModified, entityTag: file.ETag);
    }

    private static void AddPageHeaders(HttpResponse response)
    {
        response.Headers.ContentSecurityPolicy = ContentSecurityPolicy;
        response.Headers.XContentTypeOptions = "nosniff";
        response.Headers["Referrer-Policy"] = "no-referrer";
    }

    /// <summary>index.html from the web root; its ETag is the content's SHA-256, computed again only when the file changes.</summary>
    internal sealed class PageFile(IFileProvider webRoot)
    {
        private Snapshot? _snapshot;

        public Snapshot? Resolve()
        {
            var info = webRoot.GetFileInfo(PageFileName);
            if (!info.Exists || info.PhysicalPath is null)
            {
                return null;
            }

            var current = _snapshot;
            if (current is not null && current.Path == info.PhysicalPath && current.LastModified == info.LastModified && current.Length == info.Length)
            {
                return current;
            }

            using var stream = info.CreateReadStream();
            var hash = Convert.ToBase64String(SHA256.HashData(stream));
            current = new Snapshot(info.PhysicalPath, info.LastModified, info.Length, new EntityTagHeaderValue($"\"{hash}\""));
            _snapshot = current;
            return current;
        }
    }

    internal sealed record Snapshot(string Path, DateTimeOffset LastModified, long Length, EntityTagHeaderValue ETag);
}
