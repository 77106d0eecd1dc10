namespace PerceptronApi.Training.Jobs;

/// <summary>
/// Whose jobs a caller sees: with API keys configured, only the jobs its key created (another key's job does not
/// exist for it); on an open service, or for the service itself, every job.
/// </summary>
/// <param name="Name">The key's name; ignored for <see cref="Anyone"/>.</param>
/// <param name="Restricted">Whether only <paramref name="Name"/>'s jobs are seen.</param>
internal readonly record struct JobOwner(string? Name, bool Restricted)
{
    /// <summary>Every job (the workers, an open service).</summary>
    public static JobOwner Anyone => new(null, Restricted: false);

    /// <summary>Whether <paramref name="job"/> is visible to this caller.</summary>
    public bool Sees(JobSnapshot job) => !Restricted || string.Equals(job.Owner, Name, StringComparison.Ordinal);
}
