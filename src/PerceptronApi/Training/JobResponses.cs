namespace PerceptronApi.Training;

/// <summary>The JSON view of a job.</summary>
internal static class JobResponses
{
    public static JobResponse From(TrainingJob job, bool includeHistory)
    {
        // One snapshot, so status, history and progress agree with each other.
        var snapshot = job.Read(0, includeHistory ? int.MaxValue : 0);
        var last = includeHistory ? (snapshot.Records.Count > 0 ? snapshot.Records[^1] : null) : job.Last;
        var result = job.Result is { } r
            ? new JobResult(r.Model.Bias, r.Model.Weights, r.Converged, r.StopReason, r.Epochs, r.Errors, r.Accuracy, r.Loss)
            : null;
        return new JobResponse(
            job.Id,
            job.Status,
            job.CreatedAt.UtcDateTime,
            job.StartedAt?.UtcDateTime,
            job.FinishedAt?.UtcDateTime,
            job.Parameters,
            new JobProgress(last?.Epoch ?? 0, job.Parameters.MaxEpochs),
            result,
            includeHistory ? snapshot.Records : null,
            job.Error,
            job.StatusReason);
    }
}
