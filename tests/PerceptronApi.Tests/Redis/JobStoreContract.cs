using Microsoft.Extensions.Options;
using PerceptronApi.Training;
using PerceptronApi.Training.Jobs;
using PerceptronApi.Training.Redis;

namespace PerceptronApi.Tests.Redis;

/// <summary>
/// What every job store and queue must do, run against each implementation: the in-memory default and Redis.
/// </summary>
public abstract class JobStoreContract : IAsyncDisposable
{
    private readonly List<IAsyncDisposable> _owned = [];

    public async ValueTask DisposeAsync()
    {
        foreach (var owned in _owned)
        {
            await owned.DisposeAsync();
        }

        GC.SuppressFinalize(this);
    }

    private protected abstract (IJobStore Store, IJobQueue Queue) Create(TrainingJobOptions options, JobMemory? memory = null);

    private protected void Own(IAsyncDisposable disposable) => _owned.Add(disposable);

    [SkippableFact]
    public async Task ACreatedJob_IsReadBackWithItsPlan_AndNoRecords()
    {
        var (store, _) = Create(new TrainingJobOptions());
        var (job, plan) = NewJob(1, """{ "gate": "NOR", "initialWeights": { "bias": 0.4, "weights": [0.7, -0.2] }, "shuffle": true, "seed": 7 }""");

        Assert.Equal(CreateRefusal.None, await store.CreateAsync(job, plan, default));
        var read = await store.ReadAsync(job.Id, 0, 100, default);
        var stored = await store.ReadPlanAsync(job.Id, default);

        Assert.NotNull(read);
        Assert.Equal(job with { }, read.Job with { Parameters = job.Parameters });
        Assert.Equal(job.Parameters.InitialWeights!.Weights, read.Job.Parameters.InitialWeights!.Weights);
        Assert.Empty(read.Records);
        Assert.Equal(0, read.RecordCount);
        Assert.NotNull(stored);
        Assert.Equal(plan.Data.Inputs.Data.ToArray(), stored.Data.Inputs.Data.ToArray());
        Assert.Equal(plan.Data.Labels.ToArray(), stored.Data.Labels.ToArray());
        Assert.Equal(plan.Options with { InitialWeights = null }, stored.Options with { InitialWeights = null });
        Assert.Equal(plan.Options.InitialWeights, stored.Options.InitialWeights);
        Assert.Null(await store.ReadAsync("missing", 0, 0, default));
    }

    [SkippableFact]
    public async Task Updates_AreCompareAndSet_EachAppliedOnceUnderContention()
    {
        var (store, _) = Create(new TrainingJobOptions());
        var (job, plan) = NewJob(1);
        await store.CreateAsync(job, plan, default);

        await Task.WhenAll(Enumerable.Range(0, 20).Select(_ => Task.Run(() => store.UpdateAsync(job.Id, j => j with { Attempts = j.Attempts + 1 }, default))));
        var declined = await store.UpdateAsync(job.Id, _ => null, default);

        Assert.Equal(20, declined!.Job.Attempts);
        Assert.False(declined.Applied);
        Assert.Null(await store.UpdateAsync("missing", j => j, default));
    }

    [SkippableFact]
    public async Task OnlyOneFinisherWins()
    {
        var (store, _) = Create(new TrainingJobOptions());
        var (job, plan) = NewJob(1);
        await store.CreateAsync(job, plan, default);

        var outcomes = await Task.WhenAll(
            Enumerable.Range(0, 10).Select(i => Task.Run(() => store.UpdateAsync(job.Id, j => j.IsFinished ? null : j.Finish(i % 2 == 0 ? JobStatus.Succeeded : JobStatus.Canceled, DateTimeOffset.UtcNow, reason: $"finisher {i}"), default))));

        var winner = Assert.Single(outcomes, o => o!.Applied)!;
        Assert.Equal(winner.Job, (await store.ReadAsync(job.Id, 0, 0, default))!.Job);
        Assert.Null(await store.ReadPlanAsync(job.Id, default));
    }

