using System.Net;
using System.Text;
using System.Text.Json.Nodes;
using PerceptronApi.Core.Classes;
using PerceptronApi.Core.Model;
using PerceptronApi.Core.Training;
using PerceptronApi.Tests.Infrastructure;

namespace PerceptronApi.Tests.Training;

/// <summary>The first real data set a learner tries: Iris, uploaded as the CSV file it comes in, trained one-vs-rest.</summary>
public class IrisTests(TrainingFactory factory) : IClassFixture<TrainingFactory>
{
    private static readonly string Csv = File.ReadAllText(Path.Combine(AppContext.BaseDirectory, "Fixtures", "iris.csv"));

    private readonly HttpClient _client = factory.CreateClient();

    [Fact]
    public async Task IrisFromItsCsv_TrainsOneUnitPerSpecies_AsTheCoreDoes_AndPredictsSpecies()
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, $"{TrainingJobClient.Route}?algorithm=pocket&maxEpochs=200")
        {
            Content = new StringContent(Csv, Encoding.UTF8, "text/csv"),
        };
        request.Headers.Add("Prefer", "wait=30");

        var response = await _client.SendAsync(request);

        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        var job = await response.ReadJsonAsync();
        var parameters = job["parameters"]!;
        Assert.Equal((150, 4), (parameters["samples"]!.GetValue<int>(), parameters["features"]!.GetValue<int>()));
        Assert.Equal("""["setosa","versicolor","virginica"]""", parameters["classes"]!.ToJsonString());
        var result = job["result"]!;
        Assert.Equal("""["setosa","versicolor","virginica"]""", result["classes"]!.ToJsonString());
        var units = result["units"]!.AsArray();
        Assert.Equal(["setosa", "versicolor", "virginica"], units.Select(u => u!["class"]!.GetValue<string>()));
        Assert.All(units, unit => Assert.Equal(4, unit!["weights"]!.AsArray().Count));

        // Setosa is linearly separable from the rest: its unit converges. Versicolor against the rest is not.
        Assert.Equal(("converged", true), (units[0]!["stopReason"]!.GetValue<string>(), units[0]!["converged"]!.GetValue<bool>()));
        Assert.False(units[1]!["converged"]!.GetValue<bool>());

        // The same run in the core, number for number.
        var rows = Csv.Split('\n', StringSplitOptions.RemoveEmptyEntries).Skip(1).Select(line => line.Split(',')).ToList();
        var inputs = Matrix.FromRows([.. rows.Select(r => (IReadOnlyList<double>)[.. r.Take(4).Select(v => double.Parse(v, System.Globalization.CultureInfo.InvariantCulture))])]);
        var options = TrainingOptions.Defaults(TrainingAlgorithm.Pocket) with { MaxEpochs = 200 };
        var classes = ClassAssignment.Resolve([.. rows.Select(r => ClassLabel.Of(r[4]))], options, [])!;
        var core = OneVsRestTrainer.Train(inputs, classes, options);
        for (var k = 0; k < 3; k++)
        {
            Assert.Equal(core.Units[k].Bias, units[k]!["bias"]!.GetValue<double>());
            Assert.Equal(core.Units[k].Weights.ToArray(), units[k]!["weights"].Doubles());
            Assert.Equal(core.Units[k].StopReason.ToString(), units[k]!["stopReason"]!.GetValue<string>(), ignoreCase: true);
        }

        Assert.Equal((core.Errors, core.Accuracy, core.Epochs), (result["errors"]!.GetValue<int>(), result["accuracy"]!.GetValue<double>(), result["epochs"]!.GetValue<int>()));

        // 146 of the 150 flowers right: versicolor's pocket never beat the all-zero unit, the other two decide.
        Assert.Equal((4, 200, "maxEpochsReached"), (result["errors"]!.GetValue<int>(), result["epochs"]!.GetValue<int>(), result["stopReason"]!.GetValue<string>()));
        Assert.Equal([0.0, 0, 0, 0], units[1]!["weights"].Doubles());

        // Predicting every flower gives the same count of mistakes as the result.
        var id = job["id"]!.GetValue<string>();
        var all = new JsonObject
        {
            ["inputs"] = new JsonArray([.. rows.Select(r => (JsonNode)new JsonArray([.. r.Take(4).Select(v => (JsonNode)JsonValue.Create(double.Parse(v, System.Globalization.CultureInfo.InvariantCulture)))]))]),
            ["expected"] = new JsonArray([.. rows.Select(r => (JsonNode)JsonValue.Create(r[4]))]),
        };
        var predicted = await (await _client.PostJsonTextAsync($"{TrainingJobClient.Route}/{id}/predict", all.ToJsonString())).ReadJsonAsync();
        Assert.Equal(150 - core.Errors, predicted["summary"]!["correct"]!.GetValue<int>());
        Assert.Equal("setosa", predicted["predictions"]![0]!["output"]!.GetValue<string>());
        Assert.Equal(3, predicted["predictions"]![0]!["z"]!.AsArray().Count);
    }
}
