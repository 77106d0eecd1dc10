using System.Net.ServerSentEvents;
using System.Runtime.CompilerServices;
using System.Text;
using System.Text.Json;
using PerceptronApi.Training.Jobs;

namespace PerceptronApi.Training;

/// <summary>
/// A job's event stream: one <c>epoch</c> event per history record (replayed, then live), then one final
/// <c>completed</c>, <c>failed</c> or <c>canceled</c> event with the job, then the end. The stream reads the store
/// with its own cursor and writes each record's stored bytes, so it buffers nothing, serializes no record again, and a
/// stalled client holds up nobody.
/// </summary>
internal static class JobEvents
{
    private const int BatchSize = 256;
    private static readonly byte[] Heartbeat = Encoding.UTF8.GetBytes(": keep-alive\n\n");

    public static async IAsyncEnumerable<SseItem<byte[]>> Stream(
        IJobStore store,
        string id,
        int from,
        HttpResponse response,
        JsonSerializerOptions json,
        TimeSpan heartbeat,
        [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        var next = from;
        JobRead? last = null;
        while (!cancellationToken.IsCancellationRequested)
        {
            // Taken before the read, so a record stored between the read and the wait is not missed.
            var changed = store.WhenChanged(id);
            var read = await store.ReadAsync(id, next, BatchSize, cancellationToken);
            if (read is null)
            {
                if (last is not null)
                {
                    // Deleted while followed: the stream ends as the job did, canceled.
                    var deleted = last with { Job = last.Job with { Status = JobStatus.Canceled, StatusReason = "Deleted." } };
                    yield return Final(deleted, json);
                }

                yield break;
            }

            last = read;

            foreach (var record in read.Records)
            {
                yield return new SseItem<byte[]>(record.Json, "epoch") { EventId = record.Epoch.ToString() };
            }

            // From where the records actually start, so a cursor past the end cannot run away.
            next = Math.Min(next, read.RecordCount) + read.Records.Count;
            if (read.Records.Count > 0)
            {
                continue;
            }

            if (read.Job.IsFinished)
            {
                yield return Final(read, json);
                yield break;
            }

            bool woke;
            try
            {
                await changed.WaitAsync(heartbeat, cancellationToken);
                woke = true;
            }
            catch (TimeoutException)
            {
                woke = false;
            }
            catch (OperationCanceledException)
            {
                yield break; // the client went away
            }

            if (!woke)
            {
                // The SSE formatter has no comment lines, and it has flushed every item it was given: a comment
                // written between items cannot interleave with one.
                await response.Body.WriteAsync(Heartbeat, cancellationToken);
                await response.Body.FlushAsync(cancellationToken);
            }
        }
    }

    private static SseItem<byte[]> Final(JobRead read, JsonSerializerOptions json)
    {
        var final = JobResponses.From(read, includeHistory: false);
        return new SseItem<byte[]>(JsonSerializer.SerializeToUtf8Bytes(final, json), FinalEventType(final.Status));
    }

    private static string FinalEventType(JobStatus status) => status switch
    {
        JobStatus.Succeeded => "completed",
        JobStatus.Failed => "failed",
        _ => "canceled",
    };
}
