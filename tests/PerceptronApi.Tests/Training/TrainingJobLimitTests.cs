using System.Net;
using System.Text;
using PerceptronApi.Tests.Infrastructure;

namespace PerceptronApi.Tests.Training;

/// <summary>Small training limits, so each is reachable with a small request.</summary>
public sealed class SmallTrainingLimitsFactory() : PerceptronApiFactory(new()
{
    ["Training:MaxSamples"] = "6",
    ["Training:MaxFeatures"] = "3",
    ["Training:MaxEpochs"] = "500",
    ["Training:MaxWork"] = "2000",
    ["Training:MaxHistoryRecords"] = "301",
    ["Training:MaxHistoryValues"] = "700",
    ["Training:MaxPageSize"] = "50",
});

public class TrainingJobLimitTests(SmallTrainingLimitsFactory factory) : IClassFixture<SmallTrainingLimitsFactory>
{
    private readonly HttpClient _client = factory.CreateClient();

    public static TheoryData<string, string, string> InvalidJobs => new()
    {
        { "{}", "gate", "Give the training data" },
        { """{ "gate": "NOR", "inputs": [[0]], "labels": [1] }""", "gate", "not both" },
        { """{ "inputs": [[0, 1]] }""", "labels", "is required with \"inputs\"." },
        { """{ "labels": [1] }""", "inputs", "is required with \"labels\"." },
        { """{ "gate": "MAYBE" }""", "gate", "Unknown gate \"MAYBE\"." },
        { """{ "gate": "NOR", "algorithm": "backprop" }""", "algorithm", "must be one of \"perceptron\", \"pocket\", \"averaged\", \"adaline\", \"backpropagation\"." },
        { """{ "gate": "NOR", "learningRate": 0 }""", "learningRate", "greater than 0" },
        { """{ "gate": "NOR", "learningRate": -0.1 }""", "learningRate", "greater than 0" },
        { """{ "gate": "NOR", "learningRate": "0.1" }""", "learningRate", "must be a number." },
        { """{ "gate": "NOR", "maxEpochs": 0 }""", "maxEpochs", "must be between 1 and 500 (Training:MaxEpochs); got 0." },
        { """{ "gate": "NOR", "maxEpochs": 99999999999 }""", "maxEpochs", "must be an integer." },
        { """{ "layers": [[{ "bias": 0, "weights": [1] }]] }""", "layers", "is not a field of this request." },
        { """{ "gate": "NOR", "initialWeights": { "weights": [1, 1] } }""", "initialWeights.bias", "is required." },
        { """{ "gate": "NOR", "maxEpochs": 1.5 }""", "maxEpochs", "must be an integer." },
        { """{ "gate": "NOR", "activation": "sigmoid" }""", "activation", "prediction only" },
        { """{ "gate": "NOR", "tolerance": 0.01 }""", "tolerance", "adaline" },
        { """{ "gate": "NOR", "initialWeights": { "bias": 0, "weights": [1] } }""", "initialWeights.weights", "2" },
        { """{ "gate": "NOR", "initialWeights": { "bias": 0, "weights": [] } }""", "initialWeights.weights", "at least one weight" },
        { """{ "gate": "NOR", "shuffle": "yes" }""", "shuffle", "must be true or false." },
        { """{ "gate": "NOR", "learning_rate": 0.5 }""", "learning_rate", "is not a field of this request." },
        { """{ "inputs": [[0, 1], [1]], "labels": [0, 1] }""", "inputs[1]", "" },
        // Labels outside the activation's set are classes (one unit for two); what stays refused is a mix, a null, one class.
        { """{ "inputs": [[0, 1], [1, 1]], "labels": [0, "a"] }""", "labels[1]", "must be a number like the first label (labels[0]): the labels are all numbers or all strings." },
        { """{ "inputs": [[0, 1], [1, 1]], "labels": [0, null] }""", "labels[1]", "must be a number or a string (a class label)." },
        { """{ "inputs": [[0, 1], [1, 1], [2, 2]], "labels": ["a", "b", "c"], "algorithm": "backpropagation", "hiddenLayers": [2], "maxEpochs": 10 }""", "labels", "must hold 2 classes for backpropagation" },
        { """{ "inputs": [[0, 1], [1, 1]], "labels": [0, 0], "activation": "sign" }""", "labels", "must hold -1 and 1, or at least two distinct classes (every label is 0)." },
        { """{ "inputs": [[0, 1], [1, 1]], "labels": [0] }""", "labels", "" },
        // Limits, named with their setting and value.
        { """{ "inputs": [[0], [1], [2], [3], [4], [5], [6]], "labels": [0, 1, 0, 1, 0, 1, 0] }""", "inputs", "has 7 samples; the limit is 6 (Training:MaxSamples)." },
        { """{ "inputs": [[0, 1, 2, 3]], "labels": [0] }""", "inputs[0]", "has 4 features; the limit is 3 (Training:MaxFeatures)." },
        { """{ "gate": "NOR", "maxEpochs": 501 }""", "maxEpochs", "is 501; the limit is 500 (Training:MaxEpochs)." },
        { """{ "gate": "NOR", "maxEpochs": 400 }""", "maxEpochs", "exceed the limit of 301 (Training:MaxHistoryRecords)." },
        { """{ "gate": "NOR", "maxEpochs": 250 }""", "maxEpochs", "the limit is 700 (Training:MaxHistoryValues)." },
        { """{ "inputs": [[0, 1], [1, 1], [0, 0], [1, 0], [2, 2], [3, 3]], "labels": [0, 1, 0, 1, 0, 1], "maxEpochs": 200 }""", "maxEpochs", "exceeds the limit of 2000 (Training:MaxWork)." },
    };

