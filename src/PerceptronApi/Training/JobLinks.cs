using PerceptronApi.Models;

namespace PerceptronApi.Training;

/// <summary>The URLs the job routes answer with: a job's location and the next page of a list or a history.</summary>
internal static class JobLinks
{
    public const string Route = "/api/v1/training-jobs";

    public static string Job(string id) => $"{Route}/{id}";

    public static string NextJobs(JobStatus? status, int size, long cursor) =>
        $"{Route}?{(status is null ? "" : $"status={ModelMapping.Name(status.Value)}&")}limit={size}&cursor={cursor}";

    public static string NextHistory(string id, int from, int size) => $"{Route}/{id}/history?from={from}&limit={size}";
}
