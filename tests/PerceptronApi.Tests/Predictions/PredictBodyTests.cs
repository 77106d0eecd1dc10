using System.Net;
using System.Net.Sockets;
using System.Text;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.Extensions.DependencyInjection;
using PerceptronApi.Predictions;
using PerceptronApi.Tests.Infrastructure;

namespace PerceptronApi.Tests.Predictions;

/// <summary>
/// A predict body is read whole and parsed at once when it is small, and streamed when it is not: the answer is the same
/// either way, on the real server, where a body arrives in pieces.
/// </summary>
public sealed class PredictBodyTests
{
    private const string AndAnswer = """{"activation":"step","threshold":0.5,"predictions":[{"inputs":[0,0],"z":-0.5,"output":0},{"inputs":[0,1],"z":0.09999999999999998,"output":0},{"inputs":[1,0],"z":0.09999999999999998,"output":0},{"inputs":[1,1],"z":0.7,"output":1}]}""";

    [Fact]
    public async Task TheSameBody_DeclaredOrChunked_GetsTheSameAnswer()
    {
        await using var server = Server();
        using var client = Client(server);
        const string body = """{"bias": -0.5, "weights": [0.6, 0.6]}""";

        var declared = await PostAsync(client, new StringContent(body, Encoding.UTF8, "application/json"));
        var chunked = await PostAsync(client, Chunked(Encoding.UTF8.GetBytes(body)));

        Assert.Equal(AndAnswer, declared);
        Assert.Equal(AndAnswer, chunked);
    }

    [Fact]
    public async Task ABodyWithAByteOrderMark_IsRead()
    {
        await using var server = Server();
        using var client = Client(server);
        var body = Encoding.UTF8.GetPreamble().Concat(Encoding.UTF8.GetBytes("""{"bias": -0.5, "weights": [0.6, 0.6]}""")).ToArray();
        var content = new ByteArrayContent(body);
        content.Headers.ContentType = new("application/json");

        Assert.Equal(AndAnswer, await PostAsync(client, content));
    }

    [Theory]
    [InlineData(600)] // about 10 KB: whole, across the server's 4 KB buffer segments
    [InlineData(5_000)] // over PredictBody.WholeBodyBytes: streamed
    public async Task ALargerBody_GetsTheSameAnswerWholeOrStreamed(int rows)
    {
        await using var server = Server();
        using var client = Client(server);
        var inputs = string.Join(",", Enumerable.Range(0, rows).Select(row => $"[{row % 2}, {(row / 2) % 2}, 0.{row:D6}]"));
        var body = Encoding.UTF8.GetBytes($$"""{"bias": -0.5, "weights": [0.6, 0.6, 0.000001], "inputs": [{{inputs}}]}""");
        Assert.Equal(rows > 4_000, body.Length > PredictBody.WholeBodyBytes);
        var declared = new ByteArrayContent(body);
        declared.Headers.ContentType = new("application/json");

        var whole = await PostAsync(client, declared);
        var streamed = await PostAsync(client, Chunked(body));

        Assert.Equal(streamed, whole);
        Assert.StartsWith("""{"activation":"step","threshold":0.5,"predictions":[{"inputs":[0,0,0],"z":-0.5,"output":0},""", whole, StringComparison.Ordinal);
        Assert.Equal(rows, whole.Split("\"inputs\"").Length - 1);
    }

    [Fact]
    public async Task ATruncatedBody_IsAProblemSayingItEndedEarly_DeclaredOrChunked()
    {
        await using var server = Server();
        using var client = Client(server);
        var body = Encoding.UTF8.GetBytes("""{"bias":0.4,"weights":[0.7,""");
        var declared = new ByteArrayContent(body);
        declared.Headers.ContentType = new("application/json");

        foreach (var content in new HttpContent[] { declared, Chunked(body) })
        {
            var response = await client.PostAsync("/api/v1/predict", content);
            var problem = await response.AssertProblemAsync(HttpStatusCode.BadRequest);
            Assert.StartsWith("The body ends before its JSON is complete", problem["detail"]!.GetValue<string>(), StringComparison.Ordinal);
        }
    }

