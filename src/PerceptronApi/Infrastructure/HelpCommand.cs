namespace PerceptronApi.Infrastructure;

/// <summary><c>PerceptronApi --help</c>: how to start the service, its commands and main settings, and where its documentation is.</summary>
internal static class HelpCommand
{
    private static readonly string[] Arguments = ["--help", "-h", "-?"];

    /// <summary>The usage text, printed as is.</summary>
    public const string Usage = """
        PerceptronApi: a REST service that predicts with perceptrons and trains them as background jobs.

        Usage:
          dotnet PerceptronApi.dll [--setting=value ...]   start the service
          dotnet PerceptronApi.dll --health-check          ask the running service on this machine whether it is ready
                                                           (exit 0 ready, 1 not); it reads the same address settings
          dotnet PerceptronApi.dll --help                  print this text

        Where it listens (the first given wins):
          Kestrel:Endpoints:<name>:Url, --urls / ASPNETCORE_URLS (http://0.0.0.0:8080),
          ASPNETCORE_HTTP_PORTS (8080); by default http://localhost:5000.

        Main settings (as --Section:Name=value, environment variables Section__Name=value, or appsettings.json):
          Training:Workers            jobs trained at once (default: the processor count)
          Training:MaxQueuedJobs      jobs waiting for a worker before 503 (default 64)
          Training:MaxJobAge          how long finished jobs are kept (default 01:00:00)
          Limits:MaxRequestBodyBytes  the largest request body (default 1048576)
          Auth:ApiKeys:0:Name, Auth:ApiKeys:0:Key   API keys; without any, the service is open
          RateLimits:JobsPerMinute, RateLimits:PredictionsPerSecond   per client (default 0: off)
          ConnectionStrings:Redis     share jobs between replicas through Redis
          Log:Format                  json or text (default: text in Development, json elsewhere)
          OpenApi:Enabled, Metrics:Enabled   the /swagger page and document, /metrics (default true)
        A bad setting stops the service at start, with one line per setting (exit code 1).

        Documentation: README.md and docs/API.md in the source repository; at run time /swagger (the API document at
        /swagger/v1/swagger.json), health at /health/live and /health/ready, Prometheus metrics at /metrics.
        """;

    /// <summary>Prints <see cref="Usage"/> when <paramref name="args"/> asks for help: the exit code 0; otherwise null.</summary>
    public static int? TryRun(string[] args)
    {
        if (!args.Any(arg => Arguments.Contains(arg, StringComparer.Ordinal)))
        {
            return null;
        }

        Console.Out.WriteLine(Usage);
        return 0;
    }
}
