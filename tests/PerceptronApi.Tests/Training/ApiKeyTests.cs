using System.Net;
using System.Net.Http.Headers;
using PerceptronApi.Tests.Infrastructure;

namespace PerceptronApi.Tests.Training;

/// <summary>With Auth:ApiKeys configured: the training-jobs routes need a key, and each key sees only its own jobs.</summary>
public class ApiKeyTests(ApiKeyTests.Factory factory) : IClassFixture<ApiKeyTests.Factory>
{
    public const string AliceKey = "alice-key-0123456789";
    public const string BobKey = "bob-key-0123456789ab";

    public sealed class Factory() : PerceptronApiFactory(new()
    {
        ["Auth:ApiKeys:0:Name"] = "alice",
        ["Auth:ApiKeys:0:Key"] = AliceKey,
        ["Auth:ApiKeys:1:Name"] = "bob",
        ["Auth:ApiKeys:1:Key"] = BobKey,
    });

    private readonly HttpClient _anonymous = factory.CreateClient();

    private HttpClient Alice
    {
        get
        {
            var client = factory.CreateClient();
            client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", AliceKey);
            return client;
        }
    }

    private HttpClient Bob
    {
        get
        {
            var client = factory.CreateClient();
            client.DefaultRequestHeaders.Add("X-Api-Key", BobKey);
            return client;
        }
    }

    [Theory]
    [InlineData("GET", "")]
    [InlineData("POST", "")]
    [InlineData("GET", "/0123456789abcdef0123456789abcdef")]
    [InlineData("DELETE", "/0123456789abcdef0123456789abcdef")]
    public async Task WithoutAKey_TheJobRoutesAnswer401WithWwwAuthenticate(string method, string path)
    {
        using var request = new HttpRequestMessage(new HttpMethod(method), TrainingJobClient.Route + path);
        var response = await _anonymous.SendAsync(request);

        var problem = await response.AssertProblemAsync(HttpStatusCode.Unauthorized);
        Assert.Equal("Bearer realm=\"PerceptronApi\"", response.Headers.WwwAuthenticate.ToString());
        Assert.Equal("The training-jobs routes need an API key: send \"Authorization: Bearer <key>\" or \"X-Api-Key: <key>\".", problem["detail"]!.GetValue<string>());
    }