    [Theory]
    [MemberData(nameof(InvalidJobs))]
    public async Task StartingAnInvalidJob_Returns400NamingTheField(string body, string field, string message)
    {
        var response = await _client.PostJsonTextAsync(TrainingJobClient.Route, body);

        var problem = await response.AssertProblemAsync(HttpStatusCode.BadRequest);
        Assert.Contains(problem.ErrorsFor(field), m => m.Contains(message, StringComparison.Ordinal));
    }

    public static TheoryData<string, string, string, string> InvalidCsv => new()
    {
        { "", "0,0,1\n", "learningRate", "must be a finite number (got \"fast\")." },
        { "", "0,0,1\n0,1\n", "line 2", "has 2 columns; the first row has 3." },
        { "", "x1,x2,y\n0,zero,1\n", "line 2, column 2", "must be a number (got \"zero\")." },
        { "", "x1,x2,y\n", "body", "has no samples" },
        { "", "0,0,1\n0,1,0\n0,0,1\n0,1,0\n0,0,1\n0,1,0\n0,0,1\n", "body", "the limit is 6 (Training:MaxSamples)." },
        { "algorithm=magic", "0,0,1\n", "algorithm", "must be one of \"perceptron\", \"pocket\", \"averaged\", \"adaline\", \"backpropagation\" (got \"magic\")." },
        { "initialWeights.bias=0.5", "0,0,1\n", "initialWeights.weights", "is required with the other initialWeights parameter." },
        { "", "0,0,2\n", "labels", "must hold 0 and 1, or at least two distinct classes (every label is 2)." },
        { "", "x,y,label\n\n0,0,1\n0,1,0\n1,0,setosa\n", "line 5, column 3", "must be a number like the first label (line 3, column 3): the labels are all numbers or all strings." },
        { "", "NaN,0,1\n0,1,0\n", "line 1, column 1", "must be a finite number (got \"NaN\")." },
        { "", "0,Infinity,1\n", "line 1, column 2", "must be a finite number" },
        { "", "7\n0,0,1\n", "line 1", "needs at least two columns" },
        { "", "0;0;1\n", "line 1", "separate the values with commas (found ';')." },
        { "algoritm=pocket", "0,0,1\n", "algoritm", "is not a query parameter of this route. Known:" },
    };

    [Theory]
    [MemberData(nameof(InvalidCsv))]
    public async Task StartingAJobFromInvalidCsv_Returns400NamingTheLineOrParameter(string query, string csv, string field, string message)
    {
        var url = $"{TrainingJobClient.Route}?{(query.Length > 0 ? query : field == "learningRate" ? "learningRate=fast" : "")}";

        var response = await _client.PostAsync(url, new StringContent(csv, Encoding.UTF8, "text/csv"));

        var problem = await response.AssertProblemAsync(HttpStatusCode.BadRequest);
        Assert.Contains(problem.ErrorsFor(field), m => m.Contains(message, StringComparison.Ordinal));
    }

