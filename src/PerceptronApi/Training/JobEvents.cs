using System.Net.ServerSentEvents;
using System.Runtime.CompilerServices;
using System.Text;
using System.Text.Json;

namespace PerceptronApi.Training;

/// <summary>
/// A job's event stream: one <c>epoch</c> event per history record (replayed, then live), then one final
/// <c>completed</c>, <c>failed</c> or <c>canceled</c> event with the job, then the end. The stream follows the job's
/// history with its own cursor, so it buffers nothing and a stalled client holds up nobody.
/// </summary>
internal static class JobEvents
{
    private const int BatchSize = 256;
    private static readonly byte[] Heartbeat = Encoding.UTF8.GetBytes(": keep-alive\n\n");

    public static async IAsyncEnumerable<SseItem<string>> Stream(
        TrainingJob job,
        int from,
        HttpResponse response,
        JsonSerializerOptions json,
        TimeSpan heartbeat,
        [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        var next = from;
        while (!cancellationToken.IsCancellationRequested)
        {
            var snapshot = job.Read(next, BatchSize);
            foreach (var record in snapshot.Records)
            {
                yield return new SseItem<string>(JsonSerializer.Serialize(record, json), "epoch") { EventId = record.Epoch.ToString() };
            }

            // From where the job actually read, so a cursor past the end cannot run away.
            next = snapshot.Start + snapshot.Records.Count;
            if (snapshot.Records.Count > 0)
            {
                continue;
            }

            if (snapshot.Complete)
            {
                var final = JobResponses.From(job, includeHistory: false);
                yield return new SseItem<string>(JsonSerializer.Serialize(final, json), FinalEventType(final.Status));
                yield break;
            }

            bool changed;
            try
            {
                await snapshot.Changed.WaitAsync(heartbeat, cancellationToken);
                changed = true;
            }
            catch (TimeoutException)
            {
                changed = false;
            }
            catch (OperationCanceledException)
            {
                yield break; // the client went away
            }

            if (!changed)
            {
                // The SSE formatter has no comment lines, and it has flushed every item it was given: a comment
                // written between items cannot interleave with one.
                await response.Body.WriteAsync(Heartbeat, cancellationToken);
                await response.Body.FlushAsync(cancellationToken);
            }
        }
    }

    private static string FinalEventType(JobStatus status) => status switch
    {
        JobStatus.Succeeded => "completed",
        JobStatus.Failed => "failed",
        _ => "canceled",
    };
}
