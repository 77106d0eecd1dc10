using Microsoft.Extensions.Options;
using PerceptronApi.Training.Jobs;

namespace PerceptronApi.Training;

/// <summary>
/// At most <see cref="JobQuotaOptions.MaxActiveJobsPerClient"/> queued or running jobs per client
/// (<see cref="Infrastructure.ClientIdentity"/>), so one client cannot fill the queue and hold every worker. A client's
/// submissions are admitted one at a time; its earlier jobs are looked up in the store, so one that ended, was
/// canceled or deleted frees its slot at once.
/// </summary>
internal sealed class ClientJobQuota(IJobStore store, IOptions<JobQuotaOptions> options)
{
    private readonly Lock _gate = new();
    private readonly Dictionary<string, Client> _clients = new(StringComparer.Ordinal);

    /// <summary>
    /// Waits for the client's turn and counts its active jobs. Dispose the slot after submitting (and
    /// <see cref="Slot.Add"/> the job when it was accepted).
    /// </summary>
    public async Task<Slot> EnterAsync(string client, CancellationToken cancellationToken)
    {
        Client entry;
        lock (_gate)
        {
            entry = _clients.TryGetValue(client, out var known) ? known : _clients[client] = new Client();
            entry.Users++;
        }

        try
        {
            await entry.Turn.WaitAsync(cancellationToken);
        }
        catch
        {
            Leave(client, entry);
            throw;
        }

        var active = new List<string>(entry.Jobs.Count);
        try
        {
            foreach (var id in entry.Jobs)
            {
                if (await store.ReadAsync(id, 0, 0, cancellationToken) is { Job.IsFinished: false })
                {
                    active.Add(id);
                }
            }
        }
        catch
        {
            // A store that times out (Redis: a 503) or a request given up: the turn goes back, or every later request
            // of this client would wait for it for ever. The jobs counted so far stay as they were.
            EndTurn(client, entry);
            throw;
        }

        entry.Jobs = active;
        return new Slot(this, client, entry, active.Count < options.Value.MaxActiveJobsPerClient);
    }

    private void EndTurn(string client, Client entry)
    {
        entry.Turn.Release();
        Leave(client, entry);
    }

    private void Leave(string client, Client entry)
    {
        lock (_gate)
        {
            // A client with no active job and nobody waiting is forgotten: the table holds only clients with work.
            if (--entry.Users == 0 && entry.Jobs.Count == 0)
            {
                _clients.Remove(client);
            }
        }
    }

    /// <summary>One client's turn to submit.</summary>
    internal sealed class Slot(ClientJobQuota quota, string client, Client entry, bool available) : IDisposable
    {
        /// <summary>Whether the client may start one more job.</summary>
        public bool Available => available;

        /// <summary>Counts an accepted job against the client.</summary>
        public void Add(string id) => entry.Jobs.Add(id);

        public void Dispose() => quota.EndTurn(client, entry);
    }

    /// <summary>A client's active jobs; <see cref="Jobs"/> is read and written only during its turn.</summary>
    internal sealed class Client
    {
        public SemaphoreSlim Turn { get; } = new(1, 1);

        public List<string> Jobs { get; set; } = [];

        // Guarded by the quota's lock.
        public int Users { get; set; }
    }
}
