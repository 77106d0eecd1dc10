using System.Globalization;
using System.Net;
using System.Net.Sockets;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using PerceptronApi.Infrastructure;

namespace PerceptronApi.Tests.Infrastructure;

/// <summary>The container's health check: <c>PerceptronApi --health-check</c> against a real listening server.</summary>
public class HealthCheckCommandTests
{
    private static readonly string[] HealthCheckArgs = [HealthCheckCommand.Argument];

    [Fact]
    public async Task Without_the_argument_it_does_nothing()
    {
        Assert.Null(await HealthCheckCommand.TryRunAsync([]));
        Assert.Null(await HealthCheckCommand.TryRunAsync(["--urls", "http://127.0.0.1:5000"], Settings()));
    }

    [Fact]
    public async Task The_running_service_is_healthy()
    {
        using var factory = StartService();
        var port = PortOf(factory.Services);

        var exitCode = await HealthCheckCommand.TryRunAsync(HealthCheckArgs, Settings(("http_ports", port.ToString(CultureInfo.InvariantCulture))));

        Assert.Equal(0, exitCode);
    }

    [Fact]
    public async Task A_service_that_is_not_ready_is_unhealthy()
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        await using var app = builder.Build();
        app.MapGet("/health/ready", () => Results.StatusCode(StatusCodes.Status503ServiceUnavailable));
        await app.StartAsync();
        var port = PortOf(app.Services);

        var exitCode = await HealthCheckCommand.TryRunAsync(HealthCheckArgs, Settings(("urls", $"http://+:{port}")));

        Assert.Equal(1, exitCode);
    }

    [Fact]
    public async Task Nothing_listening_is_unhealthy()
    {
        // A port that was free a moment ago: nothing answers there.
        using var probe = new TcpListener(IPAddress.Loopback, 0);
        probe.Start();
        var port = ((IPEndPoint)probe.LocalEndpoint).Port;
        probe.Stop();

        var exitCode = await HealthCheckCommand.TryRunAsync(HealthCheckArgs, Settings(("http_ports", port.ToString(CultureInfo.InvariantCulture))));

        Assert.Equal(1, exitCode);
    }

    [Theory]
    [InlineData(null, null, "http://127.0.0.1:5000/health/ready")]
    [InlineData(null, "8081", "http://127.0.0.1:8081/health/ready")]
    [InlineData(null, "9000;9001", "http://127.0.0.1:9000/health/ready")]
    [InlineData("http://+:5000", "8080", "http://127.0.0.1:5000/health/ready")]
    [InlineData("http://*:5001/", null, "http://127.0.0.1:5001/health/ready")]
    [InlineData("https://0.0.0.0:5443;http://[::]:5002", null, "http://127.0.0.1:5002/health/ready")]
    [InlineData("http://localhost", null, "http://127.0.0.1/health/ready")]
    [InlineData("https://+:5443", "8082", "http://127.0.0.1:8082/health/ready")]
    public void The_port_comes_from_the_listening_settings(string? urls, string? httpPorts, string expected)
    {
        var url = HealthCheckCommand.ReadyUrl(Settings(("urls", urls), ("http_ports", httpPorts)));

        Assert.Equal(new Uri(expected), url);
    }

    [Fact]
    public void A_Kestrel_endpoint_in_the_configuration_wins_over_urls()
    {
        var url = HealthCheckCommand.ReadyUrl(Settings(("Kestrel:Endpoints:Web:Url", "http://0.0.0.0:7070"), ("urls", "http://+:5000")));

        Assert.Equal(new Uri("http://127.0.0.1:7070/health/ready"), url);
    }

    [Fact]
    public async Task The_command_finds_the_service_at_the_address_given_as_the_service_takes_it()
    {
        using var factory = StartService();
        var port = PortOf(factory.Services).ToString(CultureInfo.InvariantCulture);

        // As the container runs it, and as an operator would with --urls or ASPNETCORE_URLS: the real process.
        var byArgument = await ServiceProcess.RunAsync([HealthCheckCommand.Argument, "--urls", $"http://127.0.0.1:{port}"]);
        var byEnvironment = await ServiceProcess.RunAsync([HealthCheckCommand.Argument], new Dictionary<string, string> { ["ASPNETCORE_URLS"] = $"http://+:{port}" });

        Assert.Equal((0, $"http://127.0.0.1:{port}/health/ready: 200 OK"), (byArgument.ExitCode, byArgument.Stdout.Trim()));
        Assert.Equal((0, $"http://127.0.0.1:{port}/health/ready: 200 OK"), (byEnvironment.ExitCode, byEnvironment.Stdout.Trim()));
    }

    /// <summary>The service on a free loopback port.</summary>
    private static WebApplicationFactory<Program> StartService()
    {
        var factory = new WebApplicationFactory<Program>().WithWebHostBuilder(builder => builder
            .UseSetting("Serilog:MinimumLevel:Default", "Warning")
            .UseSetting("Log:Format", "text"));
        factory.UseKestrel(0);
        factory.StartServer();
        return factory;
    }

    private static IConfiguration Settings(params (string Key, string? Value)[] settings) =>
        new ConfigurationBuilder().AddInMemoryCollection(settings.Select(setting => KeyValuePair.Create(setting.Key, setting.Value))).Build();

    private static int PortOf(IServiceProvider services)
    {
        var addresses = services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses;
        return new Uri(addresses.First()).Port;
    }
}
