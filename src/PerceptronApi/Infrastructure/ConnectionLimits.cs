using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.Extensions.Options;

namespace PerceptronApi.Infrastructure;

/// <summary>
/// Applies <see cref="ServerOptions"/> to Kestrel and takes away what tells a scanner which server answers.
/// </summary>
internal static class ConnectionLimits
{
    public static IServiceCollection AddConnectionLimits(this IServiceCollection services)
    {
        services.AddOptions<ServerOptions>()
            .BindConfiguration(ServerOptions.SectionName)
            .ValidateDataAnnotations()
            .ValidateOnStart();
        services.AddOptions<KestrelServerOptions>()
            .Configure<IOptions<ServerOptions>>((kestrel, server) =>
            {
                kestrel.Limits.MaxConcurrentConnections = server.Value.MaxConcurrentConnections;
                kestrel.Limits.MaxConcurrentUpgradedConnections = server.Value.MaxConcurrentUpgradedConnections;
                kestrel.AddServerHeader = false;
            });
        return services;
    }
}
