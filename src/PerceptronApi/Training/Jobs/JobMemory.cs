using System.Diagnostics.Metrics;
using Microsoft.Extensions.Options;

namespace PerceptronApi.Training.Jobs;

/// <summary>
/// The bytes all kept jobs hold, against <see cref="JobQuotaOptions.MaxRetainedBytes"/>. A job reserves, when it is
/// accepted, the most it can hold: its data and its largest history. Once it finishes, its data is released and it
/// holds only the records (and a traced job's steps) it wrote. The total is the gauge <c>perceptron.jobs.retained_bytes</c> on the service's
/// meter (<c>perceptron_jobs_retained_bytes</c> at <c>/metrics</c>). The in-memory store adds and gives back bytes as
/// it goes; a shared store keeps the figure itself (every replica's jobs) and reports what it measured with
/// <see cref="Observe"/>.
/// </summary>
internal sealed class JobMemory
{
    /// <summary>The meter every instrument of the service is on.</summary>
    public const string MeterName = "PerceptronApi";

    // Upper bounds of one record as JSON: the fixed fields ({"epoch":…,"bias":…,"updates":…,"errors":…,"accuracy":…,
    // "loss":…}) and one number of at most 24 characters and a comma per weight; and what .NET adds per record (the
    // record object, the byte array's header, its slot in the job's list).
    private const long RecordFixedBytes = 192;
    private const long BytesPerNumber = 25;
    private const long RecordOverheadBytes = 64;

    // Upper bounds of one trace step as JSON: its fixed fields ({"step":…,"sample":…,"inputs":[…],"z":…,"output":…,
    // "expected":…,"error":…,"updated":false,"bias":…,"weights":[…]}, two integers and five numbers) and two numbers
    // per feature (its input and its weight).
    private const long StepFixedBytes = 320;

    private long _used;

    public JobMemory(IOptions<JobQuotaOptions> options, IMeterFactory meters)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(meters);
        Budget = options.Value.MaxRetainedBytes;
        var meter = meters.Create(MeterName);
        meter.CreateObservableGauge("perceptron.jobs.retained_bytes", () => Used, "By", "Bytes kept for training jobs: data of unfinished jobs and every history.");
        meter.CreateObservableGauge("perceptron.jobs.retained_bytes_limit", () => Budget, "By", "Training:MaxRetainedBytes, the most bytes kept for training jobs.");
    }

    private JobMemory(long budget) => Budget = budget;

    /// <summary>Training:MaxRetainedBytes.</summary>
    public long Budget { get; }

    /// <summary>The bytes held now.</summary>
    public long Used => Interlocked.Read(ref _used);

    /// <summary>Accounting without a limit or instruments, for a store made outside the service (tests, tools).</summary>
    public static JobMemory Unbounded() => new(long.MaxValue);

    /// <summary>Accounting against <paramref name="budget"/> bytes without instruments, for a store made outside the service.</summary>
    public static JobMemory WithBudget(long budget) => new(budget);

    /// <summary>The most an accepted job can hold: its data and its largest history.</summary>
    public static long Reservation(TrainingPlan plan) => Reservation(plan, storedDataBytes: 0);

    /// <summary>
    /// The most an accepted job can hold where its data is kept as <paramref name="storedDataBytes"/> bytes (a shared
    /// store keeps it serialized, which can be larger than in memory): the larger of the two, and its largest history.
    /// </summary>
    public static long Reservation(TrainingPlan plan, long storedDataBytes) =>
        Math.Max(DataBytes(plan), storedDataBytes) + HistoryBytes(plan.Parameters.MaxEpochs + 1L, plan.Parameters.Features)
        + TraceBytes(plan);

    /// <summary>The bytes of one stored record.</summary>
    public static long RecordBytes(JobRecord record) => record.Json.Length + RecordOverheadBytes;

    /// <summary>Whether <paramref name="bytes"/> more fit, the <paramref name="freeable"/> bytes of evictable jobs counted as free.</summary>
    public bool Fits(long bytes, long freeable = 0) => Used - freeable + bytes <= Budget;

    /// <summary>Adds (or, negative, gives back) bytes held.</summary>
    public void Add(long bytes) => Interlocked.Add(ref _used, bytes);

    /// <summary>The bytes held now as a shared store measured them, across every replica (what the gauge reports).</summary>
    public void Observe(long bytes) => Interlocked.Exchange(ref _used, bytes);

    private static long DataBytes(TrainingPlan plan) =>
        (8L * plan.Data.Samples * plan.Data.Features) + (8L * plan.Data.Samples) + 256;

    /// <summary>A traced job's every step of every epoch, each epoch's trace stored like a record.</summary>
    private static long TraceBytes(TrainingPlan plan) => plan.Options.Trace
        ? (plan.Parameters.MaxEpochs * (RecordFixedBytes + RecordOverheadBytes)) + ((long)plan.Parameters.MaxEpochs * plan.Parameters.Samples * (StepFixedBytes + (2L * BytesPerNumber * plan.Parameters.Features)))
        : 0;

    private static long HistoryBytes(long records, int weights) =>
        records * (RecordFixedBytes + (BytesPerNumber * (weights + 1)) + RecordOverheadBytes);
}
