using System.Net;
using System.Text;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.DependencyInjection;

namespace PerceptronApi.Tests.Infrastructure;

/// <summary>The body limit on the real server, where a chunked body has no Content-Length to check up front.</summary>
public class BodyLimitOnKestrelTests
{
    /// <summary>Sends its content chunked: no Content-Length.</summary>
    private sealed class ChunkedContent(string text) : HttpContent
    {
        protected override Task SerializeToStreamAsync(Stream stream, System.Net.TransportContext? context) =>
            stream.WriteAsync(Encoding.UTF8.GetBytes(text)).AsTask();

        protected override bool TryComputeLength(out long length)
        {
            length = 0;
            return false;
        }
    }

    [Fact]
    public async Task AChunkedBodyOverTheLimit_Returns413NamingTheLimit()
    {
        await using var factory = new PerceptronApiFactory(new() { ["Limits:MaxRequestBodyBytes"] = "2048" }, kestrel: true);
        factory.StartServer();
        var address = factory.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
        using var client = new HttpClient { BaseAddress = new Uri(address) };
        var body = $$"""{ "bias": 0, "weights": [1], "inputs": [{{string.Join(",", Enumerable.Repeat("[1]", 2000))}}] }""";
        using var content = new ChunkedContent(body);
        content.Headers.ContentType = new("application/json");

        var response = await client.PostAsync("/api/v1/predict", content);

        var problem = await response.AssertProblemAsync(HttpStatusCode.RequestEntityTooLarge);
        // The same problem as for a declared length over the limit, refused before the body is read.
        Assert.Equal("Request body too large", problem["title"]!.GetValue<string>());
        Assert.Equal("The body is larger than 2048 bytes (Limits:MaxRequestBodyBytes).", problem["detail"]!.GetValue<string>());
    }
}
