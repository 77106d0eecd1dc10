namespace PerceptronApi.Training;

/// <summary>The JSON view of a job.</summary>
internal static class JobResponses
{
    public static JobResponse From(TrainingJob job, bool includeHistory)
    {
        var view = job.Observe(includeHistory);
        var result = view.Result is { } r
            ? new JobResult(r.Model.Bias, r.Model.Weights, r.Converged, r.StopReason, r.Epochs, r.Errors, r.Accuracy, r.Loss)
            : null;
        return new JobResponse(
            job.Id,
            view.Status,
            job.CreatedAt.UtcDateTime,
            view.StartedAt?.UtcDateTime,
            view.FinishedAt?.UtcDateTime,
            job.Parameters,
            new JobProgress(view.LastEpoch, job.Parameters.MaxEpochs),
            result,
            view.History,
            view.Error,
            view.StatusReason);
    }
}
