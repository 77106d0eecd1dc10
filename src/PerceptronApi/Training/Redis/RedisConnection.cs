using System.Collections.Concurrent;
using Microsoft.Extensions.Options;
using StackExchange.Redis;

namespace PerceptronApi.Training.Redis;

/// <summary>
/// The one connection to Redis this process shares, and the wake-ups it hears: a message on a channel completes the
/// local waiters of that job (or of the queue). It connects in the background and reconnects by itself; until it can,
/// every call fails fast with a <see cref="RedisConnectionException"/>, answered as a 503.
/// </summary>
internal sealed class RedisConnection : IAsyncDisposable
{
    private readonly ConnectionMultiplexer _multiplexer;
    private readonly ConcurrentDictionary<string, TaskCompletionSource> _changed = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, TaskCompletionSource> _finished = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, TaskCompletionSource> _canceled = new(StringComparer.Ordinal);
    private TaskCompletionSource _queued = new(TaskCreationOptions.RunContinuationsAsynchronously);

    public RedisConnection(string configuration, IOptions<RedisOptions> options)
    {
        var settings = options.Value;
        Keys = new RedisKeys(settings.KeyPrefix);
        PollInterval = settings.PollInterval;
        _multiplexer = ConnectionMultiplexer.Connect(Configure(configuration, settings));

        // Subscriptions are restored by the client after a reconnect.
        var subscriber = _multiplexer.GetSubscriber();
        subscriber.Subscribe(RedisChannel.Literal(Keys.ChangedChannel), (_, id) => Complete(_changed, id!));
        subscriber.Subscribe(RedisChannel.Literal(Keys.FinishedChannel), (_, id) => Complete(_finished, id!));
        subscriber.Subscribe(RedisChannel.Literal(Keys.CancelChannel), (_, id) => Complete(_canceled, id!));
        subscriber.Subscribe(RedisChannel.Literal(Keys.QueueChannel), (_, _) => Interlocked.Exchange(ref _queued, new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously)).TrySetResult());
    }

    public RedisKeys Keys { get; }

    /// <summary>
    /// The client's settings: every call's timeout is reported within <see cref="RedisOptions.OperationTimeout"/>. The
    /// client looks for calls past their timeout only at its heartbeat (1 s by default), so a 3 s timeout was answered
    /// up to 4 s after the call; here the heartbeat is a tenth of the timeout and the call's own timeout one heartbeat
    /// shorter, so timeout plus the wait for the heartbeat that notices it stays within the setting.
    /// </summary>
    internal static ConfigurationOptions Configure(string configuration, RedisOptions settings)
    {
        var config = ConfigurationOptions.Parse(configuration);
        config.AbortOnConnectFail = false;
        var timeout = (int)settings.OperationTimeout.TotalMilliseconds;
        var heartbeat = Math.Clamp(timeout / 10, 10, 1000);
        config.HeartbeatInterval = TimeSpan.FromMilliseconds(heartbeat);
        config.ConnectTimeout = Math.Min(config.ConnectTimeout, timeout);
        config.SyncTimeout = timeout - heartbeat;
        config.AsyncTimeout = timeout - heartbeat;
        config.ConnectRetry = int.MaxValue;
        config.ReconnectRetryPolicy = new ExponentialRetry(100, 2000);
        config.ClientName ??= "perceptron-api";
        return config;
    }

    public TimeSpan PollInterval { get; }

    public IDatabase Database => _multiplexer.GetDatabase();

    public bool IsConnected => _multiplexer.IsConnected;

    /// <summary>Completes at the next change message for the job, or after the poll interval.</summary>
    public Task WhenChanged(string id) => Wait(_changed, id);

    /// <summary>Completes at the message that the job finished or was deleted, or after the poll interval.</summary>
    public Task WhenFinished(string id) => Wait(_finished, id);

    /// <summary>Completes at the next cancel message for the job, or after the poll interval.</summary>
    public Task WhenCancelMessage(string id) => Wait(_canceled, id);

    /// <summary>Completes when a job is queued anywhere, or after the poll interval.</summary>
    public Task WhenQueued() => Task.WhenAny(Volatile.Read(ref _queued).Task, Task.Delay(PollInterval));

    public ValueTask DisposeAsync() => _multiplexer.DisposeAsync();

    private Task<Task> Wait(ConcurrentDictionary<string, TaskCompletionSource> waiters, string id) =>
        Task.WhenAny(waiters.GetOrAdd(id, _ => new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously)).Task, Task.Delay(PollInterval));

    private static void Complete(ConcurrentDictionary<string, TaskCompletionSource> waiters, string id)
    {
        if (waiters.TryRemove(id, out var waiting))
        {
            waiting.TrySetResult();
        }
    }
}

/// <summary>Every key and channel the shared store uses, under one prefix.</summary>
internal sealed class RedisKeys(string prefix)
{
    /// <summary>A job's snapshot (a JSON string).</summary>
    public RedisKey Job(string id) => $"{prefix}job:{id}";

    /// <summary>What a job trains on, until it ends (a JSON string).</summary>
    public RedisKey Plan(string id) => $"{prefix}plan:{id}";

    /// <summary>A job's epoch records: a stream whose entry ids are <c>{epoch}-1</c>.</summary>
    public RedisKey Records(string id) => $"{prefix}records:{id}";

    /// <summary>A traced job's sample steps: a hash from the epoch to that epoch's steps as JSON.</summary>
    public RedisKey Trace(string id) => $"{prefix}trace:{id}";

    /// <summary>Every kept job by sequence (a sorted set).</summary>
    public RedisKey Jobs => $"{prefix}jobs";

    /// <summary>The finished jobs by sequence (a sorted set): the oldest is evicted first to make room.</summary>
    public RedisKey Finished => $"{prefix}finished";

    /// <summary>What each kept job reserved when it was accepted, in bytes (a hash by job id), against Training:MaxRetainedBytes.</summary>
    public RedisKey Reserved => $"{prefix}reserved";

    /// <summary>
    /// What each kept job's stored data takes, in bytes (a hash by job id): every append (a record, or any other data a
    /// job keeps) adds its size here in the same script that stores it.
    /// </summary>
    public RedisKey Written => $"{prefix}written";

    /// <summary>
    /// The bytes every kept job holds (an integer): kept by the same scripts that change <see cref="Reserved"/>,
    /// <see cref="Written"/> and <see cref="Finished"/>, so admitting a job reads one number instead of every job's entries.
    /// </summary>
    public RedisKey Held => $"{prefix}held";

    /// <summary>The queue: a stream read by the workers' consumer group; a pending entry is a lease.</summary>
    public RedisKey Queue => $"{prefix}queue";

    /// <summary>The jobs that wait, by sequence (a sorted set): the queue's count and what a cancel takes out.</summary>
    public RedisKey Waiting => $"{prefix}waiting";

    /// <summary>Each waiting job's queue entry id (a hash), so a removed job's entry is deleted too.</summary>
    public RedisKey Entries => $"{prefix}entries";

    public string Group { get; } = "workers";

    public string ChangedChannel => $"{prefix}changed";

    public string CancelChannel => $"{prefix}cancel";

    /// <summary>Where a job's end (or its deletion) is announced, besides <see cref="ChangedChannel"/>.</summary>
    public string FinishedChannel => $"{prefix}finished-jobs";

    public string QueueChannel => $"{prefix}queued";
}
