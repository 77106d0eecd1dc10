using System.Globalization;
using System.Net;
using System.Text;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.DependencyInjection;
using PerceptronApi.Tests.Infrastructure;

namespace PerceptronApi.Tests.Training;

/// <summary>A CSV body on the real server: its own size limit, streamed parsing, and where its errors are named.</summary>
public class CsvBodyTests
{
    /// <summary>Sends its content chunked: no Content-Length, so only the server's streaming limit can stop it.</summary>
    private sealed class ChunkedContent : HttpContent
    {
        private readonly string _text;

        public ChunkedContent(string text)
        {
            _text = text;
            Headers.ContentType = new("text/csv");
        }

        protected override Task SerializeToStreamAsync(Stream stream, TransportContext? context) =>
            stream.WriteAsync(Encoding.UTF8.GetBytes(_text)).AsTask();

        protected override bool TryComputeLength(out long length)
        {
            length = 0;
            return false;
        }
    }

    /// <summary><paramref name="rows"/> samples of AND's four rows, in order, with a header.</summary>
    private static string AndCsv(int rows)
    {
        var text = new StringBuilder("x1,x2,label\n");
        for (var i = 0; i < rows; i++)
        {
            text.Append(CultureInfo.InvariantCulture, $"{(i >> 1) & 1},{i & 1},{((i & 3) == 3 ? 1 : 0)}\n");
        }

        return text.ToString();
    }

    /// <summary>
    /// <paramref name="rows"/> samples of AND's four rows, padded to 21 bytes a row with CRLF line ends, so that a file of
    /// a few megabytes is parsed in several pieces.
    /// </summary>
    private static StringBuilder PaddedAndCsv(int rows)
    {
        var text = new StringBuilder("x1,x2,label\r\n");
        for (var i = 0; i < rows; i++)
        {
            text.Append(CultureInfo.InvariantCulture, $"{(i >> 1) & 1}.000000,{i & 1}.000000,{((i & 3) == 3 ? 1 : 0)}\r\n");
        }

        return text;
    }

    private static (PerceptronApiFactory Factory, HttpClient Client) Start(string maxCsvBodyBytes = "65536")
    {
        var factory = new PerceptronApiFactory(new() { ["Limits:MaxRequestBodyBytes"] = "2048", ["Training:MaxCsvBodyBytes"] = maxCsvBodyBytes }, kestrel: true);
        factory.StartServer();
        var address = factory.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
        return (factory, new HttpClient { BaseAddress = new Uri(address) });
    }

    [Fact]
    public async Task ACsvBodyOverTheGeneralLimit_IsTrainedOnUpToItsOwnLimit()
    {
        var (factory, client) = Start();
        await using var _ = factory;
        using var __ = client;
        var csv = AndCsv(4000); // about 24 kB: over Limits:MaxRequestBodyBytes, under Training:MaxCsvBodyBytes

        await AssertLearnsEveryRowAsync(client, new StringContent(csv, Encoding.UTF8, "text/csv"), 4000);
    }