    [SkippableFact]
    public async Task Records_AreAppendedOncePerEpoch_InOrder_AndReadFromAnEpoch()
    {
        var (store, _) = Create(new TrainingJobOptions());
        var (job, plan) = NewJob(1);
        await store.CreateAsync(job, plan, default);

        foreach (var epoch in new[] { 0, 1, 2, 1, 0, 4, 3 })
        {
            Assert.True(await store.AppendRecordAsync(job.Id, Record(epoch), default));
        }

        var all = await store.ReadAsync(job.Id, 0, 100, default);
        var tail = await store.ReadAsync(job.Id, 2, 1, default);
        var past = await store.ReadAsync(job.Id, 50, 10, default);

        Assert.Equal([0, 1, 2, 3], all!.Records.Select(r => r.Epoch));
        Assert.Equal(4, all.RecordCount);
        Assert.Equal(3, all.LastEpoch);
        Assert.Equal("""{"epoch":3}""", System.Text.Encoding.UTF8.GetString(all.Records[3].Json));
        Assert.Equal([2], tail!.Records.Select(r => r.Epoch));
        Assert.Empty(past!.Records);
        Assert.False(await store.AppendRecordAsync("missing", Record(0), default));
    }

    [SkippableFact]
    public async Task Traces_AreStoredOncePerEpoch_ReadByEpoch_AndGoWithTheJob()
    {
        var (store, _) = Create(new TrainingJobOptions());
        var (job, plan) = NewJob(1, """{ "gate": "NOR", "trace": true }""");
        await store.CreateAsync(job, plan, default);

        // A re-run writes epoch 1 again, with the same steps: the first write stays, and nothing is duplicated.
        foreach (var (epoch, text) in new[] { (1, "first"), (2, "second"), (1, "again") })
        {
            Assert.True(await store.AppendTraceAsync(job.Id, new JobRecord(epoch, System.Text.Encoding.UTF8.GetBytes($"\"{text}\"")), default));
        }

        Assert.Equal("\"first\"", System.Text.Encoding.UTF8.GetString((await store.ReadTraceAsync(job.Id, 1, default))!.Json));
        Assert.Equal("\"second\"", System.Text.Encoding.UTF8.GetString((await store.ReadTraceAsync(job.Id, 2, default))!.Json));
        Assert.Null(await store.ReadTraceAsync(job.Id, 3, default));
        Assert.Null(await store.ReadTraceAsync(job.Id, 0, default));
        Assert.True(job.Parameters.Trace);

        Assert.True(await store.DeleteAsync(job.Id, default));
        Assert.Null(await store.ReadTraceAsync(job.Id, 1, default));
        Assert.False(await store.AppendTraceAsync(job.Id, new JobRecord(3, "3"u8.ToArray()), default));
        Assert.Null(await store.ReadTraceAsync(job.Id, 3, default));
    }

    [SkippableFact]
    public async Task ABatchOfWrites_IsStoredInOrder_AsOneAtATimeWouldBe_AndCountedOnce()
    {
        var (store, _) = Create(new TrainingJobOptions(), JobMemory.Unbounded());
        var (job, plan) = NewJob(1, """{ "gate": "NOR", "trace": true }""");
        await store.CreateAsync(job, plan, default);
        var steps = new JobRecord(1, "\"steps 1\""u8.ToArray());
        JobWrite[] first = [new(Record(0), IsTrace: false), new(steps, IsTrace: true), new(Record(1), IsTrace: false)];

        Assert.True(await store.AppendAsync(job.Id, first, default));

        // A re-run sends the same writes again, then the next ones; a record past a gap is not stored.
        JobWrite[] again = [new(Record(1), IsTrace: false), new(new JobRecord(1, "\"other\""u8.ToArray()), IsTrace: true), new(Record(2), IsTrace: false), new(Record(4), IsTrace: false)];
        Assert.True(await store.AppendAsync(job.Id, again, default));
        await store.UpdateAsync(job.Id, j => j.Finish(JobStatus.Succeeded, DateTimeOffset.UtcNow), default);

        var read = await store.ReadAsync(job.Id, 0, 100, default);
        Assert.Equal([0, 1, 2], read!.Records.Select(r => r.Epoch));
        Assert.Equal("{\"epoch\":2}", System.Text.Encoding.UTF8.GetString(read.Records[2].Json));
        Assert.Equal("\"steps 1\"", System.Text.Encoding.UTF8.GetString((await store.ReadTraceAsync(job.Id, 1, default))!.Json));
        Assert.Equal(new[] { Record(0), Record(1), Record(2), steps }.Sum(JobMemory.RecordBytes), await store.MeasureRetainedBytesAsync(default));
        Assert.True(await store.AppendAsync(job.Id, [], default));
        Assert.False(await store.AppendAsync("missing", first, default));
    }

