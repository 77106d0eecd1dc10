namespace PerceptronApi.Infrastructure;

/// <summary>
/// <c>PerceptronApi --health-check</c>: asks the running service on this machine whether it is ready and exits 0
/// (ready) or 1 (not), so a container health check needs no curl in the image. It runs before the web host is built.
/// </summary>
internal static class HealthCheckCommand
{
    /// <summary>The argument that selects this command.</summary>
    public const string Argument = "--health-check";

    /// <summary>The port ASP.NET Core listens on in the official container images.</summary>
    public const int DefaultPort = 8080;

    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(3);

    /// <summary>Runs the check when <paramref name="args"/> holds <see cref="Argument"/>: the exit code; otherwise null.</summary>
    public static Task<int?> TryRunAsync(string[] args) => TryRunAsync(args, Environment.GetEnvironmentVariable);

    /// <summary>As <see cref="TryRunAsync(string[])"/>, reading the listening address from <paramref name="environment"/>.</summary>
    public static async Task<int?> TryRunAsync(string[] args, Func<string, string?> environment)
    {
        if (!args.Contains(Argument, StringComparer.Ordinal))
        {
            return null;
        }

        var url = ReadyUrl(environment);
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
    /// The readiness URL on the loopback interface, at the first HTTP port the service listens on: from
    /// <c>ASPNETCORE_URLS</c> (which takes precedence, as in ASP.NET Core), else <c>ASPNETCORE_HTTP_PORTS</c>,
    /// else <see cref="DefaultPort"/>.
    /// </summary>
    public static Uri ReadyUrl(Func<string, string?> environment)
    {
        var port = PortFromUrls(environment("ASPNETCORE_URLS"))
            ?? PortFromList(environment("ASPNETCORE_HTTP_PORTS"))
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
