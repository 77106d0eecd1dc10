using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.Extensions.Options;

namespace PerceptronApi.Infrastructure;

/// <summary>
/// Applies <see cref="ServerOptions"/> to Kestrel (the per-client cap as connection middleware on every endpoint) and
/// takes away what tells a scanner which server answers.
/// </summary>
internal static class ConnectionLimits
{
    public static IServiceCollection AddConnectionLimits(this IServiceCollection services)
    {
        services.AddOptions<ServerOptions>()
            .BindConfiguration(ServerOptions.SectionName)
            .ValidateDataAnnotations()
            .ValidateOnStart();
        services.AddSingleton<ClientConnectionLimit>();
        services.AddOptions<KestrelServerOptions>()
            .Configure<IOptions<ServerOptions>, ClientConnectionLimit>((kestrel, server, perClient) =>
            {
                kestrel.Limits.MaxConcurrentConnections = server.Value.MaxConcurrentConnections;
                kestrel.Limits.MaxConcurrentUpgradedConnections = server.Value.MaxConcurrentUpgradedConnections;
                kestrel.AddServerHeader = false;
                if (server.Value.MaxConnectionsPerClient > 0)
                {
                    // Inside Kestrel's own connection limit, which counts (and closes) a connection first.
                    kestrel.ConfigureEndpointDefaults(listen => listen.Use(perClient.Apply));
                }
            });
        return services;
    }
}