    [SkippableFact]
    public async Task AWaitForTheEnd_WakesWhenTheJobFinishes_OrIsDeleted()
    {
        var (store, _) = Create(new TrainingJobOptions());
        var (job, plan) = NewJob(1);
        var (other, otherPlan) = NewJob(2);
        await store.CreateAsync(job, plan, default);
        await store.CreateAsync(other, otherPlan, default);

        var finished = store.WhenFinished(job.Id);
        await store.UpdateAsync(job.Id, j => j.Finish(JobStatus.Succeeded, DateTimeOffset.UtcNow), default);
        var deleted = store.WhenFinished(other.Id);
        await store.DeleteAsync(other.Id, default);

        await finished.WaitAsync(TimeSpan.FromSeconds(5));
        await deleted.WaitAsync(TimeSpan.FromSeconds(5));
        Assert.Equal(JobStatus.Succeeded, (await store.ReadAsync(job.Id, 0, 0, default))!.Job.Status);
    }

    [SkippableFact]
    public async Task TheQueue_CountsTheLeasesItHolds()
    {
        var (_, queue) = Create(new TrainingJobOptions());
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(10));
        var lease = TimeSpan.FromSeconds(30);
        await queue.TryEnqueueAsync("a", 10, default);
        await queue.TryEnqueueAsync("b", 10, default);
        Assert.Equal(0, await queue.CountLeasedAsync(default));

        var first = await queue.TakeAsync(lease, timeout.Token);
        var second = await queue.TakeAsync(lease, timeout.Token);
        Assert.Equal(2, await queue.CountLeasedAsync(default));
        await queue.CompleteAsync(first, default);
        Assert.Equal(1, await queue.CountLeasedAsync(default));
        await queue.HandBackAsync(second, default);

