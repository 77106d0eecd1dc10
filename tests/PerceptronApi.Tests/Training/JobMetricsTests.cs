using PerceptronApi.Tests.Infrastructure;

namespace PerceptronApi.Tests.Training;

[Collection(MetricsReaders.Name)]
public class JobMetricsTests(PerceptronApiFactory factory) : IClassFixture<PerceptronApiFactory>
{
    private readonly HttpClient _client = factory.CreateClient();

    [Fact]
    public async Task AFinishedJob_MovesTheJobCountersTheEpochsAndTheDurationHistogram()
    {
        var before = await _client.GetStringAsync("/metrics");

        var job = await _client.StartAndWaitAsync("""{"gate": "NOR"}""");
        Assert.Equal("succeeded", job["status"]!.GetValue<string>());
        // The worker counts a job once it has stored its final state, a moment after a waiting client sees that state.
        var after = await _client.GetStringAsync("/metrics");
        for (var tries = 0; tries < 50 && !(Delta("perceptron_jobs_finished_total", "status=\"succeeded\"") >= 1 && Delta("perceptron_job_duration_seconds_count", "status=\"succeeded\"") >= 1); tries++)
        {
            await Task.Delay(100);
            after = await _client.GetStringAsync("/metrics");
        }

        // Other tests of this process run jobs at the same time: at least this one's share.
        Assert.True(Delta("perceptron_jobs_submitted_total") >= 1, after);
        Assert.True(Delta("perceptron_jobs_finished_total", "status=\"succeeded\"") >= 1, after);
        Assert.True(Delta("perceptron_epochs_total") >= 8, after); // NOR from zeros: 8 epochs
        Assert.True(Delta("perceptron_job_duration_seconds_count", "status=\"succeeded\"") >= 1, after);
        Assert.Contains("# TYPE perceptron_jobs_queued gauge", after, StringComparison.Ordinal);
        Assert.Contains("# TYPE perceptron_jobs_running gauge", after, StringComparison.Ordinal);

        double Delta(string name, string? labels = null) => MetricsTests.Value(after, name, labels) - MetricsTests.Value(before, name, labels);
    }
}
