using System.Net;
using System.Text;
using PerceptronApi.Tests.Infrastructure;

namespace PerceptronApi.Tests.Predictions;

/// <summary>The service with small limits, so each limit is reachable with a small request.</summary>
public sealed class SmallLimitsFactory() : PerceptronApiFactory(new()
{
    ["Limits:MaxRequestBodyBytes"] = "2048",
    ["Limits:MaxPredictionRows"] = "4",
    ["Limits:MaxInputWidth"] = "4",
    ["Limits:MaxTruthTableWidth"] = "3",
    ["Limits:MaxLayers"] = "2",
    ["Limits:MaxUnitsPerLayer"] = "2",
});

public class BadInputTests(SmallLimitsFactory factory) : IClassFixture<SmallLimitsFactory>
{
    private readonly HttpClient _client = factory.CreateClient();

    public static TheoryData<string, string, string> InvalidBodies => new()
    {
        // body, field, the message (or a part of it)
        { """{ "bias": 0.5, "weights": [0.6, "x"] }""", "weights[1]", "must be a number." },
        { """{ "bias": "0.5", "weights": [0.6] }""", "bias", "must be a number." },
        { """{ "bias": 0.5, "weights": [0.6], "inputs": [[0, "1"]] }""", "inputs[0][1]", "must be a number." },
        { """{ "bias": 0.5, "weights": 0.6 }""", "weights", "must be an array." },
        { """{ "bias": 1e400, "weights": [0.6] }""", "bias", "must be a finite number" },
        { """{ "bias": 0.5, "weights": [NaN] }""", "weights[0]", "is not valid JSON" },
        { """{ "bias": 0.5, "weights": [0.6], "activation": "relu" }""", "activation", "must be one of \"step\", \"sign\", \"linear\", \"sigmoid\"." },
        { """{ "bias": 0.5, "weights": [0.6], "activation": 1 }""", "activation", "must be one of" },
        { """{ "bias": 0.5, "wieghts": [0.6] }""", "wieghts", "is not a field of this request." },
        { """{ "bias": 0.5, "weights": [0.6], "bias": 1 }""", "bias", "appears more than once." },
        { """{ "bias": 0.5, "weights": [0.6], """, "$", "ends before its JSON is complete" },
        { "[1, 2]", "$", "must be an object." },
        { "{}", "weights", "Give exactly one model" },
        { """{ "gate": "AND", "bias": 0.5, "weights": [0.6, 0.6] }""", "gate", "Give exactly one model" },
        { """{ "gate": "AND", "layers": [[{ "bias": 0, "weights": [1, 1] }]] }""", "layers", "Got \"gate\" and \"layers\"" },
        { """{ "bias": 0.5 }""", "weights", "is required with \"bias\"." },
        { """{ "weights": [0.6] }""", "bias", "is required with \"weights\"." },
        { """{ "bias": 0.5, "weights": [] }""", "weights", "must have at least one weight." },
        { """{ "gate": "AND", "activation": "sign" }""", "activation", "A gate fixes its activation" },
        { """{ "bias": 0.5, "weights": [0.6], "activation": "sigmoid", "threshold": 0.5 }""", "threshold", "The sigmoid activation takes no threshold." },
        { """{ "bias": 0, "weights": [1, 1], "inputs": [[0, 1], [1]] }""", "inputs[1]", "has 1 values; inputs[0] has 2." },
        { """{ "bias": 0, "weights": [1, 1], "inputs": [[0, 1, 1]] }""", "inputs[0]", "has 3 values; the model takes 2 inputs." },
        { """{ "bias": 0, "weights": [1, 1], "inputs": [] }""", "inputs", "must have at least one row." },
        { """{ "bias": 0, "weights": [1, 1], "expected": [1, 0] }""", "expected", "has 2 values; there are 4 input rows." },
        { """{ "bias": 0, "weights": [1, 1], "expected": [1, 0, 0, 2] }""", "expected[3]", "must be 0 or 1 for the step activation (got 2)." },
        { """{ "bias": 0, "weights": [1, 1], "activation": "sign", "expected": [1, 0, 1, 1] }""", "expected[1]", "must be -1 or 1 for the sign activation (got 0)." },
        { """{ "bias": 0, "weights": [1, 1], "expected": [1, 0, 0, 0], "target": "NOR" }""", "target", "either \"expected\" or \"target\"" },
        { """{ "bias": 0, "weights": [1, 1], "target": "NOT" }""", "target", "NOT takes 1 input; the model takes 2." },
        { """{ "bias": 0, "weights": [1, 1], "target": "MAYBE" }""", "target", "Unknown gate \"MAYBE\"." },
        { """{ "gate": "MAYBE" }""", "gate", "Unknown gate \"MAYBE\". Known gates: AND, OR, NAND, NOR, NOT, XOR, XNOR." },
        { """{ "bias": 0, "weights": [1e308], "inputs": [[1e308]] }""", "inputs[0]", "makes the net input overflow" },
        { """{ "layers": [] }""", "layers", "must have at least one layer." },
        { """{ "layers": [[]] }""", "layers[0]", "must be an array of at least one unit." },
        { """{ "layers": [[{ "bias": 0, "weights": [1, 1] }, { "bias": 0, "weights": [1] }], [{ "bias": 0, "weights": [1, 1] }]] }""", "layers[0][1].weights", "has 1 weights; it needs 2" },
        { """{ "layers": [[{ "bias": 0, "weights": [1, 1] }], [{ "bias": 0, "weights": [1, 1] }]] }""", "layers[1][0].weights", "one per unit of layers[0]" },
        { """{ "layers": [[{ "bias": 0, "weights": [1] }, { "bias": 0, "weights": [1] }]] }""", "layers[0]", "The last layer must be a single output unit; it has 2." },
        { """{ "layers": [[{ "bias": 0 }]] }""", "layers[0][0].weights", "is required." },
        { """{ "layers": [[{ "weights": [1] }]] }""", "layers[0][0].bias", "is required." },
        // Limits, each named with its setting and value.
        { """{ "bias": 0, "weights": [1, 1, 1, 1, 1] }""", "weights", "has 5 weights; the limit is 4 (Limits:MaxInputWidth)." },
        { """{ "bias": 0, "weights": [1, 1, 1, 1] }""", "inputs", "up to 3 inputs (Limits:MaxTruthTableWidth)." },
        { """{ "bias": 0, "weights": [1], "inputs": [[0], [1], [2], [3], [4]] }""", "inputs", "has 5 rows; the limit is 4 (Limits:MaxPredictionRows)." },
        { """{ "bias": 0, "weights": [1, 1, 1] }""", "inputs", "the 8 binary rows of 3 inputs exceed the limit of 4 rows (Limits:MaxPredictionRows)." },
        { """{ "layers": [[{ "bias": 0, "weights": [1] }], [{ "bias": 0, "weights": [1] }], [{ "bias": 0, "weights": [1] }]] }""", "layers", "has 3 layers; the limit is 2 (Limits:MaxLayers)." },
        { """{ "layers": [[{ "bias": 0, "weights": [1] }, { "bias": 0, "weights": [1] }, { "bias": 0, "weights": [1] }], [{ "bias": 0, "weights": [1, 1, 1] }]] }""", "layers[0]", "has 3 units; the limit is 2 (Limits:MaxUnitsPerLayer)." },
    };

