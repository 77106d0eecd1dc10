using Serilog;
using Serilog.Configuration;
using Serilog.Events;
using Serilog.Formatting;
using Serilog.Formatting.Display;

namespace PerceptronApi.Infrastructure;

/// <summary>Settings of the console log (configuration section <c>Log</c>); levels come from the <c>Serilog</c> section.</summary>
internal sealed class LogOptions
{
    public const string SectionName = "Log";

    /// <summary><c>json</c> (compact JSON, one event per line, for containers) or <c>text</c> (readable); default: text in Development, json elsewhere.</summary>
    public string? Format { get; set; }
}

/// <summary>Serilog: levels and enrichers from configuration, the console written in batches behind a bounded queue.</summary>
internal static class LoggingSetup
{
    /// <summary>Events waiting for the console; more are dropped.</summary>
    public const int QueueLimit = 10_000;

    /// <summary>
    /// Events formatted and written in one go. A batch is formatted on the same cores as the requests: on one core every
    /// request in flight waits while it is, and 1 000 lines (over a millisecond) showed in the predict route's 99th
    /// percentile. 100 lines take a tenth of that; a write per 100 lines is still few.
    /// </summary>
    private const int BatchSizeLimit = 100;

    private const string TextTemplate = "[{Timestamp:HH:mm:ss} {Level:u3}] {SourceContext}: {Message:lj}{NewLine}{Exception}";

    public static WebApplicationBuilder AddContractLogging(this WebApplicationBuilder builder)
    {
        builder.Services.AddOptions<LogOptions>()
            .BindConfiguration(LogOptions.SectionName)
            .Validate(options => options.Format is null || IsFormat(options.Format, "json") || IsFormat(options.Format, "text"), "Log:Format must be \"json\" or \"text\".");
        // An unknown format is reported with every other bad setting before the service starts (ConfigurationCheck).
        var format = builder.Configuration.GetSection(LogOptions.SectionName).Get<LogOptions>()?.Format;
        var json = format is null ? !builder.Environment.IsDevelopment() : !IsFormat(format, "text");

        void Configure(IServiceProvider services, LoggerConfiguration logger)
        {
            // Defaults in code, so a service started without its appsettings.json (another working directory) logs the
            // same; the Serilog configuration section overrides them.
            logger.MinimumLevel.Information()
                .MinimumLevel.Override("Microsoft.AspNetCore", LogEventLevel.Warning)
                .MinimumLevel.Override("Microsoft.Hosting.Lifetime", LogEventLevel.Information)
                .ReadFrom.Configuration(builder.Configuration)
                .ReadFrom.Services(services)
                // Also the host's logging scopes (the request and connection ids on every line of a request): the
                // Microsoft.Extensions.Logging provider hands them to Serilog through the log context.
                .Enrich.FromLogContext();

            // A predict call is microseconds of work: a request only queues its event; the console is written in batches
            // on a background task, and when the queue is full events are dropped rather than making requests wait. The
            // JSON lines are those of Serilog's compact formatter, written by one that spends less on each.
            ITextFormatter formatter = json
                ? new CompactJsonLineFormatter()
                : new MessageTemplateTextFormatter(TextTemplate, System.Globalization.CultureInfo.InvariantCulture);
            logger.WriteTo.Sink(new BatchedConsoleSink(formatter), new BatchingOptions
            {
                BatchSizeLimit = BatchSizeLimit,
                BufferingTimeLimit = TimeSpan.FromMilliseconds(100),
                EagerlyEmitFirstEvent = true,
                QueueLimit = QueueLimit,
            });
        }

        // The host's own logger, not the static Log.Logger: with the static one every framework log call reads the global,
        // and a host that stops replaces it with a silent logger for every other host of the process (tests run many
        // at once: a request could then find logging off, and with it the trace id of its problem).
        builder.Services.AddSerilog(Configure, preserveStaticLogger: true);
        return builder;
    }

    private static bool IsFormat(string format, string name) => format.Equals(name, StringComparison.OrdinalIgnoreCase);
}

/// <summary>The level of a request's log line: probes and scrapes are routine, server errors stand out.</summary>
internal static class RequestLogLevel
{
    private static readonly PathString Health = "/health";
    private static readonly PathString Metrics = "/metrics";

    public static LogEventLevel For(HttpContext context, double _, Exception? exception) =>
        exception is not null || context.Response.StatusCode == StatusCodes.Status500InternalServerError ? LogEventLevel.Error
        : context.Response.StatusCode >= StatusCodes.Status500InternalServerError ? LogEventLevel.Warning // 503: a full queue, shutting down
        : context.Request.Path.StartsWithSegments(Health) || context.Request.Path.StartsWithSegments(Metrics) ? LogEventLevel.Debug
        : LogEventLevel.Information;
}
