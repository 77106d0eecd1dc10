using System.Globalization;
using System.Net;
using System.Net.Sockets;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc.Testing;
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
        Assert.Null(await HealthCheckCommand.TryRunAsync([], _ => throw new InvalidOperationException("not read")));
        Assert.Null(await HealthCheckCommand.TryRunAsync(["--urls", "http://127.0.0.1:5000"], _ => null));
    }

    [Fact]
    public async Task The_running_service_is_healthy()
    {
        using var factory = new WebApplicationFactory<Program>().WithWebHostBuilder(builder => builder
            .UseSetting("Serilog:MinimumLevel:Default", "Warning")
            .UseSetting("Log:Format", "text"));
        factory.UseKestrel(0);
        factory.StartServer();
        var port = PortOf(factory.Services);

        var exitCode = await HealthCheckCommand.TryRunAsync(HealthCheckArgs, Environment(("ASPNETCORE_HTTP_PORTS", port.ToString(CultureInfo.InvariantCulture))));

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

        var exitCode = await HealthCheckCommand.TryRunAsync(HealthCheckArgs, Environment(("ASPNETCORE_URLS", $"http://+:{port}")));

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

        var exitCode = await HealthCheckCommand.TryRunAsync(HealthCheckArgs, Environment(("ASPNETCORE_HTTP_PORTS", port.ToString(CultureInfo.InvariantCulture))));

        Assert.Equal(1, exitCode);
    }

    [Theory]
    [InlineData(null, null, "http://127.0.0.1:8080/health/ready")]
    [InlineData(null, "8081", "http://127.0.0.1:8081/health/ready")]
    [InlineData(null, "9000;9001", "http://127.0.0.1:9000/health/ready")]
    [InlineData("http://+:5000", "8080", "http://127.0.0.1:5000/health/ready")]
    [InlineData("http://*:5001/", null, "http://127.0.0.1:5001/health/ready")]
    [InlineData("https://0.0.0.0:5443;http://[::]:5002", null, "http://127.0.0.1:5002/health/ready")]
    [InlineData("http://localhost", null, "http://127.0.0.1/health/ready")]
    [InlineData("https://+:5443", "8082", "http://127.0.0.1:8082/health/ready")]
    public void The_port_comes_from_the_listening_settings(string? urls, string? httpPorts, string expected)
    {
        var url = HealthCheckCommand.ReadyUrl(Environment(("ASPNETCORE_URLS", urls), ("ASPNETCORE_HTTP_PORTS", httpPorts)));

        Assert.Equal(new Uri(expected), url);
    }

    private static Func<string, string?> Environment(params (string Name, string? Value)[] variables) =>
        name => variables.FirstOrDefault(variable => variable.Name == name).Value;

    private static int PortOf(IServiceProvider services)
    {
        var addresses = services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses;
        return new Uri(addresses.First()).Port;
    }
}
