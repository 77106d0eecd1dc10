using Microsoft.AspNetCore.Http.Metadata;

namespace PerceptronApi.Infrastructure;

/// <summary>
/// The <c>http_route</c> label of the HTTP server's request duration (API.md §4.6): the route's template without a
/// trailing slash. A group's <c>MapGet("/")</c> joins to <c>/api/v1/gates/</c>, while clients call (and OpenAPI names)
/// <c>/api/v1/gates</c>; the framework's metrics read the label from <see cref="IRouteDiagnosticsMetadata"/>, so each
/// endpoint of a group gets that metadata with the template a scraper should group it under.
/// </summary>
internal static class RouteLabels
{
    public static RouteGroupBuilder WithRouteLabels(this RouteGroupBuilder group)
    {
        // Finally: after the group's and the endpoint's own conventions, so this label is the last (the one read).
        ((IEndpointConventionBuilder)group).Finally(endpoint =>
        {
            if (endpoint is RouteEndpointBuilder { RoutePattern.RawText: { } template })
            {
                endpoint.Metadata.Add(new RouteLabel(Label(template)));
            }
        });
        return group;
    }

    /// <summary>The template as a label: no trailing slash, except the root's own.</summary>
    internal static string Label(string template) => template.Length > 1 && template.EndsWith('/') ? template[..^1] : template;

    private sealed record RouteLabel(string Route) : IRouteDiagnosticsMetadata;
}
