using System.Net;
using Microsoft.Extensions.DependencyInjection;
using PerceptronApi.Tests.Hardening;
using PerceptronApi.Tests.Infrastructure;
using PerceptronApi.Tests.Training;
using PerceptronApi.Training.Jobs;

namespace PerceptronApi.Tests.Redis;

/// <summary>Training:MaxRetainedBytes holds for all replicas on one Redis together, not for each of them.</summary>
public sealed class SharedBudgetTests(RedisServer server) : IClassFixture<RedisServer>
{
    // About 0.5 MiB reserved each (1001 records of 11 numbers); the pocket blocker runs for seconds and reserves under 0.7 MiB.
    private static readonly string MidJob = JobQuotaTests.MakeJob(features: 10, maxEpochs: 1000);
    private static readonly string Blocker = TrainingJobClient.LongJob(repeats: 500, maxEpochs: 2000, algorithm: "pocket");

    [SkippableFact]
    public async Task JobsAcceptedByEveryReplica_CountAgainstOneBudget_AndTheGaugeReadsTheClusterFigure()
    {
        var prefix = $"test{Guid.NewGuid():N}:";
        Dictionary<string, string?> Settings(int workers) => new()
        {
            ["Training:Workers"] = workers.ToString(System.Globalization.CultureInfo.InvariantCulture),
            ["Training:MaxWork"] = "100000000000",
            ["Training:MaxRetainedBytes"] = "2097152",
            ["Training:MaxActiveJobsPerClient"] = "100",
            ["Limits:MaxRequestBodyBytes"] = "4194304",
        };
        await using var worker = RedisTrainingFactory.Create(server, Settings(1), prefix);
        await using var api = RedisTrainingFactory.Create(server, Settings(0), prefix);
        var back = worker.CreateClient();
        var front = api.CreateClient();
        var blocker = await back.StartAsync(Blocker);
        await back.WaitForStatusAsync(blocker, "running");
        await front.StartAsync(MidJob);
        var second = await back.StartAsync(MidJob);

        // Each replica alone holds less than the budget; together they hold it.
        var refused = await front.PostJsonTextAsync(TrainingJobClient.Route, MidJob);

        var problem = await refused.AssertProblemAsync(HttpStatusCode.ServiceUnavailable);
        Assert.StartsWith("The jobs still queued or running hold the memory kept for jobs, 2097152 bytes (Training:MaxRetainedBytes)", problem["detail"]!.GetValue<string>(), StringComparison.Ordinal);
        var tooLarge = await front.PostJsonTextAsync(TrainingJobClient.Route, JobQuotaTests.MakeJob(features: 10, maxEpochs: 5000));
        Assert.StartsWith("This job's data and history could take more than 2097152 bytes", (await tooLarge.AssertProblemAsync(HttpStatusCode.BadRequest))["detail"]!.GetValue<string>(), StringComparison.Ordinal);

        var measured = await api.Services.GetRequiredService<IJobStore>().MeasureRetainedBytesAsync(default);
        Assert.Equal(measured, await worker.Services.GetRequiredService<IJobStore>().MeasureRetainedBytesAsync(default));
        Assert.Equal(measured, api.Services.GetRequiredService<JobMemory>().Used);
        Assert.InRange(measured, (2097152 * 3) / 4, 2097152);

        // A job deleted on one replica gives its room to the others.
        Assert.Equal(HttpStatusCode.NoContent, (await front.DeleteAsync($"{TrainingJobClient.Route}/{second}")).StatusCode);
        Assert.Equal(HttpStatusCode.Accepted, (await front.PostJsonTextAsync(TrainingJobClient.Route, MidJob)).StatusCode);
        await front.DeleteAsync($"{TrainingJobClient.Route}/{blocker}");
    }
}
