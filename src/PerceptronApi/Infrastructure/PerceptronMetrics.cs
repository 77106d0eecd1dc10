using System.Diagnostics.Metrics;

namespace PerceptronApi.Infrastructure;

/// <summary>
/// The service's own instruments, all on the meter <see cref="MeterName"/> (exported at <c>/metrics</c>). Instrument
/// names follow OpenTelemetry's conventions; the Prometheus exporter turns <c>perceptron.prediction.rows</c> into
/// <c>perceptron_prediction_rows_total</c> and a histogram in seconds into <c>..._seconds</c>.
/// </summary>
internal sealed class PerceptronMetrics
{
    /// <summary>The meter every instrument of the service is on (other parts add their gauges to the same name).</summary>
    public const string MeterName = "PerceptronApi";

    private readonly Counter<long> _predictionRows;
    private readonly Counter<long> _jobsSubmitted;
    private readonly Counter<long> _jobsFinished;
    private readonly Counter<long> _epochs;
    private readonly Histogram<double> _jobDuration;
    private long _queued;
    private long _running;

    public PerceptronMetrics(IMeterFactory meterFactory)
    {
        var meter = meterFactory.Create(MeterName);
        _predictionRows = meter.CreateCounter<long>("perceptron.prediction.rows", "{row}", "Input rows predicted, on every predict route.");
        _jobsSubmitted = meter.CreateCounter<long>("perceptron.jobs.submitted", "{job}", "Training jobs accepted into the queue.");
        _jobsFinished = meter.CreateCounter<long>("perceptron.jobs.finished", "{job}", "Training jobs that reached a final status, by status.");
        _epochs = meter.CreateCounter<long>("perceptron.epochs", "{epoch}", "Epochs trained, over every job.");
        _jobDuration = meter.CreateHistogram<double>(
            "perceptron.job.duration",
            "s",
            "Time from a job's start on a worker to its final status.",
            advice: new InstrumentAdvice<double> { HistogramBucketBoundaries = [0.001, 0.005, 0.01, 0.05, 0.1, 0.5, 1, 5, 10, 30, 60, 300, 600] });
        // Counted in the job store (cluster-wide with a shared one) by a background refresh, not at scrape time: a
        // scrape must not wait for the store.
        meter.CreateObservableGauge("perceptron.jobs.queued", () => Volatile.Read(ref _queued), "{job}", "Training jobs waiting for a worker.");
        meter.CreateObservableGauge("perceptron.jobs.running", () => Volatile.Read(ref _running), "{job}", "Training jobs being trained.");
        Meter = meter;
    }

    /// <summary>How often the queued and running gauges are read from the job store.</summary>
    public static readonly TimeSpan JobCountInterval = TimeSpan.FromSeconds(5);

    /// <summary>The job counts the gauges report, as last read from the job store.</summary>
    public void JobCounts(long queued, long running)
    {
        Volatile.Write(ref _queued, queued);
        Volatile.Write(ref _running, running);
    }

    /// <summary>The meter, for observable gauges registered elsewhere.</summary>
    public Meter Meter { get; }

    /// <summary>Counts the rows of one prediction.</summary>
    public void PredictedRows(int rows) => _predictionRows.Add(rows);

    /// <summary>Counts a job accepted into the queue.</summary>
    public void JobSubmitted() => _jobsSubmitted.Add(1);

    /// <summary>Counts one trained epoch.</summary>
    public void EpochTrained() => _epochs.Add(1);

    /// <summary>Counts a job that reached <paramref name="status"/> and, when it ran, how long it ran.</summary>
    /// <param name="status">The final status, as the contract writes it (succeeded, failed, canceled).</param>
    /// <param name="ran">How long it ran on a worker; null for a job that never started.</param>
    public void JobFinished(string status, TimeSpan? ran)
    {
        var tag = new KeyValuePair<string, object?>("status", status);
        _jobsFinished.Add(1, tag);
        if (ran is { } duration)
        {
            _jobDuration.Record(duration.TotalSeconds, tag);
        }
    }
}
