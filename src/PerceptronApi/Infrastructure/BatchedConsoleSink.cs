using System.Text;
using Serilog.Core;
using Serilog.Events;
using Serilog.Formatting;

namespace PerceptronApi.Infrastructure;

/// <summary>
/// Writes batches of log events to standard output, one buffered write per batch. Serilog's batching (a bounded queue
/// drained on a background task) hands it the events, so a request only enqueues its line; the console sees one write
/// per batch instead of one per event, which under load is most of what logging costs.
/// </summary>
internal sealed class BatchedConsoleSink(ITextFormatter formatter) : IBatchedLogEventSink, IDisposable
{
    private readonly StreamWriter _output = new(Console.OpenStandardOutput(), new UTF8Encoding(encoderShouldEmitUTF8Identifier: false), 64 * 1024)
    {
        AutoFlush = false,
    };

    public async Task EmitBatchAsync(IReadOnlyCollection<LogEvent> batch)
    {
        foreach (var logEvent in batch)
        {
            formatter.Format(logEvent, _output);
        }

        await _output.FlushAsync();
    }

    public Task OnEmptyBatchAsync() => Task.CompletedTask;

    public void Dispose() => _output.Dispose();
}