        Assert.Equal(0, await queue.CountLeasedAsync(default));
        Assert.Equal(1, await queue.CountAsync(default));
    }

    [SkippableFact]
    public async Task Watchers_WakeOnRecords_Updates_CancelRequests_AndDeletion()
    {
        var (store, _) = Create(new TrainingJobOptions());
        var (job, plan) = NewJob(1);
        await store.CreateAsync(job, plan, default);
        var timeout = TimeSpan.FromSeconds(5);

        var onRecord = store.WhenChanged(job.Id);
        await store.AppendRecordAsync(job.Id, Record(0), default);
        await onRecord.WaitAsync(timeout);

        using var stop = new CancellationTokenSource();
        var canceled = store.WhenCancelRequested(job.Id, stop.Token);
        var onUpdate = store.WhenChanged(job.Id);
        await store.UpdateAsync(job.Id, j => j with { Status = JobStatus.Running }, default);
        await onUpdate.WaitAsync(timeout);
        await Task.Delay(100);
        Assert.False(canceled.IsCompleted);
        await store.UpdateAsync(job.Id, j => j with { CancelRequestedAt = DateTimeOffset.UtcNow }, default);
        await canceled.WaitAsync(timeout);

        var (other, otherPlan) = NewJob(2);
        await store.CreateAsync(other, otherPlan, default);
        var gone = store.WhenCancelRequested(other.Id, stop.Token);
        Assert.True(await store.DeleteAsync(other.Id, default));
        await gone.WaitAsync(timeout);
        Assert.False(await store.DeleteAsync(other.Id, default));
        Assert.Null(await store.ReadAsync(other.Id, 0, 0, default));
        Assert.Null(await store.ReadPlanAsync(other.Id, default));
    }

    [SkippableFact]
    public async Task TheList_IsNewestFirst_PagesByCursor_AndFiltersByStatus()
    {
        var (store, _) = Create(new TrainingJobOptions());
        var ids = new List<string>();
        for (var sequence = 1; sequence <= 5; sequence++)
        {
            var (job, plan) = NewJob(sequence);
            await store.CreateAsync(job, plan, default);
            ids.Add(job.Id);
        }

        await store.UpdateAsync(ids[1], j => j.Finish(JobStatus.Succeeded, DateTimeOffset.UtcNow), default);
        await store.UpdateAsync(ids[3], j => j.Finish(JobStatus.Succeeded, DateTimeOffset.UtcNow), default);

        var first = await store.ListAsync(null, JobOwner.Anyone, null, 2, default);
        var second = await store.ListAsync(null, JobOwner.Anyone, first[^1].Job.Sequence, 10, default);
        var succeeded = await store.ListAsync(JobStatus.Succeeded, JobOwner.Anyone, null, 10, default);

        Assert.Equal([ids[4], ids[3]], first.Select(r => r.Job.Id));
        Assert.Equal([ids[2], ids[1], ids[0]], second.Select(r => r.Job.Id));
        Assert.Equal([ids[3], ids[1]], succeeded.Select(r => r.Job.Id));
    }

    [SkippableFact]
    public async Task AFullStore_EvictsTheOldestFinishedJob_AndRefusesWhenAllAreActive()
    {
        var (store, _) = Create(new TrainingJobOptions { MaxRetainedJobs = 2, MaxQueuedJobs = 1, Workers = 1 });
        var (a, plan) = NewJob(1);
        var (b, _) = NewJob(2);
        var (c, _) = NewJob(3);
        await store.CreateAsync(a, plan, default);
        await store.CreateAsync(b, plan, default);

        Assert.Equal(CreateRefusal.Full, await store.CreateAsync(c, plan, default));
        await store.UpdateAsync(a.Id, j => j.Finish(JobStatus.Succeeded, DateTimeOffset.UtcNow), default);
        Assert.Equal(CreateRefusal.None, await store.CreateAsync(c, plan, default));

        Assert.Null(await store.ReadAsync(a.Id, 0, 0, default));
        Assert.Equal([c.Id, b.Id], (await store.ListAsync(null, JobOwner.Anyone, null, 10, default)).Select(r => r.Job.Id));
    }

    [SkippableFact]
    public async Task TheQueue_HoldsItsLimit_GivesJobsInOrder_AndARemovedJobLeavesNothing()
    {
        var (_, queue) = Create(new TrainingJobOptions());
        var lease = TimeSpan.FromSeconds(30);
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(10));

        Assert.True(await queue.TryEnqueueAsync("a", 3, default));
        Assert.True(await queue.TryEnqueueAsync("b", 3, default));
        Assert.True(await queue.TryEnqueueAsync("c", 3, default));
        Assert.False(await queue.TryEnqueueAsync("d", 3, default));
        Assert.True(await queue.RemoveAsync("b", default));
        Assert.False(await queue.RemoveAsync("b", default));
        Assert.Equal(2, await queue.CountAsync(default));

        var first = await queue.TakeAsync(lease, timeout.Token);
        var second = await queue.TakeAsync(lease, timeout.Token);

        Assert.Equal(["a", "c"], new[] { first.JobId, second.JobId });
        Assert.Equal(0, await queue.CountAsync(default));
        Assert.True(await queue.RenewAsync(first, lease, default));
        await queue.CompleteAsync(first, default);
        Assert.False(await queue.RenewAsync(first, lease, default));
        await queue.HandBackAsync(second, default);
        Assert.Equal(1, await queue.CountAsync(default));
        var again = await queue.TakeAsync(lease, timeout.Token);
        Assert.Equal("c", again.JobId);
        Assert.False(await queue.RenewAsync(second, lease, default));
        using var empty = new CancellationTokenSource(TimeSpan.FromMilliseconds(300));
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => queue.TakeAsync(lease, empty.Token));
    }

    [SkippableFact]
    public async Task AJobWhoseLeaseExpired_IsReclaimed_AndTheOldLeaseIsLost()
    {
        var (_, queue) = Create(new TrainingJobOptions { LeaseDuration = TimeSpan.FromMilliseconds(300) });
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(10));
        await queue.TryEnqueueAsync("a", 10, default);
        var lost = await queue.TakeAsync(TimeSpan.FromMilliseconds(300), timeout.Token);

        Assert.Empty(await queue.ReclaimExpiredAsync(default));
        await Task.Delay(600);
        var reclaimed = await queue.ReclaimExpiredAsync(default);

        Assert.Equal(["a"], reclaimed);
        Assert.False(await queue.RenewAsync(lost, TimeSpan.FromSeconds(30), default));
        var taken = await queue.TakeAsync(TimeSpan.FromSeconds(30), timeout.Token);
        Assert.Equal("a", taken.JobId);
        Assert.True(await queue.RenewAsync(taken, TimeSpan.FromSeconds(30), default));
    }

    [SkippableFact]
    public async Task AJob_HoldsItsReservationWhileActive_WhatItWroteOnceFinished_AndNothingOnceDeleted()
    {
        var (store, _) = Create(new TrainingJobOptions(), JobMemory.Unbounded());
        var (job, plan) = NewJob(1);
        await store.CreateAsync(job, plan, default);

        var reserved = await store.MeasureRetainedBytesAsync(default);
        var records = Enumerable.Range(0, 3).Select(Record).ToList();
        foreach (var record in records)
        {
            await store.AppendRecordAsync(job.Id, record, default);
        }

        Assert.True(reserved >= JobMemory.Reservation(plan), $"{reserved} < {JobMemory.Reservation(plan)}");
        Assert.Equal(reserved, await store.MeasureRetainedBytesAsync(default));
        await store.UpdateAsync(job.Id, j => j.Finish(JobStatus.Succeeded, DateTimeOffset.UtcNow), default);
        Assert.Equal(records.Sum(JobMemory.RecordBytes), await store.MeasureRetainedBytesAsync(default));
        await store.DeleteAsync(job.Id, default);
        Assert.Equal(0, await store.MeasureRetainedBytesAsync(default));
    }

    [SkippableFact]
    public async Task AFinishedTracedJob_HoldsItsRecordsAndItsSteps_EachEpochCountedOnce()
    {
        var (store, _) = Create(new TrainingJobOptions(), JobMemory.Unbounded());
        var (job, plan) = NewJob(1, """{ "gate": "NOR", "trace": true }""");
        await store.CreateAsync(job, plan, default);
        var record = Record(0);
        var steps = new JobRecord(1, """{"epoch":1,"steps":[]}"""u8.ToArray());

        await store.AppendRecordAsync(job.Id, record, default);
        await store.AppendTraceAsync(job.Id, steps, default);
        await store.AppendTraceAsync(job.Id, steps, default); // a re-run writes it again: kept and counted once
        await store.UpdateAsync(job.Id, j => j.Finish(JobStatus.Succeeded, DateTimeOffset.UtcNow), default);

        Assert.Equal(JobMemory.RecordBytes(record) + JobMemory.RecordBytes(steps), await store.MeasureRetainedBytesAsync(default));
    }

    [SkippableFact]
    public async Task OverTheBudget_TheOldestFinishedJobsGoFirst_ThenJobsAreRefused_AndAJobLargerThanTheBudgetIsTooLarge()
    {
        var reservation = await ReservationAsync();
        var memory = JobMemory.WithBudget(2 * reservation);
        var (store, _) = Create(new TrainingJobOptions(), memory);
        var jobs = Enumerable.Range(1, 5).Select(sequence => NewJob(sequence)).ToList();

        // Each finished job keeps about 0.6 of a reservation in records: two finished and one active do not fit.
        var kept = 0L;
        foreach (var (job, plan) in jobs.Take(2))
        {
            Assert.Equal(CreateRefusal.None, await store.CreateAsync(job, plan, default));
            kept = await FinishWithRecordsAsync(store, job.Id, 6 * reservation / 10);
        }

        Assert.Equal(CreateRefusal.None, await store.CreateAsync(jobs[2].Job, jobs[2].Plan, default));
        Assert.Null(await store.ReadAsync(jobs[0].Job.Id, 0, 0, default));
        Assert.NotNull(await store.ReadAsync(jobs[1].Job.Id, 0, 0, default));
        Assert.Equal(kept + reservation, await store.MeasureRetainedBytesAsync(default));
        Assert.Equal(CreateRefusal.None, await store.CreateAsync(jobs[3].Job, jobs[3].Plan, default));
        Assert.Null(await store.ReadAsync(jobs[1].Job.Id, 0, 0, default));
        Assert.Equal(CreateRefusal.OverBudget, await store.CreateAsync(jobs[4].Job, jobs[4].Plan, default));
        Assert.Null(await store.ReadAsync(jobs[4].Job.Id, 0, 0, default));
        Assert.Equal(2 * reservation, await store.MeasureRetainedBytesAsync(default));
        Assert.Equal(2 * reservation, memory.Used);

        var (tight, _) = Create(new TrainingJobOptions(), JobMemory.WithBudget(reservation - 1));
        Assert.Equal(CreateRefusal.TooLarge, await tight.CreateAsync(jobs[4].Job, jobs[4].Plan, default));
        Assert.Equal(0, await tight.MeasureRetainedBytesAsync(default));
    }

    [SkippableFact]
    public async Task AnExpiredJob_GivesItsBytesBack_ToTheSweepAndToAJobThatNeedsTheRoom()
    {
        var reservation = await ReservationAsync();
        var options = new TrainingJobOptions { MaxJobAge = TimeSpan.FromMilliseconds(300) };
        var (store, _) = Create(options, JobMemory.WithBudget(reservation + (reservation / 4)));
        var (first, plan) = NewJob(1);
        var (second, _) = NewJob(2);
        var (third, _) = NewJob(3);
        await store.CreateAsync(first, plan, default);
        await FinishWithRecordsAsync(store, first.Id, reservation / 2);
        await Task.Delay(700);

        Assert.Equal(1, await store.EvictExpiredAsync(default));
        Assert.Equal(0, await store.MeasureRetainedBytesAsync(default));
        await store.CreateAsync(second, plan, default);
        await FinishWithRecordsAsync(store, second.Id, reservation / 2);
        await Task.Delay(700);
        Assert.Equal(CreateRefusal.None, await store.CreateAsync(third, plan, default));
        Assert.Null(await store.ReadAsync(second.Id, 0, 0, default));
        Assert.Equal(reservation, await store.MeasureRetainedBytesAsync(default));
    }

    // What a job like those of NewJob reserves in this kind of store (a shared store counts its data as stored).
    private async Task<long> ReservationAsync()
    {
        var (store, _) = Create(new TrainingJobOptions(), JobMemory.Unbounded());
        var (job, plan) = NewJob(1);
        await store.CreateAsync(job, plan, default);
        return await store.MeasureRetainedBytesAsync(default);
    }

    // Writes records of at least `bytes` in all, then finishes the job; returns what the records count for.
    private static async Task<long> FinishWithRecordsAsync(IJobStore store, string id, long bytes)
    {
        var padding = new string('x', 1000);
        var records = new List<JobRecord>();
        while (records.Sum(JobMemory.RecordBytes) < bytes)
        {
            var record = new JobRecord(records.Count, System.Text.Encoding.UTF8.GetBytes($$"""{"epoch":{{records.Count}},"pad":"{{padding}}"}"""));
            Assert.True(await store.AppendRecordAsync(id, record, default));
            records.Add(record);
        }

        await store.UpdateAsync(id, j => j.Finish(JobStatus.Succeeded, DateTimeOffset.UtcNow), default);
        return records.Sum(JobMemory.RecordBytes);
    }

    private protected static JobRecord Record(int epoch) => new(epoch, System.Text.Encoding.UTF8.GetBytes($$"""{"epoch":{{epoch}}}"""));

    private protected static (JobSnapshot Job, TrainingPlan Plan) NewJob(long sequence, string json = """{ "gate": "NOR" }""")
    {
        var request = System.Text.Json.JsonSerializer.Deserialize<TrainingJobRequest>(json, System.Text.Json.JsonSerializerOptions.Web)!;
        var plan = TrainingRequestPlanner.TryPlan(request, new TrainingJobOptions(), [])!;
        return (new JobSnapshot(Guid.NewGuid().ToString("N"), sequence, DateTimeOffset.UnixEpoch.AddSeconds(sequence), plan.Parameters), plan);
    }
}