    /// <summary>Sends AND's rows to be trained, waiting, and checks the finished job took every row and learned them all.</summary>
    private static async Task AssertLearnsEveryRowAsync(HttpClient client, HttpContent csv, int rows)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, "/api/v1/training-jobs?maxEpochs=20") { Content = csv };
        request.Headers.Add("Prefer", "wait=30");
        var response = await client.SendAsync(request);

        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        var job = await response.ReadJsonAsync();
        Assert.Equal(rows, job["parameters"]!["samples"]!.GetValue<int>());
        Assert.Equal(2, job["parameters"]!["features"]!.GetValue<int>());
        Assert.True(job["result"]!["converged"]!.GetValue<bool>());
        Assert.Equal(1.0, job["result"]!["accuracy"]!.GetValue<double>());
    }

    [Fact]
    public async Task ACsvBodyOverItsOwnLimit_Returns413NamingIt_DeclaredOrChunked()
    {
        var (factory, client) = Start();
        await using var _ = factory;
        using var __ = client;
        var csv = AndCsv(12_000); // about 72 kB

        // Declared: refused before it is sent (the client waits for 100 Continue, which never comes).
        using var request = new HttpRequestMessage(HttpMethod.Post, "/api/v1/training-jobs") { Content = new StringContent(csv, Encoding.UTF8, "text/csv") };
        request.Headers.ExpectContinue = true;
        var declared = await client.SendAsync(request);
        var chunked = await client.PostAsync("/api/v1/training-jobs", new ChunkedContent(csv));

        foreach (var response in new[] { declared, chunked })
        {
            var problem = await response.AssertProblemAsync(HttpStatusCode.RequestEntityTooLarge);
            Assert.Equal("The body is larger than 65536 bytes (Training:MaxCsvBodyBytes).", problem["detail"]!.GetValue<string>());
        }
    }

    [Fact]
    public async Task AFileOfSeveralPieces_IsTrainedOnEveryRow()
    {
        var (factory, client) = Start(maxCsvBodyBytes: "4194304");
        await using var _ = factory;
        using var __ = client;
        var csv = PaddedAndCsv(90_000).ToString(); // 1.9 MB: several pieces parsed at once

        await AssertLearnsEveryRowAsync(client, new ChunkedContent(csv), 90_000);
    }

    [Fact]
    public async Task BadCellsLateInAFileOfSeveralPieces_AreNamedByLineAndColumn()
    {
        var (factory, client) = Start(maxCsvBodyBytes: "4194304");
        await using var _ = factory;
        using var __ = client;
        var csv = PaddedAndCsv(90_000).Replace("\r\n1.000000,0.000000,0\r\n", "\r\n1.000000,x,0\r\n", 80_000 * 21, 21 * 4).ToString(); // row 80 002 only

        var response = await client.PostAsync("/api/v1/training-jobs", new StringContent(csv, Encoding.UTF8, "text/csv"));

        var problem = await response.AssertProblemAsync(HttpStatusCode.BadRequest);
        var errors = problem["errors"]!.AsObject();
        Assert.Equal(["line 80004, column 2"], errors.Select(e => e.Key));
        Assert.Equal(["must be a number (got \"x\")."], problem.ErrorsFor("line 80004, column 2"));
    }

    [Fact]
    public async Task AChunkedBodyOverItsLimitAcrossPieces_Returns413NamingIt()
    {
        var (factory, client) = Start(maxCsvBodyBytes: "1048576");
        await using var _ = factory;
        using var __ = client;
        var csv = PaddedAndCsv(90_000).ToString(); // 1.9 MB: the limit is passed after a piece or two have been cut

        var response = await client.PostAsync("/api/v1/training-jobs", new ChunkedContent(csv));

        var problem = await response.AssertProblemAsync(HttpStatusCode.RequestEntityTooLarge);
        Assert.Equal("The body is larger than 1048576 bytes (Training:MaxCsvBodyBytes).", problem["detail"]!.GetValue<string>());
    }

    [Fact]
    public async Task AJsonBodyToTheSameRoute_KeepsTheGeneralLimit()
    {
        var (factory, client) = Start();
        await using var _ = factory;
        using var __ = client;
        var json = $$"""{ "inputs": [{{string.Join(",", Enumerable.Repeat("[0, 1]", 500))}}], "labels": [{{string.Join(",", Enumerable.Repeat("0", 500))}}] }""";

        var response = await client.PostJsonTextAsync("/api/v1/training-jobs", json);

        var problem = await response.AssertProblemAsync(HttpStatusCode.RequestEntityTooLarge);
        Assert.Equal("The body is larger than 2048 bytes (Limits:MaxRequestBodyBytes).", problem["detail"]!.GetValue<string>());
    }
}

/// <summary>How CSV cells are read (as .NET's invariant double parsing reads them) and where errors are named.</summary>
public class CsvCellTests(SmallTrainingLimitsFactory factory) : IClassFixture<SmallTrainingLimitsFactory>
{
    private readonly HttpClient _client = factory.CreateClient();

