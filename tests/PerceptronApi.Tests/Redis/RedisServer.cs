using System.Diagnostics;
using System.Net;
using System.Net.Sockets;

namespace PerceptronApi.Tests.Redis;

/// <summary>
/// A real <c>redis-server</c> on a free loopback port, started for the tests that need one and stopped after them.
/// Without the program those tests are skipped with the reason, unless REQUIRE_REDIS=1 (CI installs it and sets that,
/// so there they fail instead).
/// </summary>
public sealed class RedisServer : IDisposable
{
    private static readonly Lazy<string?> Program = new(() => (Environment.GetEnvironmentVariable("PATH") ?? "")
        .Split(Path.PathSeparator, StringSplitOptions.RemoveEmptyEntries)
        .Select(directory => Path.Combine(directory, "redis-server"))
        .FirstOrDefault(File.Exists));

    private Process? _process;

    public RedisServer()
    {
        if (Program.Value is null)
        {
            return;
        }

        Port = FreePort();
        Start();
    }

    /// <summary>Starts the server (again) on its port, empty.</summary>
    public void Start()
    {
        _process = Process.Start(new ProcessStartInfo(Program.Value!, $"--port {Port} --bind 127.0.0.1 --save \"\" --appendonly no --protected-mode yes")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        })!;
        _process.OutputDataReceived += (_, _) => { };
        _process.BeginOutputReadLine();
        WaitUntilListening();
    }

    public int Port { get; private set; }

    /// <summary>The StackExchange.Redis configuration string of this server.</summary>
    public string ConnectionString => $"127.0.0.1:{Port}";

    /// <summary>Skips the calling test when there is no redis-server, unless REQUIRE_REDIS=1 asks to fail instead.</summary>
    public void SkipIfMissing()
    {
        var required = Environment.GetEnvironmentVariable("REQUIRE_REDIS") == "1";
        Assert.False(required && _process is null, "REQUIRE_REDIS=1 but redis-server is not on PATH.");
        Skip.If(_process is null, "redis-server is not on PATH (install it, e.g. apt-get install redis-server; REQUIRE_REDIS=1 makes this a failure).");
    }

    /// <summary>Stops the server abruptly, as a crash would.</summary>
    public void Kill()
    {
        if (_process is { HasExited: false })
        {
            _process.Kill();
            _process.WaitForExit(5000);
        }
    }

    public void Dispose()
    {
        if (_process is { HasExited: false })
        {
            _process.Kill();
            _process.WaitForExit(5000);
        }

        _process?.Dispose();
    }

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    private void WaitUntilListening()
    {
        var deadline = DateTime.UtcNow.AddSeconds(10);
        while (DateTime.UtcNow < deadline && !_process!.HasExited)
        {
            try
            {
                using var client = new TcpClient();
                client.Connect(IPAddress.Loopback, Port);
                return;
            }
            catch (SocketException)
            {
                Thread.Sleep(50);
            }
        }

        throw new InvalidOperationException($"redis-server did not listen on port {Port}.");
    }
}
