namespace PerceptronApi.Infrastructure;

/// <summary>
/// <c>PerceptronApi --health-check</c>: asks the running service on this machine whether it is ready and exits 0
/// (ready) or 1 (not), so a container health check needs no curl in the image. It runs before the web host is built.
/// </summary>
internal static class HealthCheckCommand
{
    /// <summary>The argument that selects this command.</summary>
    public const string Argument = "--health-check";

    /// <summary>Kestrel's own default when no address is configured (<c>http://localhost:5000</c>).</summary>
    public const int DefaultPort = 5000;

    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(3);

    /// <summary>
    /// Runs the check when <paramref name="args"/> holds <see cref="Argument"/>: the exit code; otherwise null. The
    /// address comes from the same settings the service reads (appsettings, environment variables, the command line).
    /// </summary>
    public static Task<int?> TryRunAsync(string[] args) =>
        args.Contains(Argument, StringComparer.Ordinal)
            ? TryRunAsync(args, WebApplication.CreateSlimBuilder(new WebApplicationOptions { Args = args }).Configuration)
            : Task.FromResult<int?>(null);

    /// <summary>As <see cref="TryRunAsync(string[])"/>, reading the listening address from <paramref name="configuration"/>.</summary>
    public static async Task<int?> TryRunAsync(string[] args, IConfiguration configuration)
    {
        if (!args.Contains(Argument, StringComparer.Ordinal))
        {
            return null;
        }

        var url = ReadyUrl(configuration);
        try
        {
            using var client = new HttpClient { Timeout = Timeout };
            using var response = await client.GetAsync(url);
            var healthy = response.IsSuccessStatusCode;
            (healthy ? Console.Out : Console.Error).WriteLine($"{url}: {(int)response.StatusCode} {response.ReasonPhrase}");
            return healthy ? 0 : 1;
        }
        catch (Exception exception) when (exception is HttpRequestException or TaskCanceledException)
        {
            await Console.Error.WriteLineAsync($"{url}: {exception.Message}");
            return 1;
        }
    }

    /// <summary>
    /// The readiness URL on the loopback interface, at the first HTTP port the service listens on, chosen as Kestrel
    /// chooses: an endpoint of <c>Kestrel:Endpoints</c>, else <c>urls</c> (<c>--urls</c>, <c>ASPNETCORE_URLS</c>), else
    /// <c>http_ports</c> (<c>ASPNETCORE_HTTP_PORTS</c>), else Kestrel's default port.
    /// </summary>
    public static Uri ReadyUrl(IConfiguration configuration)
    {
        var endpoints = string.Join(';', configuration.GetSection("Kestrel:Endpoints").GetChildren().Select(endpoint => endpoint["Url"]).OfType<string>());
        var port = PortFromUrls(endpoints)
            ?? PortFromUrls(configuration["urls"])
            ?? PortFromList(configuration["http_ports"])
            ?? DefaultPort;
        return new Uri($"http://127.0.0.1:{port}/health/ready");
    }

    private static int? PortFromUrls(string? urls)
    {
        foreach (var url in Split(urls))
        {
            if (!url.StartsWith("http://", StringComparison.OrdinalIgnoreCase))
            {
                continue;
            }

            // Wildcard hosts (+, *) are no valid URI host: only the port matters here.
            var authority = url["http://".Length..].Split('/')[0];
            var colon = authority.LastIndexOf(':');
            if (colon < 0 || authority.EndsWith(']'))
            {
                return 80;
            }

            if (int.TryParse(authority[(colon + 1)..], out var port) && port is > 0 and <= 65535)
            {
                return port;
            }
        }

        return null;
    }

    private static int? PortFromList(string? ports)
    {
        foreach (var entry in Split(ports))
        {
            if (int.TryParse(entry, out var port) && port is > 0 and <= 65535)
            {
                return port;
            }
        }

        return null;
    }

    private static string[] Split(string? list) =>
        list?.Split([';', ','], StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries) ?? [];
}
