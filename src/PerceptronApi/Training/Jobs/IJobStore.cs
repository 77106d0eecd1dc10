namespace PerceptronApi.Training.Jobs;

/// <summary>One epoch record as stored: already serialized, so the store need not know its shape and every reader of
/// it (responses, each event stream) writes the same bytes without serializing again.</summary>
/// <param name="Epoch">The epoch (0 = the initial weights); records are numbered 0, 1, 2… without gaps.</param>
/// <param name="Json">The record as UTF-8 JSON.</param>
internal sealed record JobRecord(int Epoch, byte[] Json);

/// <summary>One write of a running job, in the order the trainer made it: an epoch's trace comes before its record.</summary>
/// <param name="Item">The record, or the epoch's sample steps.</param>
/// <param name="IsTrace">Whether <paramref name="Item"/> holds sample steps (<see cref="IJobStore.AppendTraceAsync"/>).</param>
internal readonly record struct JobWrite(JobRecord Item, bool IsTrace);

/// <summary>A job and some of its records, read at one instant so status, result and history agree.</summary>
/// <param name="Job">The job.</param>
/// <param name="Records">The records asked for (from an epoch, at most a count).</param>
/// <param name="RecordCount">How many records the job has.</param>
internal sealed record JobRead(JobSnapshot Job, IReadOnlyList<JobRecord> Records, int RecordCount)
{
    /// <summary>The last epoch recorded (0 before the first record).</summary>
    public int LastEpoch => Math.Max(RecordCount - 1, 0);
}

/// <summary>The outcome of a compare-and-set: the job as it is now, and whether this change was applied.</summary>
internal sealed record JobUpdate(JobSnapshot Job, bool Applied);

/// <summary>Why a job was not added.</summary>
internal enum CreateRefusal
{
    /// <summary>Added.</summary>
    None,

    /// <summary>Every kept job is still queued or running (Training:MaxRetainedJobs).</summary>
    Full,

    /// <summary>The job does not fit in Training:MaxRetainedBytes even with every finished job evicted.</summary>
    OverBudget,

    /// <summary>The job alone can hold more than Training:MaxRetainedBytes.</summary>
    TooLarge,
}

/// <summary>
/// Where jobs live while they are kept: their snapshots, the data they train on and their records. The in-memory store
/// is the embedded default. Every change goes through here, so a second store (shared by replicas) fits behind it.
/// </summary>
internal interface IJobStore
{
    /// <summary>Adds a job with what it trains on, first evicting finished jobs past the age or count limit.</summary>
    Task<CreateRefusal> CreateAsync(JobSnapshot job, TrainingPlan plan, CancellationToken cancellationToken);

    /// <summary>The job and its records from an epoch (at most <paramref name="max"/>); null when there is no such job.</summary>
    Task<JobRead?> ReadAsync(string id, int from, int max, CancellationToken cancellationToken);

    /// <summary>
    /// Jobs newest first (without records), optionally of one status and of one owner only (null: every owner's),
    /// starting below a sequence number.
    /// </summary>
    Task<IReadOnlyList<JobRead>> ListAsync(JobStatus? status, JobOwner owner, long? before, int limit, CancellationToken cancellationToken);

    /// <summary>
    /// Applies <paramref name="change"/> to the job as it is, atomically: when another writer changed it first, the
    /// change is computed again on the newer snapshot. <paramref name="change"/> returns null to leave the job as it is.
    /// </summary>
    /// <returns>The job afterwards and whether the change applied; null when there is no such job.</returns>
    Task<JobUpdate?> UpdateAsync(string id, Func<JobSnapshot, JobSnapshot?> change, CancellationToken cancellationToken);

    /// <summary>What a worker trains the job on; null once the job finished or is gone.</summary>
    Task<TrainingPlan?> ReadPlanAsync(string id, CancellationToken cancellationToken);

    /// <summary>Appends a record; a record whose epoch is already stored is skipped (a re-run writes nothing twice).</summary>
    /// <returns>False when the job is gone.</returns>
    Task<bool> AppendRecordAsync(string id, JobRecord record, CancellationToken cancellationToken);

    /// <summary>
    /// Stores one epoch's sample steps (a traced job; <see cref="JobRecord.Epoch"/> from 1), before that epoch's record;
    /// an epoch already stored is skipped, as for records. Kept, counted, expired and deleted with the job's records.
    /// </summary>
    /// <returns>False when the job is gone.</returns>
    Task<bool> AppendTraceAsync(string id, JobRecord trace, CancellationToken cancellationToken);

    /// <summary>
    /// Stores several writes in their order, each as <see cref="AppendRecordAsync"/> or <see cref="AppendTraceAsync"/>
    /// would: what a worker has ready goes in one call (for a shared store, one round trip), so a short job does not
    /// wait on the network once per epoch.
    /// </summary>
    /// <returns>False when the job is gone.</returns>
    Task<bool> AppendAsync(string id, IReadOnlyList<JobWrite> writes, CancellationToken cancellationToken);

    /// <summary>One epoch's stored sample steps; null when the job is gone or that epoch has none (yet).</summary>
    Task<JobRecord?> ReadTraceAsync(string id, int epoch, CancellationToken cancellationToken);

    /// <summary>
    /// Completes at the next change of the job after this call: a record, a new snapshot, or its deletion. Take it
    /// before reading, so that nothing changed between the read and the wait is missed.
    /// </summary>
    Task WhenChanged(string id);

    /// <summary>
    /// Completes when the job finishes or is deleted (take it before reading, as <see cref="WhenChanged"/>): what a wait
    /// for the job's end needs, without waking at every record. A store may complete it at any change, as
    /// <see cref="WhenChanged"/> does; a waiter reads the job to know.
    /// </summary>
    Task WhenFinished(string id) => WhenChanged(id);

    /// <summary>
    /// Completes once a cancel was asked for the job (<see cref="JobSnapshot.CancelRequestedAt"/>), or it is gone: the
    /// running worker stops on it. Canceled with <paramref name="cancellationToken"/>.
    /// </summary>
    Task WhenCancelRequested(string id, CancellationToken cancellationToken);

    /// <summary>Removes the job, its data and its records; false when there was none.</summary>
    Task<bool> DeleteAsync(string id, CancellationToken cancellationToken);

    /// <summary>Drops finished jobs older than the age limit.</summary>
    Task<int> EvictExpiredAsync(CancellationToken cancellationToken);

    /// <summary>
    /// The bytes all kept jobs hold against Training:MaxRetainedBytes (<see cref="JobMemory"/>); for a shared store,
    /// every replica's jobs, which the retained-bytes gauge then reports.
    /// </summary>
    Task<long> MeasureRetainedBytesAsync(CancellationToken cancellationToken);
}
