using Microsoft.AspNetCore.Diagnostics;
using PerceptronApi.Gates;
using PerceptronApi.Infrastructure;
using PerceptronApi.Page;
using PerceptronApi.Predictions;
using PerceptronApi.Training;
using Microsoft.Extensions.Options;

// `--help` prints how to run the service; `--health-check` (the container's HEALTHCHECK) asks the running service whether it is ready, and exits.
if ((HelpCommand.TryRun(args) ?? await HealthCheckCommand.TryRunAsync(args)) is { } exitCode)
{
    return exitCode;
}

try
{
    var builder = WebApplication.CreateBuilder(args);
    var unreadableSettings = ConfigurationCheck.SetAsideUnreadableSettings(builder.Configuration);

    builder.AddContractLogging();
    builder.AddPlaygroundPage();
    builder.Services.AddOptions<LimitsOptions>()
        .BindConfiguration(LimitsOptions.SectionName)
        .ValidateDataAnnotations()
        .ValidateOnStart();
    builder.Services.AddContractJson();
    builder.Services.AddContractProblems();
    builder.Services.AddValidation();
    builder.Services.AddRequestBodyLimit();
    builder.Services.AddConnectionLimits();
    builder.Services.AddTransient<IStartupFilter, HeadRequests>();
    builder.Services.AddContractOpenApi();
    builder.Services.AddContractHealthChecks();
    builder.Services.AddSingleton(TimeProvider.System);
    builder.Services.AddSingleton<PredictionGate>();
    builder.Services.AddTrainingJobs(builder.Configuration);
    builder.AddContractMetrics();
    builder.AddApiKeys();
    builder.Services.AddContractRateLimits();
    builder.Services.AddTrustedProxies();
    // Unreadable requests (malformed JSON, wrong types) become exceptions in every environment, so the exception handler
    // can answer them with a problem that names the field.
    builder.Services.Configure<RouteHandlerOptions>(options => options.ThrowOnBadRequest = true);

    // Before the host reads a setting (building it creates the server): every bad one is reported at once.
    ConfigurationCheck.ThrowIfInvalid(builder.Services, builder.Configuration, unreadableSettings);
    var app = builder.Build();

    // Before anything reads the client's address: only a configured proxy may set it.
    app.UseTrustedProxies();

    // Outermost, so each request is logged once with the status the client finally saw.
    app.UseRequestLogging();

    // Requests the exception handler answered (unreadable bodies) are the client's mistake, not the server's: they are
    // not logged as unhandled errors.
    app.UseExceptionHandler(new ExceptionHandlerOptions
    {
        SuppressDiagnosticsCallback = context => context.ExceptionHandledBy == ExceptionHandledType.ExceptionHandlerService
            && context.Exception is BadHttpRequestException,
    });
    // Inside the exception handler, so it sees a failed request and gives the handler's answer its headers again.
    app.UseSecurityHeaders();
    app.UseStatusCodePages();
    app.UseRequestFraming();
    app.UseRequestBodyLimit();
    app.UseRequestCharset();
    app.UseApiKeys();
    app.UseRateLimiter();

    app.UseContractOpenApi();
    app.MapContractHealthChecks();
    app.MapContractMetrics();
    app.MapGateEndpoints();
    app.MapPredictionEndpoints();
    app.MapTrainingJobEndpoints();
    app.MapPlaygroundPage();

    await app.RunAsync();
    return 0;
}
catch (Exception exception) when (exception is OptionsValidationException or InvalidConfigurationException)
{
    // A setting out of range stops the service at start with one line per problem, not a stack trace.
    await Console.Error.WriteLineAsync($"PerceptronApi did not start: the configuration is invalid.{Environment.NewLine}{ConfigurationErrors.Describe(exception)}");
    return 1;
}