/// <summary>The contract against the in-memory store and queue.</summary>
public sealed class InMemoryJobStoreContract : JobStoreContract
{
    private protected override (IJobStore Store, IJobQueue Queue) Create(TrainingJobOptions options, JobMemory? memory = null) =>
        (new InMemoryJobStore(Options.Create(options), TimeProvider.System, memory), new InMemoryJobQueue(TimeProvider.System));
}

/// <summary>The contract against Redis (a real redis-server; each test under its own key prefix).</summary>
public sealed class RedisJobStoreContract(RedisServer server) : JobStoreContract, IClassFixture<RedisServer>
{
    private protected override (IJobStore Store, IJobQueue Queue) Create(TrainingJobOptions options, JobMemory? memory = null)
    {
        server.SkipIfMissing();
        var connection = new RedisConnection(server.ConnectionString, Options.Create(new RedisOptions { KeyPrefix = $"test{Guid.NewGuid():N}:", PollInterval = TimeSpan.FromMilliseconds(100) }));
        Own(connection);
        _connection = connection;
        return (new RedisJobStore(connection, Options.Create(options), memory), new RedisJobQueue(connection, Options.Create(options)));
    }

    private RedisConnection? _connection;

    [SkippableFact]
    public async Task TheHeldTotal_IsTheSumOfEveryKeptJobsEntries_AfterEveryKindOfChange()
    {
        var memory = JobMemory.Unbounded();
        var (store, _) = Create(new TrainingJobOptions(), memory);
        var jobs = new List<string>();
        for (var i = 1; i <= 6; i++)
        {
            var (job, plan) = NewJob(i, i % 2 == 0 ? """{ "gate": "NOR", "trace": true }""" : """{ "gate": "AND" }""");
            await store.CreateAsync(job, plan, default);
            jobs.Add(job.Id);
        }

        // Records smaller than the reservation, larger than it, traces, a finish, a deletion and a rerun's duplicates.
        var big = new JobRecord(1, System.Text.Encoding.UTF8.GetBytes($$"""{"epoch":1,"pad":"{{new string('x', 200_000)}}"}"""));
        await store.AppendAsync(jobs[0], [new(Record(0), false), new(big, false)], default);
        await store.AppendAsync(jobs[1], [new(Record(0), false), new(new JobRecord(1, "\"s\""u8.ToArray()), true), new(Record(1), false)], default);
        await store.AppendAsync(jobs[1], [new(Record(1), false), new(new JobRecord(1, "\"s\""u8.ToArray()), true)], default);
        await store.UpdateAsync(jobs[1], j => j.Finish(JobStatus.Succeeded, DateTimeOffset.UtcNow), default);
        await store.AppendAsync(jobs[1], [new(Record(2), false)], default);
        await store.UpdateAsync(jobs[2], j => j.Finish(JobStatus.Canceled, DateTimeOffset.UtcNow), default);
        await store.DeleteAsync(jobs[3], default);
        await store.UpdateAsync(jobs[4], j => j with { Status = JobStatus.Running }, default);

        Assert.Equal(await RecountAsync(), await store.MeasureRetainedBytesAsync(default));
        await store.DeleteAsync(jobs[0], default);
        Assert.Equal(await RecountAsync(), await store.MeasureRetainedBytesAsync(default));
        foreach (var id in jobs)
        {
            await store.DeleteAsync(id, default);
        }

        Assert.Equal(0, await store.MeasureRetainedBytesAsync(default));
    }

