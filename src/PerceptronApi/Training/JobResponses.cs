using PerceptronApi.Training.Jobs;

namespace PerceptronApi.Training;

/// <summary>The JSON view of a job, as every route that answers with a job shows it.</summary>
internal static class JobResponses
{
    public static JobResponse From(JobRead read, bool includeHistory)
    {
        var job = read.Job;
        return new JobResponse(
            job.Id,
            job.Status,
            job.CreatedAt.UtcDateTime,
            job.StartedAt?.UtcDateTime,
            job.FinishedAt?.UtcDateTime,
            job.Parameters,
            new JobProgress(read.LastEpoch, job.Parameters.MaxEpochs),
            job.Result,
            includeHistory ? RecordJson.From(read.Records) : null,
            job.Error,
            job.StatusReason,
            job.CancelRequestedAt?.UtcDateTime,
            job.Attempts,
            job.Owner);
    }
}
