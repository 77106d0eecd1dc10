using System.Net;
using System.Net.Http.Headers;
using System.Text;
using PerceptronApi.Tests.Infrastructure;

namespace PerceptronApi.Tests.Hardening;

/// <summary>Every spelling of a charset on every route with a body: UTF-8 read, anything else a 415 problem, never a 500.</summary>
public class CharsetTests(PerceptronApiFactory factory) : IClassFixture<PerceptronApiFactory>
{
    private readonly HttpClient _client = factory.CreateClient();

    public static TheoryData<string> Routes => new() { "/api/v1/predict", "/api/v1/gates/AND/predict", "/api/v1/training-jobs" };

    public static TheoryData<string, string> Utf8Spellings
    {
        get
        {
            var data = new TheoryData<string, string>();
            foreach (var route in new[] { "/api/v1/predict", "/api/v1/gates/AND/predict", "/api/v1/training-jobs" })
            {
                foreach (var charset in new[] { "utf-8", "UTF-8", "\"utf-8\"", "\"UTF-8\"", "utf8", "UTF8", "\"utf8\"" })
                {
                    data.Add(route, charset);
                }
            }

            return data;
        }
    }

    public static TheoryData<string, string> OtherCharsets
    {
        get
        {
            var data = new TheoryData<string, string>();
            foreach (var route in new[] { "/api/v1/predict", "/api/v1/gates/AND/predict", "/api/v1/training-jobs" })
            {
                foreach (var charset in new[] { "utf-7", "", "\"\"", "foo", "utf-16", "iso-8859-1" })
                {
                    data.Add(route, charset);
                }
            }

            return data;
        }
    }

    [Theory]
    [MemberData(nameof(Utf8Spellings))]
    public async Task AnyUtf8Spelling_IsReadAsUtf8(string route, string charset)
    {
        var response = await _client.PostAsync(route, Body(route, charset));

        var body = await response.Content.ReadAsStringAsync();
        Assert.True(response.IsSuccessStatusCode, $"{(int)response.StatusCode}: {body}");
        if (route != "/api/v1/training-jobs")
        {
            // AND on (1, 1): the body was read.
            Assert.Contains("\"output\":1", body, StringComparison.Ordinal);
        }
    }

    [Theory]
    [MemberData(nameof(OtherCharsets))]
    public async Task AnyOtherCharset_Returns415NamingWhatIsAccepted(string route, string charset)
    {
        var response = await _client.PostAsync(route, Body(route, charset));

        var problem = await response.AssertProblemAsync(HttpStatusCode.UnsupportedMediaType);
        Assert.StartsWith("The body must be UTF-8: send charset=utf-8 or no charset", problem["detail"]!.GetValue<string>(), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("/api/v1/predict", "\"utf-8")]
    [InlineData("/api/v1/training-jobs", "utf-8 x")]
    public async Task AContentTypeThatDoesNotParse_Returns415(string route, string charset)
    {
        var response = await _client.PostAsync(route, Body(route, charset));

        var problem = await response.AssertProblemAsync(HttpStatusCode.UnsupportedMediaType);
        Assert.StartsWith("The body must be sent as application/json", problem["detail"]!.GetValue<string>(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task ACsvBodyInUtf8Spelling_IsReadToo()
    {
        using var content = new StringContent("x1,x2,label\n0,0,1\n0,1,0\n1,0,0\n1,1,0\n", Encoding.UTF8);
        content.Headers.ContentType = MediaTypeHeaderValue.Parse("text/csv; charset=\"UTF8\"");

        var response = await _client.PostAsync("/api/v1/training-jobs", content);

        Assert.Equal(HttpStatusCode.Accepted, response.StatusCode);
    }

    private static ByteArrayContent Body(string route, string charset)
    {
        var json = route switch
        {
            "/api/v1/training-jobs" => """{ "gate": "NOR" }""",
            "/api/v1/predict" => """{ "gate": "AND", "inputs": [[1, 1]] }""",
            _ => """{ "inputs": [[1, 1]] }""",
        };
        var content = new ByteArrayContent(Encoding.UTF8.GetBytes(json));

        // Written as is: MediaTypeHeaderValue would refuse some of these spellings, and a client may send them anyway.
        content.Headers.TryAddWithoutValidation("Content-Type", $"application/json; charset={charset}");
        return content;
    }
}
