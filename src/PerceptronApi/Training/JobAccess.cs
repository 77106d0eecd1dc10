using PerceptronApi.Infrastructure;
using PerceptronApi.Training.Jobs;

namespace PerceptronApi.Training;

/// <summary>
/// Keeps every key to its own jobs: a route naming a job (<c>{id}</c>) that belongs to another key answers exactly as
/// for a job that does not exist, before its handler runs, so no route can read, stream, cancel, delete or predict
/// with it.
/// </summary>
internal static class JobAccess
{
    /// <summary>Whose jobs this request sees.</summary>
    public static JobOwner Of(HttpContext context) =>
        context.RequestServices.GetRequiredService<ApiKeyRing>().Enabled
            ? new JobOwner(ApiKeyAuthentication.OwnerOf(context.User), Restricted: true)
            : JobOwner.Anyone;

    /// <summary>Answers 404 for another owner's job on every route of <paramref name="group"/> with an <c>{id}</c>.</summary>
    public static RouteGroupBuilder OnlyOwnJobs(this RouteGroupBuilder group)
    {
        group.AddEndpointFilter(async (context, next) =>
        {
            var http = context.HttpContext;
            if (http.Request.RouteValues.TryGetValue("id", out var value) && value is string id && Of(http) is { Restricted: true } owner)
            {
                var read = await http.RequestServices.GetRequiredService<IJobStore>().ReadAsync(id, 0, 0, http.RequestAborted);
                if (read is not null && !owner.Sees(read.Job))
                {
                    return TrainingJobEndpoints.NotFound(id);
                }
            }

            return await next(context);
        });
        return group;
    }
}
