using System.Collections.Frozen;

namespace PerceptronApi.Infrastructure;

/// <summary>
/// Refuses query parameters a route does not read, so a misspelt one (<c>?limt=5</c>) is a 400 naming it rather than
/// a silent default.
/// </summary>
internal static class QueryParameters
{
    /// <summary>Allows only <paramref name="names"/> in the query string of these endpoints (none when empty).</summary>
    public static TBuilder AllowQuery<TBuilder>(this TBuilder builder, params string[] names)
        where TBuilder : IEndpointConventionBuilder
    {
        var allowed = names.ToFrozenSet(StringComparer.OrdinalIgnoreCase);
        var known = names.Length == 0 ? "This route takes no query parameters." : $"Known: {string.Join(", ", names)}.";
        builder.AddEndpointFilter(async (context, next) =>
        {
            var unknown = context.HttpContext.Request.Query.Keys.Where(key => !allowed.Contains(key)).ToList();
            return unknown.Count == 0
                ? await next(context)
                : TypedResults.ValidationProblem(unknown.ToDictionary(key => key, _ => new[] { $"is not a query parameter of this route. {known}" }));
        });
        return builder;
    }
}
