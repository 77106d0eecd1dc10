using System.Text.Json.Nodes;
using System.Net;

namespace PerceptronApi.Tests.Infrastructure;

public class OperationsTests(PerceptronApiFactory factory) : IClassFixture<PerceptronApiFactory>
{
    private readonly HttpClient _client = factory.CreateClient(new() { AllowAutoRedirect = false });

    [Fact]
    public async Task Root_ServesThePlaygroundPageUnderAPolicyThatAllowsOnlyThisOrigin()
    {
        var response = await _client.GetAsync("/");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("text/html", response.Content.Headers.ContentType?.MediaType);
        Assert.Equal(
            "default-src 'self'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'",
            Assert.Single(response.Headers.GetValues("Content-Security-Policy")));
        var html = await response.Content.ReadAsStringAsync();
        Assert.Contains("data-testid=\"truth-table\"", html, StringComparison.Ordinal);
        Assert.Contains("<script src=\"js/main.js\" type=\"module\"></script>", html, StringComparison.Ordinal);
        // Nothing that would need 'unsafe-inline': no script without src, no style element or attribute, no handler attribute.
        Assert.DoesNotMatch(@"<script(?![^>]*\bsrc=)", html);
        Assert.DoesNotMatch(@"<style|\sstyle=|\son[a-z]+=", html);
        Assert.DoesNotMatch(@"(src|href)=""(https?:)?//", html);
    }

    [Theory]
    [InlineData("/", "text/html")]
    [InlineData("/js/main.js", "text/javascript")]
    [InlineData("/lib/uplot/uPlot.iife.min.js", "text/javascript")]
    public async Task PageFiles_CarryAnETagAndAnswer304WhenUnchanged(string path, string mediaType)
    {
        var first = await _client.GetAsync(path);
        Assert.Equal(HttpStatusCode.OK, first.StatusCode);
        Assert.Equal(mediaType, first.Content.Headers.ContentType?.MediaType);
        var etag = first.Headers.ETag ?? throw new InvalidOperationException($"No ETag on {path}");
        Assert.False(etag.IsWeak);

        using var again = new HttpRequestMessage(HttpMethod.Get, path);
        again.Headers.IfNoneMatch.Add(etag);
        var second = await _client.SendAsync(again);

        Assert.Equal(HttpStatusCode.NotModified, second.StatusCode);
        Assert.Empty(await second.Content.ReadAsByteArrayAsync());
    }

