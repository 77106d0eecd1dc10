using System.IO.Pipelines;
using Microsoft.AspNetCore.Http.Features;

namespace PerceptronApi.Infrastructure;

/// <summary>
/// Closes a connection whose client stopped reading: every write of the response body that has to wait (the
/// connection's buffers are full) may wait at most a given time, then the connection is aborted. Writes that need no
/// waiting cost nothing extra. For long-lived responses (event streams), where Kestrel's own limits wait for hours.
/// </summary>
internal static class ResponseWriteTimeout
{
    /// <summary>Applies <paramref name="timeout"/> to every later write of <paramref name="context"/>'s response body.</summary>
    public static void Apply(HttpContext context, TimeSpan timeout)
    {
        var inner = context.Features.GetRequiredFeature<IHttpResponseBodyFeature>();
        context.Features.Set<IHttpResponseBodyFeature>(new TimedBody(inner, new TimedWriter(inner.Writer, timeout, context)));
    }

    private sealed class TimedBody(IHttpResponseBodyFeature inner, TimedWriter writer) : IHttpResponseBodyFeature
    {
        private Stream? _stream;

        public Stream Stream => _stream ??= writer.AsStream(leaveOpen: true);

        public PipeWriter Writer => writer;

        public void DisableBuffering() => inner.DisableBuffering();

        public Task StartAsync(CancellationToken cancellationToken = default) => inner.StartAsync(cancellationToken);

        public Task SendFileAsync(string path, long offset, long? count, CancellationToken cancellationToken = default) =>
            inner.SendFileAsync(path, offset, count, cancellationToken);

        public Task CompleteAsync() => inner.CompleteAsync();
    }

    private sealed class TimedWriter(PipeWriter inner, TimeSpan timeout, HttpContext context) : PipeWriter
    {
        public override void Advance(int bytes) => inner.Advance(bytes);

        public override Memory<byte> GetMemory(int sizeHint = 0) => inner.GetMemory(sizeHint);

        public override Span<byte> GetSpan(int sizeHint = 0) => inner.GetSpan(sizeHint);

        public override void CancelPendingFlush() => inner.CancelPendingFlush();

        public override void Complete(Exception? exception = null) => inner.Complete(exception);

        public override ValueTask CompleteAsync(Exception? exception = null) => inner.CompleteAsync(exception);

        public override ValueTask<FlushResult> FlushAsync(CancellationToken cancellationToken = default) =>
            Timed(inner.FlushAsync(cancellationToken));

        public override ValueTask<FlushResult> WriteAsync(ReadOnlyMemory<byte> source, CancellationToken cancellationToken = default) =>
            Timed(inner.WriteAsync(source, cancellationToken));

        private ValueTask<FlushResult> Timed(ValueTask<FlushResult> write) =>
            write.IsCompleted ? write : WaitAsync(write);

        private async ValueTask<FlushResult> WaitAsync(ValueTask<FlushResult> write)
        {
            using var deadline = new CancellationTokenSource(timeout);
            await using var abort = deadline.Token.Register(static state => ((HttpContext)state!).Abort(), context);
            return await write;
        }
    }
}
