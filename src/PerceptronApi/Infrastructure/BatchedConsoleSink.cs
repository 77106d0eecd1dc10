using System.Buffers;
using System.Text;
using Serilog.Core;
using Serilog.Events;
using Serilog.Formatting;

namespace PerceptronApi.Infrastructure;

/// <summary>
/// Writes batches of log events to standard output, one write per batch (or per 64 KiB). Serilog's batching (a bounded
/// queue drained on a background task) hands it the events, so a request only enqueues its line; the console sees one
/// write per batch instead of one per event, which under load is most of what logging costs. JSON lines are formatted
/// straight into UTF-8 bytes (<see cref="CompactJsonLineFormatter"/>); other formats go through a text writer.
/// </summary>
internal sealed class BatchedConsoleSink : IBatchedLogEventSink, IDisposable
{
    private const int WriteBytes = 64 * 1024;

    private readonly ITextFormatter _formatter;
    private readonly Stream _stdout = Console.OpenStandardOutput();
    private readonly StreamWriter? _text;
    private readonly ArrayBufferWriter<byte> _bytes = new(WriteBytes);

    public BatchedConsoleSink(ITextFormatter formatter)
    {
        _formatter = formatter;
        if (formatter is not CompactJsonLineFormatter)
        {
            _text = new StreamWriter(_stdout, new UTF8Encoding(encoderShouldEmitUTF8Identifier: false), WriteBytes) { AutoFlush = false };
        }
    }

    public Task EmitBatchAsync(IReadOnlyCollection<LogEvent> batch)
    {
        if (_formatter is CompactJsonLineFormatter json)
        {
            // Written synchronously on the batching task: it is off every request's path, and a console stream has no
            // asynchronous write of its own (its WriteAsync would only move the same write to another thread).
            foreach (var logEvent in batch)
            {
                json.Format(logEvent, _bytes);
                if (_bytes.WrittenCount >= WriteBytes)
                {
                    WriteOut();
                }
            }

            WriteOut();
            return Task.CompletedTask;
        }

        foreach (var logEvent in batch)
        {
            _formatter.Format(logEvent, _text!);
        }

        return _text!.FlushAsync();
    }

    private void WriteOut()
    {
        if (_bytes.WrittenCount == 0)
        {
            return;
        }

        _stdout.Write(_bytes.WrittenSpan);
        _bytes.ResetWrittenCount();
        _stdout.Flush();
    }

    public Task OnEmptyBatchAsync() => Task.CompletedTask;

    public void Dispose()
    {
        if (_text is not null)
        {
            _text.Dispose();
        }
        else
        {
            _stdout.Dispose();
        }
    }
}
