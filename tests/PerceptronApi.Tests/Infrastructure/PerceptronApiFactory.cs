using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;

namespace PerceptronApi.Tests.Infrastructure;

/// <summary>The service in memory, with quiet logs; settings can be overridden per test class.</summary>
public class PerceptronApiFactory : WebApplicationFactory<Program>
{
    private readonly Dictionary<string, string?> _settings;

    public PerceptronApiFactory()
        : this([])
    {
    }

    /// <param name="settings">Configuration overrides.</param>
    /// <param name="kestrel">Serve on a real loopback port (for what only the real server does) instead of in memory.</param>
    protected internal PerceptronApiFactory(Dictionary<string, string?> settings, bool kestrel = false)
    {
        if (kestrel)
        {
            UseKestrel(0);
        }

        _settings = new Dictionary<string, string?>
        {
            ["Serilog:MinimumLevel:Default"] = "Warning",
            ["Log:Format"] = "text",
        };
        foreach (var (key, value) in settings)
        {
            _settings[key] = value;
        }
    }

    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        builder.UseEnvironment("Testing");
        foreach (var (key, value) in _settings)
        {
            builder.UseSetting(key, value);
        }
    }
}

/// <summary>Helpers for sending JSON and reading problems.</summary>
public static class HttpTestExtensions
{
    public static Task<HttpResponseMessage> PostJsonTextAsync(this HttpClient client, string url, string json) =>
        client.PostAsync(url, new StringContent(json, Encoding.UTF8, "application/json"));

    public static async Task<JsonNode> ReadJsonAsync(this HttpResponseMessage response) =>
        JsonNode.Parse(await response.Content.ReadAsStringAsync()) ?? throw new InvalidOperationException("The body is JSON null.");

    /// <summary>Asserts a problem response: its status, the problem+json media type, and returns the body.</summary>
    public static async Task<JsonNode> AssertProblemAsync(this HttpResponseMessage response, HttpStatusCode status)
    {
        var body = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == status, $"Expected {(int)status}, got {(int)response.StatusCode}: {body}");
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        var problem = JsonNode.Parse(body)!;
        Assert.Equal((int)status, problem["status"]!.GetValue<int>());
        Assert.False(string.IsNullOrEmpty(problem["type"]?.GetValue<string>()), $"No type in {body}");
        Assert.False(string.IsNullOrEmpty(problem["title"]?.GetValue<string>()));
        Assert.False(string.IsNullOrEmpty(problem["detail"]?.GetValue<string>()), $"No detail in {body}");
        Assert.DoesNotContain("   at ", body, StringComparison.Ordinal);
        Assert.DoesNotContain("System.", body, StringComparison.Ordinal);
        return problem;
    }

    /// <summary>Asserts a whole problem body that carries no extensions: these members and the request's trace id.</summary>
    public static void AssertProblemBody(this JsonNode problem, string type, string title, int status, string detail, string instance)
    {
        Assert.Equal(["detail", "instance", "status", "title", "traceId", "type"], problem.AsObject().Select(member => member.Key).Order(StringComparer.Ordinal));
        Assert.Equal(type, problem["type"]!.GetValue<string>());
        Assert.Equal(title, problem["title"]!.GetValue<string>());
        Assert.Equal(status, problem["status"]!.GetValue<int>());
        Assert.Equal(detail, problem["detail"]!.GetValue<string>());
        Assert.Equal(instance, problem["instance"]!.GetValue<string>());
        Assert.Matches("^00-[0-9a-f]{32}-[0-9a-f]{16}-0[01]$", problem["traceId"]!.GetValue<string>());
    }

    /// <summary>The messages of a validation problem for one field.</summary>
    public static string[] ErrorsFor(this JsonNode problem, string field)
    {
        var errors = problem["errors"]?.AsObject() ?? throw new InvalidOperationException($"No errors map in {problem.ToJsonString()}");
        Assert.True(errors.ContainsKey(field), $"No error for \"{field}\" in {errors.ToJsonString()}");
        return [.. errors[field]!.AsArray().Select(message => message!.GetValue<string>())];
    }

    public static double[] Doubles(this JsonNode? array) =>
        [.. array!.AsArray().Select(value => value!.GetValue<double>())];

    public static MediaTypeHeaderValue Json => new("application/json");

    public static string Serialize(object value) => JsonSerializer.Serialize(value, JsonSerializerOptions.Web);
}
