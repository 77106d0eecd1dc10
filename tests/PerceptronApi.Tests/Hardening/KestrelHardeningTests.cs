using System.Net;
using System.Net.Sockets;
using System.Text;
using PerceptronApi.Tests.Infrastructure;

namespace PerceptronApi.Tests.Hardening;

/// <summary>What only the real server shows: connection limits, framing, header and line limits, the Server header.</summary>
public sealed class KestrelHardeningTests(KestrelHardeningTests.KestrelFactory factory) : IClassFixture<KestrelHardeningTests.KestrelFactory>
{
    private readonly Uri _server = RawHttp.Start(factory);

    [Fact]
    public async Task ARequestWithContentLengthAndTransferEncoding_Returns400AndCloses()
    {
        const string body = """{"gate":"AND"}""";
        var request = "POST /api/v1/predict HTTP/1.1\r\nHost: test\r\nContent-Type: application/json\r\nContent-Length: 5\r\n"
            + $"Transfer-Encoding: chunked\r\n\r\n{body.Length:x}\r\n{body}\r\n0\r\n\r\n";

        var answer = await RawHttp.SendAsync(_server, request);

        Assert.Equal(400, RawHttp.Status(answer));
        Assert.Contains("Content-Type: application/problem+json", answer, StringComparison.Ordinal);
        Assert.Contains("\"detail\":\"The request has both Content-Length and Transfer-Encoding; send only one of them.\"", answer, StringComparison.Ordinal);
        Assert.Contains("Connection: close", answer, StringComparison.Ordinal);
    }

    [Fact]
    public async Task AChunkedRequestAlone_IsRead()
    {
        const string body = """{"gate":"AND"}""";
        var request = "POST /api/v1/predict HTTP/1.1\r\nHost: test\r\nContent-Type: application/json\r\n"
            + $"Transfer-Encoding: chunked\r\nConnection: close\r\n\r\n{body.Length:x}\r\n{body}\r\n0\r\n\r\n";

        var answer = await RawHttp.SendAsync(_server, request);

        Assert.Equal(200, RawHttp.Status(answer));
    }

    [Fact]
    public async Task Answers_DoNotNameTheServer()
    {
        using var client = new HttpClient { BaseAddress = _server };

        var response = await client.GetAsync("/health/live");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Empty(response.Headers.Server);
    }

    [Fact]
    public async Task Head_OnKestrel_SendsHeadersOnly_AndTheConnectionStaysUsable()
    {
        // Two requests on one connection: a body after the HEAD answer would be read as the second answer's start.
        const string requests = "HEAD /api/v1/gates HTTP/1.1\r\nHost: test\r\n\r\nGET /health/live HTTP/1.1\r\nHost: test\r\nConnection: close\r\n\r\n";

        var answer = await RawHttp.SendAsync(_server, requests, untilClosed: true);

        Assert.Equal(200, RawHttp.Status(answer));
        var second = answer.IndexOf("HTTP/1.1 ", 9, StringComparison.Ordinal);
        Assert.True(second > 0, answer);
        Assert.DoesNotContain("\"name\":\"AND\"", answer[..second], StringComparison.Ordinal);
        Assert.EndsWith("Healthy", answer.TrimEnd().Split("\r\n")[^1], StringComparison.Ordinal);
    }

    [Fact]
    public async Task ConnectionsOverTheLimit_AreClosed_AndTheServiceAnswersOnceTheyGo()
    {
        var held = new List<TcpClient>();
        try
        {
            // Each connection sends a request's start and waits: the server holds it open.
            for (var i = 0; i < KestrelFactory.Connections + 5; i++)
            {
                var client = new TcpClient();
                await client.ConnectAsync(_server.Host, _server.Port);
                await client.GetStream().WriteAsync(Encoding.ASCII.GetBytes("GET /health/live HTTP/1.1\r\nHost: test\r\n"));
                held.Add(client);
            }

            var closed = 0;
            foreach (var client in held)
            {
                using var wait = new CancellationTokenSource(TimeSpan.FromMilliseconds(300));
                try
                {
                    if (await client.GetStream().ReadAsync(new byte[1], wait.Token) == 0)
                    {
                        closed++;
                    }
                }
                catch (OperationCanceledException)
                {
                    // Still open: one of the allowed connections.
                }
                catch (IOException)
                {
                    closed++;
                }
            }

            Assert.Equal(5, closed);
        }
        finally
        {
            foreach (var client in held)
            {
                client.Dispose();
            }
        }

        using var probe = new HttpClient { BaseAddress = _server };
        var deadline = DateTime.UtcNow.AddSeconds(10);
        HttpStatusCode? status = null;
        while (status != HttpStatusCode.OK && DateTime.UtcNow < deadline)
        {
            try
            {
                status = (await probe.GetAsync("/health/live")).StatusCode;
            }
            catch (HttpRequestException)
            {
                await Task.Delay(50);
            }
        }

        Assert.Equal(HttpStatusCode.OK, status);
    }

    [Fact]
    public async Task AChunkedBodyOverTheLimitWithExpect100Continue_Returns413()
    {
        using var client = new HttpClient { BaseAddress = _server };
        using var request = new HttpRequestMessage(HttpMethod.Post, "/api/v1/predict")
        {
            Content = new StreamContent(new MemoryStream(Encoding.UTF8.GetBytes($$"""{ "gate": "AND", "inputs": [{{string.Join(",", Enumerable.Repeat("[1,1]", 2000))}}] }"""))),
        };
        request.Content.Headers.ContentType = new("application/json");
        request.Headers.TransferEncodingChunked = true;
        request.Headers.ExpectContinue = true;

        var response = await client.SendAsync(request);

        var problem = await response.AssertProblemAsync(HttpStatusCode.RequestEntityTooLarge);
        Assert.Equal("The body is larger than 4096 bytes (Limits:MaxRequestBodyBytes).", problem["detail"]!.GetValue<string>());
    }

    [Fact]
    public async Task ADeclaredBodyOverTheLimitWithExpect100Continue_Returns413BeforeItIsSent()
    {
        var request = "POST /api/v1/predict HTTP/1.1\r\nHost: test\r\nContent-Type: application/json\r\nContent-Length: 100000\r\n"
            + "Expect: 100-continue\r\nConnection: close\r\n\r\n";

        var answer = await RawHttp.SendAsync(_server, request);

        Assert.Equal(413, RawHttp.Status(answer));
        Assert.DoesNotContain("100 Continue", answer, StringComparison.Ordinal);
    }

    [Fact]
    public async Task HugeHeaders_Return431()
    {
        var request = $"GET /health/live HTTP/1.1\r\nHost: test\r\nX-Big: {new string('a', 40_000)}\r\nConnection: close\r\n\r\n";

        var answer = await RawHttp.SendAsync(_server, request);

        Assert.Equal(431, RawHttp.Status(answer));
    }

    [Fact]
    public async Task AHugeQueryString_Returns414()
    {
        var request = $"GET /api/v1/gates?x={new string('a', 10_000)} HTTP/1.1\r\nHost: test\r\nConnection: close\r\n\r\n";

        var answer = await RawHttp.SendAsync(_server, request);

        Assert.Equal(414, RawHttp.Status(answer));
    }

    public sealed class KestrelFactory() : PerceptronApiFactory(
        new()
        {
            ["Server:MaxConcurrentConnections"] = Connections.ToString(System.Globalization.CultureInfo.InvariantCulture),
            ["Server:MaxConcurrentUpgradedConnections"] = "2",
            ["Limits:MaxRequestBodyBytes"] = "4096",
        },
        kestrel: true)
    {
        public const int Connections = 10;
    }
}
