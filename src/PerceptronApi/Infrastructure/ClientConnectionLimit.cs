using System.Diagnostics.Metrics;
using System.Net;
using Microsoft.AspNetCore.Connections;
using Microsoft.Extensions.Options;

namespace PerceptronApi.Infrastructure;

/// <summary>
/// <see cref="ServerOptions.MaxConnectionsPerClient"/>: how many connections one client address may hold open at once
/// (an IPv6 client counted by its /64, as for the rate limits), so one client cannot take every connection
/// Server:MaxConcurrentConnections allows. A connection above it is closed before anything is read from it. The
/// address is the direct peer's: behind a proxy every connection is the proxy's.
/// </summary>
internal sealed partial class ClientConnectionLimit
{
    private readonly int _limit;
    private readonly ILogger<ClientConnectionLimit> _logger;
    private readonly Counter<long> _refused;
    private readonly Lock _gate = new();

    // Only addresses with a connection open are here: the table is as large as the connections, no larger.
    private readonly Dictionary<string, int> _open = new(StringComparer.Ordinal);

    public ClientConnectionLimit(IOptions<ServerOptions> options, IMeterFactory meters, ILogger<ClientConnectionLimit> logger)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(meters);
        _limit = options.Value.MaxConnectionsPerClient;
        _logger = logger;
        _refused = meters.Create(PerceptronMetrics.MeterName).CreateCounter<long>(
            "perceptron.connections.refused",
            "{connection}",
            "Connections closed at once because their client address had Server:MaxConnectionsPerClient open.");
    }

    /// <summary>The connection middleware: counts the client's connections around the rest of the pipeline.</summary>
    public ConnectionDelegate Apply(ConnectionDelegate next) => async connection =>
    {
        if (connection.RemoteEndPoint is not IPEndPoint { Address: var address })
        {
            // Not a network peer (a Unix socket): nothing to count by.
            await next(connection);
            return;
        }

        var client = ClientIdentity.Network(address);
        if (!TryOpen(client))
        {
            _refused.Add(1);
            LogRefused(_logger, client, _limit);
            await connection.DisposeAsync();
            return;
        }

        try
        {
            await next(connection);
        }
        finally
        {
            Close(client);
        }
    };

    private bool TryOpen(string client)
    {
        lock (_gate)
        {
            var open = _open.GetValueOrDefault(client);
            if (open >= _limit)
            {
                return false;
            }

            _open[client] = open + 1;
            return true;
        }
    }

    private void Close(string client)
    {
        lock (_gate)
        {
            if (_open[client] is var open and > 1)
            {
                _open[client] = open - 1;
            }
            else
            {
                _open.Remove(client);
            }
        }
    }

    // Debug, not warning: a client that floods connections would otherwise flood the log too; the counter shows it.
    [LoggerMessage(Level = LogLevel.Debug, Message = "Connection from {Client} closed: it has {Limit} open (Server:MaxConnectionsPerClient)")]
    private static partial void LogRefused(ILogger logger, string client, int limit);
}