    [Theory]
    [MemberData(nameof(InvalidBodies))]
    public async Task PostingAnInvalidPrediction_Returns400NamingTheField(string body, string field, string message)
    {
        var response = await _client.PostJsonTextAsync("/api/v1/predict", body);

        var problem = await response.AssertProblemAsync(HttpStatusCode.BadRequest);
        var messages = problem.ErrorsFor(field);
        Assert.Contains(messages, m => m.Contains(message, StringComparison.Ordinal));
    }

    [Fact]
    public async Task PostingAnOversizedBody_Returns413NamingTheLimit()
    {
        var json = $$"""{ "bias": 0, "weights": [1], "inputs": [{{string.Join(",", Enumerable.Repeat("[1]", 1000))}}] }""";

        var response = await _client.PostJsonTextAsync("/api/v1/predict", json);

        var problem = await response.AssertProblemAsync(HttpStatusCode.RequestEntityTooLarge);
        Assert.Equal("The body is larger than 2048 bytes (Limits:MaxRequestBodyBytes).", problem["detail"]!.GetValue<string>());
    }

    [Fact]
    public async Task PostingPlainText_Returns415()
    {
        var response = await _client.PostAsync("/api/v1/predict", new StringContent("""{ "gate": "AND" }""", Encoding.UTF8, "text/plain"));

        var problem = await response.AssertProblemAsync(HttpStatusCode.UnsupportedMediaType);
        Assert.Equal("The body must be sent as application/json (got text/plain; charset=utf-8).", problem["detail"]!.GetValue<string>());
    }

