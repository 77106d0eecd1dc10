using Microsoft.AspNetCore.Mvc;

namespace PerceptronApi.Infrastructure;

/// <summary>Answers from middleware, before any endpoint runs, with a problem through the same pipeline as the routes.</summary>
internal static class ProblemResponse
{
    public static async Task WriteAsync(HttpContext context, ProblemDetails problem)
    {
        context.Response.StatusCode = problem.Status ?? StatusCodes.Status400BadRequest;
        await context.RequestServices.GetRequiredService<IProblemDetailsService>().WriteAsync(new ProblemDetailsContext
        {
            HttpContext = context,
            ProblemDetails = problem,
        });
    }
}
