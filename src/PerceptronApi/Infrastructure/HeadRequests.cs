using System.IO.Pipelines;
using Microsoft.AspNetCore.Http.Features;

namespace PerceptronApi.Infrastructure;

/// <summary>
/// Answers HEAD on every GET route as GET would, without the body (RFC 9110 §9.3.2), instead of 405. It runs before
/// routing (a startup filter, ahead of the routing the host adds), so the GET endpoint is the one matched. An event
/// stream is ended as soon as its headers are out: a HEAD request waits for nothing.
/// </summary>
internal sealed class HeadRequests : IStartupFilter
{
    public Action<IApplicationBuilder> Configure(Action<IApplicationBuilder> next) => app =>
    {
        app.Use(AnswerLikeGetAsync);
        next(app);
    };

    // Not async itself: every other request passes straight through, without a state machine of its own.
    private static Task AnswerLikeGetAsync(HttpContext context, RequestDelegate next) =>
        HttpMethods.IsHead(context.Request.Method) ? AnswerHeadAsync(context, next) : next(context);

    private static async Task AnswerHeadAsync(HttpContext context, RequestDelegate next)
    {
        var original = context.Features.GetRequiredFeature<IHttpResponseBodyFeature>();
        var aborted = context.RequestAborted;
        using var headersSent = CancellationTokenSource.CreateLinkedTokenSource(aborted);
        context.Request.Method = HttpMethods.Get;
        context.RequestAborted = headersSent.Token;
        context.Features.Set<IHttpResponseBodyFeature>(new DiscardedBody(original, context, headersSent));
        context.Response.OnStarting(() =>
        {
            // Logs and the server see the method the client sent.
            context.Request.Method = HttpMethods.Head;
            return Task.CompletedTask;
        });
        try
        {
            await next(context);
        }
        catch (OperationCanceledException) when (headersSent.IsCancellationRequested && !aborted.IsCancellationRequested)
        {
            // The event stream stopped after its headers, as intended.
        }
        finally
        {
            context.Features.Set(original);
            context.RequestAborted = aborted;
            context.Request.Method = HttpMethods.Head;
        }
    }

    /// <summary>Sends the headers (at the first write, as the server would) and drops every byte of the body.</summary>
    private sealed class DiscardedBody : Stream, IHttpResponseBodyFeature
    {
        private readonly IHttpResponseBodyFeature _inner;
        private readonly HttpContext _context;
        private readonly CancellationTokenSource _headersSent;
        private PipeWriter? _writer;

        public DiscardedBody(IHttpResponseBodyFeature inner, HttpContext context, CancellationTokenSource headersSent)
        {
            _inner = inner;
            _context = context;
            _headersSent = headersSent;
        }

        public Stream Stream => this;

        public PipeWriter Writer => _writer ??= PipeWriter.Create(this, new StreamPipeWriterOptions(leaveOpen: true));

        public override bool CanRead => false;

        public override bool CanSeek => false;

        public override bool CanWrite => true;

        public override long Length => throw new NotSupportedException();

        public override long Position { get => throw new NotSupportedException(); set => throw new NotSupportedException(); }

        public void DisableBuffering() => _inner.DisableBuffering();

        public async Task StartAsync(CancellationToken cancellationToken = default)
        {
            if (_context.Response.HasStarted)
            {
                return;
            }

            await _inner.StartAsync(cancellationToken);
            if (_context.Response.ContentType?.StartsWith("text/event-stream", StringComparison.OrdinalIgnoreCase) == true)
            {
                await _headersSent.CancelAsync();
            }
        }

        public Task SendFileAsync(string path, long offset, long? count, CancellationToken cancellationToken = default) => StartAsync(cancellationToken);

        public Task CompleteAsync() => _inner.CompleteAsync();

        public override async ValueTask WriteAsync(ReadOnlyMemory<byte> buffer, CancellationToken cancellationToken = default) =>
            await StartAsync(cancellationToken);

        public override Task WriteAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) => StartAsync(cancellationToken);

        public override Task FlushAsync(CancellationToken cancellationToken) => StartAsync(cancellationToken);

        public override void Write(byte[] buffer, int offset, int count) => throw new InvalidOperationException("The body is written asynchronously.");

        public override void Flush()
        {
        }

        public override int Read(byte[] buffer, int offset, int count) => throw new NotSupportedException();

        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

        public override void SetLength(long value) => throw new NotSupportedException();
    }
}
