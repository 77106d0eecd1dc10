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
        builder.AddEndpointFilter((context, next) =>
        {
            // Most requests have no query string: nothing to look at, and no query collection made to find that out.
            var request = context.HttpContext.Request;
            if (!request.QueryString.HasValue || request.Query is not { Count: > 0 } query)
            {
                return next(context);
            }

            Dictionary<string, string[]>? unknown = null;
            foreach (var key in query.Keys)
            {
                if (!allowed.Contains(key))
                {
                    (unknown ??= [])[key] = [$"is not a query parameter of this route. {known}"];
                }
            }

            return unknown is null ? next(context) : ValueTask.FromResult<object?>(TypedResults.ValidationProblem(unknown));
        });
        return builder;
    }
}
