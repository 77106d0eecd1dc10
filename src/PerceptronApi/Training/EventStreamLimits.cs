using System.Net.ServerSentEvents;
using System.Runtime.CompilerServices;
using Microsoft.Extensions.Options;

namespace PerceptronApi.Training;

/// <summary>Why an event stream was not opened.</summary>
internal enum StreamRefusal
{
    /// <summary>Opened.</summary>
    None,

    /// <summary>Training:MaxStreamsPerJob streams follow the job already.</summary>
    PerJob,

    /// <summary>The client has Training:MaxStreamsPerClient streams open already.</summary>
    PerClient,
}

/// <summary>
/// Counts open event streams per job and per client against <see cref="JobQuotaOptions.MaxStreamsPerJob"/> and
/// <see cref="JobQuotaOptions.MaxStreamsPerClient"/>, and on shutdown closes the streams still open after a short grace
/// (time for their final event), so a reader that stopped reading cannot hold the process for the host's whole timeout.
/// </summary>
internal sealed class EventStreamLimits : IDisposable
{
    /// <summary>How long streams get, once shutdown begins, to send their final events before they are closed.</summary>
    public static readonly TimeSpan ShutdownGrace = TimeSpan.FromSeconds(1);

    private readonly Lock _gate = new();
    private readonly Dictionary<string, int> _perJob = new(StringComparer.Ordinal);
    private readonly Dictionary<string, int> _perClient = new(StringComparer.Ordinal);
    private readonly HashSet<HttpContext> _open = [];
    private readonly IOptions<JobQuotaOptions> _options;
    private readonly CancellationTokenRegistration _stopping;
    private readonly CancellationTokenSource _closeAll = new();

    public EventStreamLimits(IOptions<JobQuotaOptions> options, IHostApplicationLifetime lifetime)
    {
        _options = options;
        _stopping = lifetime.ApplicationStopping.Register(() => _closeAll.CancelAfter(ShutdownGrace));
        _closeAll.Token.Register(CloseAll);
    }

    /// <summary>How many streams are open now.</summary>
    public int Open
    {
        get
        {
            lock (_gate)
            {
                return _open.Count;
            }
        }
    }

    /// <summary>Counts a stream of <paramref name="client"/> on job <paramref name="id"/>, or says which limit refuses it.</summary>
    public StreamRefusal TryOpen(HttpContext context, string id, string client)
    {
        var limits = _options.Value;
        lock (_gate)
        {
            if (_perJob.GetValueOrDefault(id) >= limits.MaxStreamsPerJob)
            {
                return StreamRefusal.PerJob;
            }

            if (_perClient.GetValueOrDefault(client) >= limits.MaxStreamsPerClient)
            {
                return StreamRefusal.PerClient;
            }

            _perJob[id] = _perJob.GetValueOrDefault(id) + 1;
            _perClient[client] = _perClient.GetValueOrDefault(client) + 1;
            _open.Add(context);
        }

        // Also when the stream is never enumerated (the response failed before it started).
        context.Response.OnCompleted(() =>
        {
            Close(context, id, client);
            return Task.CompletedTask;
        });

        return StreamRefusal.None;
    }

    /// <summary>The events of a stream opened with <see cref="TryOpen"/>; its count is given back when it ends, however it ends.</summary>
    public async IAsyncEnumerable<SseItem<byte[]>> Counted(
        IAsyncEnumerable<SseItem<byte[]>> events,
        HttpContext context,
        string id,
        string client,
        [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        try
        {
            await foreach (var item in events.WithCancellation(cancellationToken))
            {
                yield return item;
            }
        }
        finally
        {
            Close(context, id, client);
        }
    }

    public void Dispose()
    {
        _stopping.Dispose();
        _closeAll.Dispose();
    }

    private void Close(HttpContext context, string id, string client)
    {
        lock (_gate)
        {
            if (!_open.Remove(context))
            {
                return;
            }

            Decrement(_perJob, id);
            Decrement(_perClient, client);
        }
    }

    private void CloseAll()
    {
        HttpContext[] open;
        lock (_gate)
        {
            open = [.. _open];
        }

        foreach (var context in open)
        {
            context.Abort();
        }
    }

    private static void Decrement(Dictionary<string, int> counts, string key)
    {
        if (counts[key] <= 1)
        {
            counts.Remove(key);
        }
        else
        {
            counts[key]--;
        }
    }
}
