using System.Net.Sockets;
using System.Text;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.DependencyInjection;
using PerceptronApi.Tests.Infrastructure;

namespace PerceptronApi.Tests.Hardening;

/// <summary>The service on a real loopback port, and requests written byte for byte (what HttpClient refuses to send).</summary>
public static class RawHttp
{
    /// <summary>Starts the factory's Kestrel server and returns its address.</summary>
    public static Uri Start(PerceptronApiFactory factory)
    {
        factory.StartServer();
        return new Uri(factory.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First());
    }

    /// <summary>Sends <paramref name="request"/> as is and reads until the server closes or (unless <paramref name="untilClosed"/>) the answer is complete.</summary>
    public static async Task<string> SendAsync(Uri server, string request, TimeSpan? timeout = null, bool untilClosed = false)
    {
        using var client = new TcpClient();
        await client.ConnectAsync(server.Host, server.Port);
        var stream = client.GetStream();
        await stream.WriteAsync(Encoding.ASCII.GetBytes(request));
        using var cts = new CancellationTokenSource(timeout ?? TimeSpan.FromSeconds(10));
        var answer = new StringBuilder();
        var buffer = new byte[16 * 1024];
        try
        {
            while (await stream.ReadAsync(buffer, cts.Token) is var read and > 0)
            {
                answer.Append(Encoding.UTF8.GetString(buffer, 0, read));
                if (!untilClosed && IsComplete(answer.ToString()))
                {
                    break;
                }
            }
        }
        catch (Exception exception) when (exception is OperationCanceledException or IOException)
        {
            // The server closed or stopped answering: what was read is the answer.
        }

        return answer.ToString();
    }

    /// <summary>The status code of a raw answer ("HTTP/1.1 400 Bad Request" → 400), or 0 when there is none.</summary>
    public static int Status(string answer) =>
        answer.StartsWith("HTTP/1.1 ", StringComparison.Ordinal) && int.TryParse(answer.AsSpan(9, 3), out var status) ? status : 0;

    private static bool IsComplete(string answer)
    {
        var end = answer.IndexOf("\r\n\r\n", StringComparison.Ordinal);
        if (end < 0)
        {
            return false;
        }

        var head = answer[..end];
        if (head.Contains("Transfer-Encoding: chunked", StringComparison.OrdinalIgnoreCase))
        {
            return answer.EndsWith("0\r\n\r\n", StringComparison.Ordinal);
        }

        var length = head.Split("\r\n").FirstOrDefault(line => line.StartsWith("Content-Length:", StringComparison.OrdinalIgnoreCase));
        return length is null || answer.Length - end - 4 >= int.Parse(length["Content-Length:".Length..].Trim());
    }
}