    [Fact]
    public async Task SwaggerUi_IsServed()
    {
        var response = await _client.GetAsync("/swagger/index.html");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Contains("swagger-ui", await response.Content.ReadAsStringAsync(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task OpenApiDocument_DescribesEveryRouteWithExamplesAndErrors()
    {
        var document = await (await _client.GetAsync("/swagger/v1/swagger.json")).ReadJsonAsync();

        Assert.StartsWith("3.", document["openapi"]!.GetValue<string>(), StringComparison.Ordinal);
        var paths = document["paths"]!.AsObject();
        foreach (var path in new[]
        {
            "/api/v1/gates", "/api/v1/gates/{name}", "/api/v1/gates/{name}/predict", "/api/v1/predict",
            "/api/v1/training-jobs", "/api/v1/training-jobs/{id}", "/api/v1/training-jobs/{id}/history",
            "/api/v1/training-jobs/{id}/events", "/api/v1/training-jobs/{id}/cancel", "/api/v1/training-jobs/{id}/predict",
        })
        {
            Assert.True(paths.ContainsKey(path), path);
        }

        var predict = paths["/api/v1/predict"]!["post"]!;
        Assert.False(string.IsNullOrWhiteSpace(predict["summary"]?.GetValue<string>()));
        var examples = predict["requestBody"]!["content"]!["application/json"]!["examples"]!.AsObject();
        Assert.Equal([0.7, -0.2], examples["guess-vs-NOR"]!["value"]!["weights"].Doubles());
        Assert.Equal("NOR", examples["guess-vs-NOR"]!["value"]!["target"]!.GetValue<string>());
        Assert.True(predict["responses"]!.AsObject().ContainsKey("400"));
        Assert.True(predict["responses"]!.AsObject().ContainsKey("413"));
        Assert.True(paths["/api/v1/gates/{name}"]!["get"]!["responses"]!.AsObject().ContainsKey("404"));
        var start = paths["/api/v1/training-jobs"]!["post"]!;
        // 401 (API keys) and 429 (rate limits) are the operations additions to the contract.
        Assert.Equal(["201", "202", "400", "401", "413", "415", "429", "503"], start["responses"]!.AsObject().Select(r => r.Key).Order(StringComparer.Ordinal));
        Assert.True(start["requestBody"]!["content"]!.AsObject().ContainsKey("text/csv"));
        Assert.Equal("NOR", start["requestBody"]!["content"]!["application/json"]!["examples"]!["NOR"]!["value"]!["gate"]!.GetValue<string>());
        var job = document["components"]!["schemas"]!["JobResponse"]!["properties"]!;
        Assert.True(job["result"]!["nullable"]!.GetValue<bool>());
        Assert.Equal("object", job["result"]!["type"]!.GetValue<string>());
        Assert.Null(job["status"]!["nullable"]);
        Assert.True(paths.ContainsKey("/health/ready"));
        Assert.Equal(["step", "sign", "linear", "sigmoid"], document["components"]!["schemas"]!["Activation"]!["enum"]!.AsArray().Select(v => v!.GetValue<string>()));
    }

    [Fact]
    public async Task TheDocument_TypesQueryParameters_DeclaresTheHeadersRead_AndTheEventStream()
    {
        var document = await (await _client.GetAsync("/swagger/v1/swagger.json")).ReadJsonAsync();
        var paths = document["paths"]!;

        static Dictionary<string, string> Schemas(JsonNode operation) => operation["parameters"]!.AsArray()
            .ToDictionary(p => $"{p!["in"]!.GetValue<string>()}:{p["name"]!.GetValue<string>()}", p => p!["schema"]!.ToJsonString(new System.Text.Json.JsonSerializerOptions { Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping }));

        Assert.Equal(
            new Dictionary<string, string>
            {
                ["query:status"] = """{"enum":["queued","running","succeeded","failed","canceled"],"type":"string"}""",
                ["query:limit"] = """{"minimum":1,"type":"integer","format":"int32"}""",
                ["query:cursor"] = """{"minimum":1,"type":"integer","format":"int64"}""",
            },
            Schemas(paths["/api/v1/training-jobs"]!["get"]!));
        var history = Schemas(paths["/api/v1/training-jobs/{id}/history"]!["get"]!);
        Assert.Equal("""{"minimum":0,"type":"integer","format":"int32"}""", history["query:from"]);
        Assert.Equal("""{"type":"boolean"}""", Schemas(paths["/api/v1/training-jobs/{id}"]!["get"]!)["query:history"]);
        var start = Schemas(paths["/api/v1/training-jobs"]!["post"]!);
        Assert.Equal("""{"enum":["perceptron","pocket","averaged","adaline","backpropagation"],"type":"string"}""", start["query:algorithm"]);
        Assert.Equal("""{"pattern":"^wait=[0-9]+$","type":"string"}""", start["header:Prefer"]);
        var events = paths["/api/v1/training-jobs/{id}/events"]!["get"]!;
        Assert.Equal("""{"minimum":0,"type":"integer","format":"int32"}""", Schemas(events)["header:Last-Event-ID"]);
        Assert.Equal(["text/event-stream"], events["responses"]!["200"]!["content"]!.AsObject().Select(media => media.Key));

        // Examples are bodies the service answered: here the documented one, and the one a real request gets now.
        var predictOk = paths["/api/v1/predict"]!["post"]!["responses"]!["200"]!["content"]!["application/json"]!["example"]!;
        var real = await (await _client.PostJsonTextAsync("/api/v1/predict", """{"bias":0.4,"weights":[0.7,-0.2],"target":"NOR"}""")).ReadJsonAsync();
        Assert.Equal(real.ToJsonString(), predictOk.ToJsonString());
        foreach (var (status, title) in new[] { ("400", "One or more validation errors occurred."), ("404", "Training job not found"), ("429", "Too many requests"), ("503", "Too many training jobs") })
        {
            var example = paths["/api/v1/training-jobs/{id}/predict"]!["post"]!["responses"]![status]?["content"]!["application/problem+json"]!["example"]
                ?? paths["/api/v1/training-jobs"]!["post"]!["responses"]![status]!["content"]!["application/problem+json"]!["example"]!;
            Assert.Equal((int.Parse(status, System.Globalization.CultureInfo.InvariantCulture), title), (example["status"]!.GetValue<int>(), example["title"]!.GetValue<string>()));
            Assert.StartsWith("https://tools.ietf.org/html/rfc", example["type"]!.GetValue<string>(), StringComparison.Ordinal);
        }

        // Markdown would read the asterisks of the formula as emphasis: it is written as code.
        Assert.Contains("`z = w0 + w1*x1 + ... + wn*xn`", document["info"]!["description"]!.GetValue<string>(), StringComparison.Ordinal);
        Assert.Equal("The output unit's net input `z = w0 + w1*x1 + ... + wn*xn`.", document["components"]!["schemas"]!["PredictionDto"]!["properties"]!["z"]!["description"]!.GetValue<string>());
        Assert.StartsWith("For linear and sigmoid only: the 0/1 decision", document["components"]!["schemas"]!["PredictionDto"]!["properties"]!["class"]!["description"]!.GetValue<string>(), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("/health/live")]
    [InlineData("/health/ready")]
    public async Task HealthProbes_AnswerHealthy(string path)
    {
        var response = await _client.GetAsync(path);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("Healthy", await response.Content.ReadAsStringAsync());
    }
}

public class SwaggerDisabledTests
{
    public sealed class Factory() : PerceptronApiFactory(new() { ["OpenApi:Enabled"] = "false" });

    [Fact]
    public async Task WithOpenApiDisabled_SwaggerIsNotServed()
    {
        using var factory = new Factory();
        var client = factory.CreateClient();

        var response = await client.GetAsync("/swagger/v1/swagger.json");

        var problem = await response.AssertProblemAsync(HttpStatusCode.NotFound);
        Assert.Equal("No route matches GET /swagger/v1/swagger.json.", problem["detail"]!.GetValue<string>());
    }
}
