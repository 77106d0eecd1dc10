namespace PerceptronApi.Training.Jobs;

/// <summary>
/// A job's stored plan that this version of the service cannot read (written by an incompatible version): the job
/// fails with a stated reason instead of being handed from worker to worker forever.
/// </summary>
internal sealed class UnreadablePlanException(string reason) : Exception($"The stored training plan cannot be read: {reason}");