    [SkippableFact]
    public async Task AChangeByAnotherReplica_IsNotOverwritten_ByWhatThisOneLastWrote()
    {
        var options = new TrainingJobOptions();
        var (mine, _) = Create(options);
        var theirs = new RedisJobStore(_connection!, Options.Create(options));
        var (job, plan) = NewJob(1);
        await mine.CreateAsync(job, plan, default);
        await mine.UpdateAsync(job.Id, j => j with { Status = JobStatus.Running, Attempts = 1 }, default);

        await theirs.UpdateAsync(job.Id, j => j with { CancelRequestedAt = DateTimeOffset.UnixEpoch, StatusReason = "theirs" }, default);
        var update = await mine.UpdateAsync(job.Id, j => j with { Attempts = j.Attempts + 1 }, default);

        Assert.True(update!.Applied);
        var now = (await theirs.ReadAsync(job.Id, 0, 0, default))!.Job;
        Assert.Equal((2, "theirs", DateTimeOffset.UnixEpoch), (now.Attempts, now.StatusReason, now.CancelRequestedAt!.Value));

        // "Nothing to change" is decided on the job as it is, not on what this replica last wrote.
        await theirs.UpdateAsync(job.Id, j => j.Finish(JobStatus.Succeeded, DateTimeOffset.UtcNow), default);
        Assert.True((await theirs.ReadAsync(job.Id, 0, 0, default))!.Job.IsFinished);
        var declined = await mine.UpdateAsync(job.Id, j => j.IsFinished ? null : j with { Status = JobStatus.Queued }, default);
        Assert.Equal((false, JobStatus.Succeeded), (declined!.Applied, declined.Job.Status));
    }

