using System.ComponentModel.DataAnnotations;
using System.Security.Claims;
using System.Security.Cryptography;
using System.Text;
using System.Text.Encodings.Web;
using Microsoft.AspNetCore.Authentication;
using Microsoft.Extensions.Options;

namespace PerceptronApi.Infrastructure;

/// <summary>One API key: a name (the owner of the jobs it creates, shown in no response) and the secret.</summary>
internal sealed class ApiKeyEntry
{
    /// <summary>Who the key belongs to; jobs created with the key belong to this name.</summary>
    public string? Name { get; set; }

    /// <summary>The secret a client sends.</summary>
    public string? Key { get; set; }
}

/// <summary>API keys (configuration section <c>Auth</c>). None configured: the training-jobs routes are open to all.</summary>
internal sealed class AuthOptions : IValidatableObject
{
    public const string SectionName = "Auth";

    /// <summary>The shortest key accepted: a short secret is guessed.</summary>
    public const int MinimumKeyLength = 16;

    /// <summary>The keys, <c>[{ "name": ..., "key": ... }]</c>.</summary>
    public List<ApiKeyEntry> ApiKeys { get; set; } = [];

    public IEnumerable<ValidationResult> Validate(ValidationContext validationContext)
    {
        var names = new HashSet<string>(StringComparer.Ordinal);
        var keys = new HashSet<string>(StringComparer.Ordinal);
        for (var i = 0; i < ApiKeys.Count; i++)
        {
            // Messages name the entry, never the secret.
            var entry = ApiKeys[i];
            if (string.IsNullOrWhiteSpace(entry.Name) || entry.Name.Length > 100 || entry.Name.Any(char.IsControl))
            {
                yield return new ValidationResult($"Auth:ApiKeys:{i}:Name must be 1 to 100 printable characters.");
            }
            else if (!names.Add(entry.Name))
            {
                yield return new ValidationResult($"Auth:ApiKeys:{i}:Name \"{entry.Name}\" is used by another key; each key needs its own name.");
            }

            if (entry.Key is null || entry.Key.Length < MinimumKeyLength || entry.Key.Any(c => char.IsWhiteSpace(c) || char.IsControl(c)))
            {
                yield return new ValidationResult($"Auth:ApiKeys:{i}:Key must be at least {MinimumKeyLength} characters without spaces.");
            }
            else if (!keys.Add(entry.Key))
            {
                yield return new ValidationResult($"Auth:ApiKeys:{i}:Key is the key of another entry; each key must be different.");
            }
        }
    }
}

/// <summary>
/// The configured keys, kept as SHA-256 digests: a presented key is hashed and compared with every digest in constant
/// time, so neither a key's bytes nor which entry matched shows in the response time.
/// </summary>
internal sealed class ApiKeyRing
{
    private readonly (string Name, byte[] Digest)[] _entries;

    public ApiKeyRing(IOptions<AuthOptions> options) =>
        _entries = [.. options.Value.ApiKeys.Select(entry => (entry.Name!, SHA256.HashData(Encoding.UTF8.GetBytes(entry.Key!))))];

    /// <summary>Whether any key is configured (else the training-jobs routes are open).</summary>
    public bool Enabled => _entries.Length > 0;

    /// <summary>The name of the key <paramref name="presented"/>, or null when it is none of them.</summary>
    public string? Match(string presented)
    {
        Span<byte> digest = stackalloc byte[SHA256.HashSizeInBytes];
        SHA256.HashData(Encoding.UTF8.GetBytes(presented), digest);
        string? name = null;
        foreach (var entry in _entries)
        {
            // Every entry is compared: no early exit.
            if (CryptographicOperations.FixedTimeEquals(digest, entry.Digest))
            {
                name = entry.Name;
            }
        }

        return name;
    }
}