    public static TheoryData<string, string, string> BadCells => new()
    {
        // csFastFloat alone would read these as infinities; .NET does not read them at all.
        { "inf,0,1\n", "line 1, column 1", "must be a number (got \"inf\")." },
        { "0,-inf,1\n", "line 1, column 2", "must be a number (got \"-inf\")." },
        { "0,∞,1\n", "line 1, column 2", "must be a number (got \"∞\")." },
        { "0,1e400,1\n", "line 1, column 2", "must be a finite number (got \"1e400\")." },
        { "0,-Infinity,1\n", "line 1, column 2", "must be a finite number (got \"-Infinity\")." },
        { "0,0,1e400\n", "line 1, column 3", "must be a finite number (got \"1e400\")." },
        { "0x1,0,1\n", "line 1, column 1", "must be a number (got \"0x1\")." },
        { "1.2.3,0,1\n", "line 1, column 1", "must be a number (got \"1.2.3\")." },
        // No samples: an empty body, a header only, a header and blank lines with CRLF line ends.
        { "", "body", "has no samples: send one sample a row, the label last." },
        { "x1,x2,label\n", "body", "has no samples: send one sample a row, the label last." },
        { "x1,x2,label\r\n\r\n\r\n", "body", "has no samples: send one sample a row, the label last." },
        // A core check on a sample, named by the CSV line it came from (after a header and a blank line).
        { "a,b,c,d,y\n\n0,0,0,0,1\n", "line 3", "has 4 features; the limit is 3 (Training:MaxFeatures)." },
    };

    [Theory]
    [MemberData(nameof(BadCells))]
    public async Task ABadCell_IsNamedByLineAndColumn(string csv, string key, string message)
    {
        var response = await _client.PostAsync(TrainingJobClient.Route, new StringContent(csv, Encoding.UTF8, "text/csv"));

        var problem = await response.AssertProblemAsync(HttpStatusCode.BadRequest);
        Assert.Equal([message], problem.ErrorsFor(key));
    }

    [Fact]
    public async Task SpacedQuotedAndExponentCells_ReadAsTheirNumbers()
    {
        const string Csv = "x1,x2,label\n \"0\" ,0e0,0\n0, 1 ,1\n+1,.0,1\n\"1.0\",1E0,1\n";
        const string Json = """{ "inputs": [[0, 0], [0, 1], [1, 0], [1, 1]], "labels": [0, 1, 1, 1] }""";

        var csv = await _client.PostAsync(TrainingJobClient.Route, new StringContent(Csv, Encoding.UTF8, "text/csv"));
        Assert.Equal(HttpStatusCode.Accepted, csv.StatusCode);
        var id = (await csv.ReadJsonAsync())["id"]!.GetValue<string>();
        await _client.WaitForStatusAsync(id, "succeeded");
        var fromCsv = await _client.GetJobAsync(id);
        var fromJson = await _client.StartAndWaitAsync(Json);

        Assert.True(System.Text.Json.Nodes.JsonNode.DeepEquals(fromJson["history"], fromCsv["history"]));
        Assert.True(System.Text.Json.Nodes.JsonNode.DeepEquals(fromJson["result"], fromCsv["result"]));
    }

    [Fact]
    public async Task StringLabels_MakeAClassesJobWithTheirNames()
    {
        const string Csv = "x1,x2,species\n0,0,setosa\n0,1,setosa\n1,0,virginica\n1,1,virginica\n";

        var response = await _client.PostAsync(TrainingJobClient.Route, new StringContent(Csv, Encoding.UTF8, "text/csv"));

        Assert.Equal(HttpStatusCode.Accepted, response.StatusCode);
        var job = await _client.WaitForStatusAsync((await response.ReadJsonAsync())["id"]!.GetValue<string>(), "succeeded");
        Assert.Equal(["setosa", "virginica"], job["parameters"]!["classes"]!.AsArray().Select(c => c!.GetValue<string>()));
        Assert.Equal(1.0, job["result"]!["accuracy"]!.GetValue<double>());
    }
}
