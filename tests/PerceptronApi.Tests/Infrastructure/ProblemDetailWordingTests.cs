using System.Net;
using System.Text.Json.Nodes;

namespace PerceptronApi.Tests.Infrastructure;

/// <summary>
/// A 400's <c>detail</c> is its first error put into one sentence, the same way on every route: a predicate follows the
/// field's name (<c>"bias" is required …</c>), a sentence of its own is labelled with it (<c>"gate": Give …</c>).
/// </summary>
public class ProblemDetailWordingTests(PerceptronApiFactory factory) : IClassFixture<PerceptronApiFactory>
{
    private readonly HttpClient _client = factory.CreateClient();

    public static TheoryData<string, string, string> Bodies => new()
    {
        // route, body, the whole detail
        { "/api/v1/predict", """{"gate":"AND","activation":"sign"}""", "\"activation\": A gate fixes its activation (step, θ 0.5): leave \"activation\" and \"threshold\" out, or give \"bias\" and \"weights\" instead." },
        { "/api/v1/predict", "{}", "\"gate\": Give exactly one model: \"gate\", \"bias\" with \"weights\", or \"layers\". See \"errors\" for 2 more." },
        { "/api/v1/predict", """{"bias":0.4}""", "\"weights\" is required with \"bias\"." },
        { "/api/v1/predict", """{"bias":0.4,"weights":[0.7,"0.5"]}""", "\"weights[1]\" must be a number." },
        { "/api/v1/predict", "[1]", "The body must be an object." },
        { "/api/v1/training-jobs", "{}", "\"gate\": Give the training data: \"gate\", or \"inputs\" with \"labels\". See \"errors\" for 1 more." },
        { "/api/v1/training-jobs", """{"gate":"AND","inputs":[[0]],"labels":[1]}""", "\"gate\": Give either \"gate\" or \"inputs\" with \"labels\", not both." },
        { "/api/v1/training-jobs", """{"inputs":[[0]]}""", "\"labels\" is required with \"inputs\"." },
    };

    [Theory]
    [MemberData(nameof(Bodies))]
    public async Task The_detail_of_a_validation_problem_reads_as_a_sentence(string route, string body, string detail)
    {
        var response = await _client.PostJsonTextAsync(route, body);

        var problem = await response.AssertProblemAsync(HttpStatusCode.BadRequest);
        Assert.Equal(detail, problem["detail"]!.GetValue<string>());
    }

    [Theory]
    [InlineData("""{"bias":0.4,"weights":[0.7,""", "ends before its JSON is complete (line 1, byte 27, inside \"weights[1]\"): an array, object or string is left open.")]
    [InlineData("""{"bias":0.4,""", "ends before its JSON is complete (line 1, byte 12): an array, object or string is left open.")]
    [InlineData("""{"gate":"AN""", "ends before its JSON is complete (line 1, byte 12, inside \"gate\"): an array, object or string is left open.")]
    public async Task A_body_that_ends_early_is_blamed_on_the_body_not_on_a_field(string body, string message)
    {
        var response = await _client.PostJsonTextAsync("/api/v1/predict", body);

        var problem = await response.AssertProblemAsync(HttpStatusCode.BadRequest);
        Assert.Equal($"The body {message}", problem["detail"]!.GetValue<string>());
        var errors = Assert.IsType<JsonObject>(problem["errors"]);
        Assert.Equal([("$", message)], errors.Select(entry => (entry.Key, Assert.Single(entry.Value!.AsArray())!.GetValue<string>())));
    }
}