/// <summary>
/// Authenticates <c>Authorization: Bearer &lt;key&gt;</c> or <c>X-Api-Key: &lt;key&gt;</c> against <see cref="ApiKeyRing"/>,
/// and answers a challenge with a 401 problem and <c>WWW-Authenticate</c>. Keys appear in no log line and no answer.
/// </summary>
internal sealed class ApiKeyAuthentication(
    IOptionsMonitor<AuthenticationSchemeOptions> options,
    ILoggerFactory logger,
    UrlEncoder encoder,
    ApiKeyRing keys,
    IProblemDetailsService problems) : AuthenticationHandler<AuthenticationSchemeOptions>(options, logger, encoder)
{
    public const string SchemeName = "ApiKey";

    /// <summary>The authorization policy of the routes that need a key when keys are configured.</summary>
    public const string Policy = "ApiKey";

    public const string HeaderName = "X-Api-Key";

    private const string Realm = "PerceptronApi";

    /// <summary>The key's name of an authenticated request (the owner of what it creates); null when open or anonymous.</summary>
    public static string? OwnerOf(ClaimsPrincipal user) =>
        user.Identity is { IsAuthenticated: true, AuthenticationType: SchemeName, Name: { } name } ? name : null;

    protected override Task<AuthenticateResult> HandleAuthenticateAsync()
    {
        if (!keys.Enabled || Presented(Request) is not { } presented)
        {
            return Task.FromResult(AuthenticateResult.NoResult());
        }

        if (keys.Match(presented) is not { } name)
        {
            return Task.FromResult(AuthenticateResult.Fail("The API key is not valid."));
        }

        var identity = new ClaimsIdentity([new Claim(ClaimTypes.Name, name)], SchemeName);
        return Task.FromResult(AuthenticateResult.Success(new AuthenticationTicket(new ClaimsPrincipal(identity), SchemeName)));
    }

    protected override async Task HandleChallengeAsync(AuthenticationProperties properties)
    {
        var result = await HandleAuthenticateOnceSafeAsync();
        var invalid = result.Failure is not null;
        Response.StatusCode = StatusCodes.Status401Unauthorized;
        Response.Headers.WWWAuthenticate = invalid
            ? $"Bearer realm=\"{Realm}\", error=\"invalid_token\", error_description=\"The API key is not valid.\""
            : $"Bearer realm=\"{Realm}\"";
        await problems.WriteAsync(new ProblemDetailsContext
        {
            HttpContext = Context,
            ProblemDetails =
            {
                Status = StatusCodes.Status401Unauthorized,
                Title = invalid ? "Invalid API key" : "API key required",
                Detail = invalid
                    ? "The API key sent is not one of the service's keys."
                    : $"The training-jobs routes need an API key: send \"Authorization: Bearer <key>\" or \"{HeaderName}: <key>\".",
            },
        });
    }

    /// <summary>The key sent with the request: a Bearer credential, else the X-Api-Key header; null when none.</summary>
    private static string? Presented(HttpRequest request)
    {
        var authorization = request.Headers.Authorization.ToString();
        if (authorization.StartsWith("Bearer ", StringComparison.OrdinalIgnoreCase) && authorization[7..].Trim() is { Length: > 0 } bearer)
        {
            return bearer;
        }

        return request.Headers[HeaderName].ToString().Trim() is { Length: > 0 } header ? header : null;
    }
}

/// <summary>Registers the API-key scheme and the policy of the routes that need a key.</summary>
internal static class ApiKeySetup
{
    public static WebApplicationBuilder AddApiKeys(this WebApplicationBuilder builder)
    {
        var services = builder.Services;
        services.AddOptions<AuthOptions>()
            .BindConfiguration(AuthOptions.SectionName)
            .ValidateDataAnnotations()
            .ValidateOnStart();
        services.AddSingleton<ApiKeyRing>();

        // Without keys nothing is authenticated or authorized: neither the scheme nor the authorization services are
        // registered, so the open service pays nothing per request for them (the framework adds its authentication and
        // authorization middleware by itself whenever their services are registered, and each runs on every request).
        if (builder.Configuration.GetSection(AuthOptions.SectionName).GetSection(nameof(AuthOptions.ApiKeys)).GetChildren().Any())
        {
            services.AddAuthentication(ApiKeyAuthentication.SchemeName)
                .AddScheme<AuthenticationSchemeOptions, ApiKeyAuthentication>(ApiKeyAuthentication.SchemeName, null);
            services.AddAuthorization();
            services.AddOptions<Microsoft.AspNetCore.Authorization.AuthorizationOptions>()
                .Configure(authorization => authorization.AddPolicy(ApiKeyAuthentication.Policy, policy =>
                    policy.RequireAssertion(context => ApiKeyAuthentication.OwnerOf(context.User) is not null)));
        }

        return builder;
    }

    /// <summary>Authenticates and authorizes requests when keys are configured.</summary>
    public static WebApplication UseApiKeys(this WebApplication app)
    {
        if (app.Services.GetRequiredService<ApiKeyRing>().Enabled)
        {
            app.UseAuthentication();
            app.UseAuthorization();
        }

        return app;
    }

    /// <summary>These endpoints need an API key when any is configured.</summary>
    public static TBuilder RequireApiKey<TBuilder>(this TBuilder builder, IEndpointRouteBuilder app)
        where TBuilder : IEndpointConventionBuilder =>
        app.ServiceProvider.GetRequiredService<ApiKeyRing>().Enabled ? builder.RequireAuthorization(ApiKeyAuthentication.Policy) : builder;
}