    [Fact]
    public async Task QueryParametersWithAJsonBody_AreRefused()
    {
        var response = await _client.PostJsonTextAsync($"{TrainingJobClient.Route}?learningRate=0.5", """{ "gate": "NOR" }""");

        var problem = await response.AssertProblemAsync(HttpStatusCode.BadRequest);
        Assert.Contains("text/csv", problem.ErrorsFor("learningRate")[0], StringComparison.Ordinal);
    }

    [Fact]
    public async Task AnUnsupportedMediaType_Returns415()
    {
        var response = await _client.PostAsync(TrainingJobClient.Route, new StringContent("gate=NOR", Encoding.UTF8, "application/x-www-form-urlencoded"));

        var problem = await response.AssertProblemAsync(HttpStatusCode.UnsupportedMediaType);
        Assert.Contains("application/json or text/csv", problem["detail"]!.GetValue<string>(), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("?limit=51", "limit", "must be between 1 and 50 (Training:MaxPageSize)")]
    [InlineData("?limit=0", "limit", "must be between 1 and 50")]
    [InlineData("?status=done", "status", "must be one of \"queued\", \"running\", \"succeeded\", \"failed\", \"canceled\"")]
    [InlineData("?cursor=abc", "cursor", "must be the \"cursor\" of a \"next\" link.")]
    public async Task ListingWithBadParameters_Returns400(string query, string field, string message)
    {
        var response = await _client.GetAsync($"{TrainingJobClient.Route}{query}");

        var problem = await response.AssertProblemAsync(HttpStatusCode.BadRequest);
        Assert.Contains(message, problem.ErrorsFor(field)[0], StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("/history?from=-1", "from", "must be 0 or more")]
    [InlineData("/history?limit=1000", "limit", "(Training:MaxPageSize)")]
    [InlineData("?history=maybe", "history", "must be true or false")]
    public async Task ReadingAJobWithBadParameters_Returns400(string suffix, string field, string message)
    {
        var job = await _client.StartAndWaitAsync("""{ "gate": "NOR" }""");

        var response = await _client.GetAsync($"{TrainingJobClient.Route}/{job["id"]}{suffix}");

        var problem = await response.AssertProblemAsync(HttpStatusCode.BadRequest);
        Assert.Contains(message, problem.ErrorsFor(field)[0], StringComparison.Ordinal);
    }
}

public class UnknownQueryParameterTests(PerceptronApiFactory factory) : IClassFixture<PerceptronApiFactory>
{
    private readonly HttpClient _client = factory.CreateClient();

    [Theory]
    [InlineData("GET", "/api/v1/training-jobs?limt=5", "limt", "Known: status, limit, cursor.")]
    [InlineData("GET", "/api/v1/gates?verbose=true", "verbose", "This route takes no query parameters.")]
    [InlineData("GET", "/api/v1/gates/AND?format=csv", "format", "This route takes no query parameters.")]
    [InlineData("POST", "/api/v1/gates/AND/predict?threshold=0.7", "threshold", "This route takes no query parameters.")]
    public async Task AMisspeltQueryParameter_Returns400NamingIt(string method, string url, string field, string message)
    {
        var response = await _client.SendAsync(new HttpRequestMessage(new HttpMethod(method), url));

        var problem = await response.AssertProblemAsync(HttpStatusCode.BadRequest);
        Assert.Equal([$"is not a query parameter of this route. {message}"], problem.ErrorsFor(field));
    }

    [Fact]
    public async Task AMisspeltQueryParameterOnAJob_Returns400()
    {
        var job = await _client.StartAndWaitAsync("""{ "gate": "NOR" }""");

        var response = await _client.GetAsync($"{TrainingJobClient.Route}/{job["id"]}/history?form=3");

        var problem = await response.AssertProblemAsync(HttpStatusCode.BadRequest);
        Assert.Equal(["is not a query parameter of this route. Known: from, limit."], problem.ErrorsFor("form"));
    }
}
