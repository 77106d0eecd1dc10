namespace PerceptronApi.Training.Jobs;

/// <summary>
/// A signal any number of waiters can wait on: <see cref="Next"/> completes at the next <see cref="Notify"/>, and each
/// notify starts a new round, so a waiter takes the task before it looks and misses nothing after.
/// </summary>
internal sealed class ChangeSignal
{
    private readonly Lock _gate = new();
    private TaskCompletionSource _next = new(TaskCreationOptions.RunContinuationsAsynchronously);

    public Task Next
    {
        get
        {
            lock (_gate)
            {
                return _next.Task;
            }
        }
    }

    public void Notify()
    {
        TaskCompletionSource current;
        lock (_gate)
        {
            current = _next;
            _next = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        }

        current.TrySetResult();
    }
}