    // What the kept jobs hold, computed from every job's entries as the budget defines it.
    private async Task<long> RecountAsync()
    {
        var db = _connection!.Database;
        var keys = _connection.Keys;
        long total = 0;
        foreach (var entry in await db.HashGetAllAsync(keys.Reserved))
        {
            var wrote = (long)await db.HashGetAsync(keys.Written, entry.Name);
            total += await db.SortedSetScoreAsync(keys.Finished, entry.Name) is null ? Math.Max((long)entry.Value, wrote) : wrote;
        }

        return total;
    }

    [SkippableFact]
    public async Task AFinishedJobsTrace_ExpiresWithIt()
    {
        var (store, _) = Create(new TrainingJobOptions { MaxJobAge = TimeSpan.FromMinutes(5) });
        var request = System.Text.Json.JsonSerializer.Deserialize<TrainingJobRequest>("""{ "gate": "NOR", "trace": true }""", System.Text.Json.JsonSerializerOptions.Web)!;
        var plan = TrainingRequestPlanner.TryPlan(request, new TrainingJobOptions(), [])!;
        var job = new JobSnapshot(Guid.NewGuid().ToString("N"), 1, DateTimeOffset.UnixEpoch, plan.Parameters);
        await store.CreateAsync(job, plan, default);
        await store.AppendTraceAsync(job.Id, new JobRecord(1, "1"u8.ToArray()), default);
        var db = _connection!.Database;
        Assert.Null(await db.KeyTimeToLiveAsync(_connection.Keys.Trace(job.Id)));

        await store.UpdateAsync(job.Id, j => j.Finish(JobStatus.Succeeded, DateTimeOffset.UtcNow), default);
        var ttl = await db.KeyTimeToLiveAsync(_connection.Keys.Trace(job.Id));

        Assert.InRange(ttl!.Value, TimeSpan.FromMinutes(4), TimeSpan.FromMinutes(5));

        // Written after the end (a late worker), it still expires with the job.
        await store.AppendTraceAsync(job.Id, new JobRecord(2, "2"u8.ToArray()), default);
        Assert.InRange((await db.KeyTimeToLiveAsync(_connection.Keys.Trace(job.Id)))!.Value, TimeSpan.FromMinutes(4), TimeSpan.FromMinutes(5));
    }
}