    [Fact]
    public async Task PostingNoBody_Returns400SayingABodyIsNeeded()
    {
        var response = await _client.PostAsync("/api/v1/predict", new StringContent("", Encoding.UTF8, "application/json"));

        var problem = await response.AssertProblemAsync(HttpStatusCode.BadRequest);
        Assert.Equal("This route needs a JSON body. See /swagger for its fields and examples.", problem["detail"]!.GetValue<string>());
    }

    [Fact]
    public async Task AnUnknownRoute_Returns404Problem()
    {
        var response = await _client.GetAsync("/api/v1/perceptrons");

        var problem = await response.AssertProblemAsync(HttpStatusCode.NotFound);
        Assert.Equal("No route matches GET /api/v1/perceptrons. The routes are listed at /swagger.", problem["detail"]!.GetValue<string>());
    }

    [Theory]
    [InlineData("GET", "/api/v1/predict", "POST")]
    [InlineData("GET", "/api/v1/gates/AND/predict", "POST")]
    [InlineData("PUT", "/api/v1/predict", "POST")]
    [InlineData("GET", "/api/v1/training-jobs/0123456789abcdef0123456789abcdef/cancel", "POST")]
    [InlineData("POST", "/api/v1/gates", "GET, HEAD")]
    public async Task AWrongMethodOnAnApiRoute_Returns405WithAllowAndAProblem(string method, string path, string allow)
    {
        var response = await _client.SendAsync(new HttpRequestMessage(new HttpMethod(method), path));

        var problem = await response.AssertProblemAsync(HttpStatusCode.MethodNotAllowed);
        Assert.Equal(allow, string.Join(", ", response.Content.Headers.Allow));
        problem.AssertProblemBody("https://tools.ietf.org/html/rfc9110#section-15.5.6", "Method Not Allowed", 405, $"{method} is not allowed on {path}. The routes are listed at /swagger.", path);
    }

    [Fact]
    public async Task AWrongMethod_Returns405Problem()
    {
        var response = await _client.DeleteAsync("/api/v1/gates");

        var problem = await response.AssertProblemAsync(HttpStatusCode.MethodNotAllowed);
        Assert.Contains("DELETE is not allowed", problem["detail"]!.GetValue<string>(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task AValidRequestAfterBadOnes_StillSucceeds()
    {
        await _client.PostJsonTextAsync("/api/v1/predict", "{");
        await _client.PostJsonTextAsync("/api/v1/predict", """{ "bias": 1e400, "weights": [1] }""");

        var response = await _client.PostJsonTextAsync("/api/v1/predict", """{ "gate": "AND" }""");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
    }
}

public class PredictionWorkLimitTests() : IClassFixture<PredictionWorkLimitTests.Factory>
{
    public sealed class Factory() : PerceptronApiFactory(new() { ["Limits:MaxPredictionWork"] = "30" });

    [Fact]
    public async Task ANetworkTooLargeForItsRows_Returns400NamingTheLimit()
    {
        using var factory = new Factory();
        var client = factory.CreateClient();

        // 4 rows × (3 + 3 + 3 weights and biases + 2 hidden outputs) = 44 > 30.
        var response = await client.PostJsonTextAsync("/api/v1/predict", """
            { "layers": [[{ "bias": 0, "weights": [1, 1] }, { "bias": 0, "weights": [1, 1] }], [{ "bias": 0, "weights": [1, 1] }]] }
            """);

        var problem = await response.AssertProblemAsync(System.Net.HttpStatusCode.BadRequest);
        Assert.Equal(["4 rows × (9 weights and biases + 2 hidden outputs) = 44 exceeds the limit of 30 (Limits:MaxPredictionWork). Send fewer rows or a smaller network."], problem.ErrorsFor("inputs"));
    }
}
