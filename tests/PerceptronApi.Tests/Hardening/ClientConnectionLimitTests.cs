using System.Net;
using System.Net.Sockets;
using System.Text;
using Microsoft.AspNetCore.Connections;
using System.Diagnostics.Metrics;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using PerceptronApi.Infrastructure;
using PerceptronApi.Tests.Infrastructure;

namespace PerceptronApi.Tests.Hardening;

/// <summary>One client address cannot hold every connection the server allows (Server:MaxConnectionsPerClient).</summary>
public sealed class ClientConnectionLimitTests(ClientConnectionLimitTests.PerClientFactory factory) : IClassFixture<ClientConnectionLimitTests.PerClientFactory>
{
    private readonly Uri _server = RawHttp.Start(factory);

    [Fact]
    public async Task ConnectionsOverTheClientsCap_AreClosed_TheOthersAreServed_AndTheServiceAnswersAfterwards()
    {
        var held = new List<TcpClient>();
        try
        {
            // Each connection sends a request's start and waits: the server holds it open.
            for (var i = 0; i < PerClientFactory.PerClient + 3; i++)
            {
                var client = new TcpClient();
                await client.ConnectAsync(_server.Host, _server.Port);
                await client.GetStream().WriteAsync(Encoding.ASCII.GetBytes("GET /health/live HTTP/1.1\r\nHost: test\r\n"));
                held.Add(client);
            }

            // Closed by the server: readable with nothing to read. Well under MaxConcurrentConnections (200) in all.
            var closed = held.Where(c => c.Client.Poll(TimeSpan.FromMilliseconds(500), SelectMode.SelectRead) && c.Available == 0).ToList();
            Assert.Equal(3, closed.Count);

            foreach (var client in held.Except(closed))
            {
                await client.GetStream().WriteAsync(Encoding.ASCII.GetBytes("\r\n"));
                var buffer = new byte[4096];
                using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(10));
                var read = await client.GetStream().ReadAsync(buffer, timeout.Token);
                Assert.StartsWith("HTTP/1.1 200 OK", Encoding.ASCII.GetString(buffer, 0, read), StringComparison.Ordinal);
            }
        }
        finally
        {
            foreach (var client in held)
            {
                client.Dispose();
            }
        }

        // The closed connections gave their places back: a full set of new ones is served again.
        using var probe = new HttpClient { BaseAddress = _server };
        var deadline = DateTime.UtcNow.AddSeconds(10);
        var served = 0;
        while (served < PerClientFactory.PerClient && DateTime.UtcNow < deadline)
        {
            using var batch = new HttpClient(new SocketsHttpHandler { MaxConnectionsPerServer = PerClientFactory.PerClient }) { BaseAddress = _server };
            var answers = await Task.WhenAll(Enumerable.Range(0, PerClientFactory.PerClient).Select(async _ =>
            {
                try
                {
                    return (await batch.GetAsync("/health/live")).StatusCode;
                }
                catch (HttpRequestException)
                {
                    return HttpStatusCode.ServiceUnavailable;
                }
            }));
            served = answers.Count(status => status == HttpStatusCode.OK);
        }

        Assert.Equal(PerClientFactory.PerClient, served);
        Assert.Equal(HttpStatusCode.OK, (await probe.GetAsync("/health/ready")).StatusCode);
    }

    [Fact]
    public async Task AnIPv6Client_IsCountedByIts64_AndAnotherNetworkHasItsOwnCap()
    {
        using var services = new ServiceCollection().AddMetrics().BuildServiceProvider();
        var meters = services.GetRequiredService<IMeterFactory>();
        var refused = 0L;
        using var listener = new MeterListener();
        listener.InstrumentPublished = (instrument, l) =>
        {
            if (ReferenceEquals(instrument.Meter.Scope, meters) && instrument.Name == "perceptron.connections.refused")
            {
                l.EnableMeasurementEvents(instrument);
            }
        };
        listener.SetMeasurementEventCallback<long>((_, value, _, _) => Interlocked.Add(ref refused, value));
        listener.Start();
        var limit = new ClientConnectionLimit(Options.Create(new ServerOptions { MaxConnectionsPerClient = 2 }), meters, NullLogger<ClientConnectionLimit>.Instance);
        var release = new TaskCompletionSource();
        var served = new List<string>();
        var pipeline = limit.Apply(async connection =>
        {
            lock (served)
            {
                served.Add(connection.ConnectionId);
            }

            await release.Task;
        });

        var open = new[] { "2001:db8::1", "2001:db8::ffff:2", "2001:db8::3", "2001:db8:0:1::1" }
            .Select(address => pipeline(Connection(address)))
            .ToList();
        await open[2];

        Assert.Equal(["2001:db8::1", "2001:db8::ffff:2", "2001:db8:0:1::1"], served);
        Assert.Equal(1, Interlocked.Read(ref refused));
        release.SetResult();
        await Task.WhenAll(open);
        await pipeline(Connection("2001:db8::4"));
        Assert.Equal("2001:db8::4", served[^1]);
    }

    [Fact]
    public void TheCap_DefaultsTo100_AndANegativeOneFailsValidation()
    {
        Assert.Equal(100, new ServerOptions().MaxConnectionsPerClient);
        var result = new DataAnnotationValidateOptions<ServerOptions>(null).Validate(null, new ServerOptions { MaxConnectionsPerClient = -1 });

        Assert.True(result.Failed);
        Assert.Contains("MaxConnectionsPerClient", result.FailureMessage, StringComparison.Ordinal);
    }

    private static DefaultConnectionContext Connection(string address) =>
        new(address) { RemoteEndPoint = new IPEndPoint(IPAddress.Parse(address), 40000) };

    public sealed class PerClientFactory() : PerceptronApiFactory(
        new()
        {
            ["Server:MaxConcurrentConnections"] = "200",
            ["Server:MaxConnectionsPerClient"] = PerClient.ToString(System.Globalization.CultureInfo.InvariantCulture),
        },
        kestrel: true)
    {
        public const int PerClient = 4;
    }
}