    [Fact]
    public async Task AWrongKey_Answers401NamingTheInvalidToken()
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, TrainingJobClient.Route);
        request.Headers.Add("X-Api-Key", "not-a-key-of-this-service");
        var response = await _anonymous.SendAsync(request);

        var problem = await response.AssertProblemAsync(HttpStatusCode.Unauthorized);
        Assert.Contains("error=\"invalid_token\"", response.Headers.WwwAuthenticate.ToString(), StringComparison.Ordinal);
        Assert.Equal("Invalid API key", problem["title"]!.GetValue<string>());
        Assert.DoesNotContain("not-a-key-of-this-service", problem.ToJsonString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task GatesAndPredictStayOpen()
    {
        Assert.Equal(HttpStatusCode.OK, (await _anonymous.GetAsync("/api/v1/gates")).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await _anonymous.PostJsonTextAsync("/api/v1/predict", """{"gate": "NOR"}""")).StatusCode);
    }

    [Fact]
    public async Task AnotherKeysJob_IsNotFoundOnEveryRoute_AndTheOwnerUsesIt()
    {
        var alice = Alice;
        var bob = Bob;
        var job = await alice.StartAndWaitAsync("""{"gate": "NOR"}""");
        var id = job["id"]!.GetValue<string>();
        var notFound = $"There is no training job {id}. Jobs are kept for Training:MaxJobAge after they finish, at most Training:MaxRetainedJobs of them.";

        foreach (var (method, path) in new[]
        {
            ("GET", ""), ("GET", "?history=false"), ("GET", "/history"), ("GET", "/events"),
            ("POST", "/cancel"), ("POST", "/predict"), ("DELETE", ""),
        })
        {
            using var request = new HttpRequestMessage(new HttpMethod(method), $"{TrainingJobClient.Route}/{id}{path}");
            var problem = await (await bob.SendAsync(request)).AssertProblemAsync(HttpStatusCode.NotFound);
            Assert.Equal(notFound, problem["detail"]!.GetValue<string>());
        }

        // Untouched by all of that: still there, still alice's.
        Assert.Equal("succeeded", (await alice.GetJobAsync(id))["status"]!.GetValue<string>());
        var prediction = await (await alice.PostJsonTextAsync($"{TrainingJobClient.Route}/{id}/predict", """{"target": "NOR"}""")).ReadJsonAsync();
        Assert.Equal(1.0, prediction["summary"]!["accuracy"]!.GetValue<double>());
        Assert.Equal(HttpStatusCode.NoContent, (await alice.DeleteAsync($"{TrainingJobClient.Route}/{id}")).StatusCode);
    }

    [Fact]
    public async Task TheList_ShowsOnlyTheCallersJobs()
    {
        var alice = Alice;
        var bob = Bob;
        var aliceJob = (await alice.StartAndWaitAsync("""{"gate": "AND"}"""))["id"]!.GetValue<string>();
        var bobJob = (await bob.StartAndWaitAsync("""{"gate": "OR"}"""))["id"]!.GetValue<string>();

        var aliceList = await ListAsync(alice);
        var bobList = await ListAsync(bob);

        Assert.Contains(aliceJob, aliceList);
        Assert.DoesNotContain(bobJob, aliceList);
        Assert.Contains(bobJob, bobList);
        Assert.DoesNotContain(aliceJob, bobList);
    }

    [Fact]
    public async Task TheJobView_NamesItsOwningKey_NeverTheKey()
    {
        var alice = Alice;
        var created = await alice.StartAndWaitAsync("""{"gate": "AND"}""");
        var id = created["id"]!.GetValue<string>();

        var read = await (await alice.GetAsync($"{TrainingJobClient.Route}/{id}")).ReadJsonAsync();
        var listed = (await (await alice.GetAsync($"{TrainingJobClient.Route}?limit=1000")).ReadJsonAsync())["items"]!.AsArray().Single(item => item!["id"]!.GetValue<string>() == id)!;

        Assert.Equal(["alice", "alice", "alice"], new[] { created, read, listed }.Select(job => job["owner"]!.GetValue<string>()));
        Assert.DoesNotContain(AliceKey, read.ToJsonString(), StringComparison.Ordinal);
    }

    private static async Task<List<string>> ListAsync(HttpClient client)
    {
        var page = await (await client.GetAsync($"{TrainingJobClient.Route}?limit=1000")).ReadJsonAsync();
        return [.. page["items"]!.AsArray().Select(item => item!["id"]!.GetValue<string>())];
    }
}

/// <summary>RateLimits:JobsPerMinute: submissions per client in any minute.</summary>
public class JobRateLimitTests
{
    [Fact]
    public async Task ASubmissionOverTheLimit_Gets429WithRetryAfter()
    {
        using var factory = new PerceptronApiFactory(new() { ["RateLimits:JobsPerMinute"] = "2" });
        var client = factory.CreateClient();

        await client.StartAndWaitAsync("""{"gate": "NOR"}""");
        await client.StartAndWaitAsync("""{"gate": "NOR"}""");
        var response = await client.PostJsonTextAsync(TrainingJobClient.Route, """{"gate": "NOR"}""");

        var problem = await response.AssertProblemAsync(HttpStatusCode.TooManyRequests);
        var retryAfter = int.Parse(response.Headers.GetValues("Retry-After").Single(), System.Globalization.CultureInfo.InvariantCulture);
        Assert.InRange(retryAfter, 1, 60);
        problem.AssertProblemBody("https://tools.ietf.org/html/rfc6585#section-4", "Too many requests", 429, $"This client submitted 2 training job(s) in the last minute, the limit (RateLimits:JobsPerMinute). Retry after {retryAfter} s.", TrainingJobClient.Route);

        // Reading is not submitting.
        Assert.Equal(HttpStatusCode.OK, (await client.GetAsync(TrainingJobClient.Route)).StatusCode);
    }
}
