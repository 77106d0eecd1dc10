using Serilog.Core;
using Serilog.Events;

namespace PerceptronApi.Tests.Infrastructure;

/// <summary>A log sink that hands every event to the test (a list's <c>Add</c>, a queue's <c>Enqueue</c>).</summary>
internal sealed class LogEventCapture(Action<LogEvent> keep) : ILogEventSink
{
    public void Emit(LogEvent logEvent) => keep(logEvent);
}