    [Fact]
    public async Task ABodyThatComesTooSlowly_IsA408ProblemSayingSo_WithTheSecurityHeaders()
    {
        await using var server = new SlowBodyServer();
        server.StartServer();
        var address = new Uri(server.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First());
        using var socket = new TcpClient();
        await socket.ConnectAsync(address.Host, address.Port);
        var stream = socket.GetStream();
        await stream.WriteAsync("POST /api/v1/predict HTTP/1.1\r\nHost: test\r\nContent-Type: application/json\r\nContent-Length: 400\r\n\r\n{"u8.ToArray());

        // A byte every half second, far under the server's minimum rate, until it answers and closes the connection.
        var answer = new StringBuilder();
        var buffer = new byte[8192];
        using var deadline = new CancellationTokenSource(TimeSpan.FromSeconds(20));
        while (true)
        {
            var reading = stream.ReadAsync(buffer, deadline.Token).AsTask();
            while (await Task.WhenAny(reading, Task.Delay(500, deadline.Token)) != reading && answer.Length == 0)
            {
                await stream.WriteAsync(" "u8.ToArray(), deadline.Token);
            }

            var read = await reading;
            if (read == 0)
            {
                break;
            }

            answer.Append(Encoding.UTF8.GetString(buffer, 0, read));
        }

        var text = answer.ToString();
        Assert.StartsWith("HTTP/1.1 408 Request Timeout\r\n", text, StringComparison.Ordinal);
        Assert.Contains("\r\nX-Content-Type-Options: nosniff\r\n", text, StringComparison.Ordinal);
        // The body (chunked) holds one JSON object.
        var problem = JsonNode.Parse(text[text.IndexOf('{', StringComparison.Ordinal)..(text.LastIndexOf('}') + 1)])!;
        Assert.Equal("Request Timeout", problem["title"]!.GetValue<string>());
        Assert.Equal(408, problem["status"]!.GetValue<int>());
        Assert.StartsWith("The request body did not arrive in time", problem["detail"]!.GetValue<string>(), StringComparison.Ordinal);
    }

    /// <summary>The real server with a minimum body data rate whose grace period is a second and a half instead of five.</summary>
    private sealed class SlowBodyServer() : PerceptronApiFactory([], kestrel: true)
    {
        protected override void ConfigureWebHost(IWebHostBuilder builder)
        {
            base.ConfigureWebHost(builder);
            builder.ConfigureServices(services => services.Configure<KestrelServerOptions>(kestrel =>
                kestrel.Limits.MinRequestBodyDataRate = new MinDataRate(240, TimeSpan.FromSeconds(1.5))));
        }
    }

    private static PerceptronApiFactory Server()
    {
        var factory = new PerceptronApiFactory(new() { ["Limits:MaxRequestBodyBytes"] = "1048576", ["Limits:MaxPredictionRows"] = "100000" }, kestrel: true);
        factory.StartServer();
        return factory;
    }

    private static HttpClient Client(PerceptronApiFactory factory) =>
        new() { BaseAddress = new Uri(factory.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First()) };

    private static async Task<string> PostAsync(HttpClient client, HttpContent content)
    {
        var response = await client.PostAsync("/api/v1/predict", content);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        return await response.Content.ReadAsStringAsync();
    }

    private static ByteArrayContent Chunked(byte[] body)
    {
        var content = new ChunkedBytes(body);
        content.Headers.ContentType = new("application/json");
        return content;
    }

    /// <summary>Sends its bytes chunked: no Content-Length.</summary>
    private sealed class ChunkedBytes(byte[] body) : ByteArrayContent(body)
    {
        protected override bool TryComputeLength(out long length)
        {
            length = 0;
            return false;
        }
    }
}
