namespace Agents.Grains.Driving;

/// <summary>
/// A grain's storage writes, one after another: a reentrant grain (or one whose background work writes while a request
/// does) would otherwise race on the state's ETag. Each caller awaits, and sees the failure of, its own write; a failed
/// write does not stop the ones queued after it. Once closed (the activation is leaving, the state was cleared or is
/// being reloaded after a store rollback) queued and later writes do nothing.
/// </summary>
internal sealed class SerialWrites
{
    private Task _last = Task.CompletedTask;

    /// <summary>Whether writes were stopped.</summary>
    public bool IsClosed { get; private set; }

    /// <summary>Runs <paramref name="write"/> once the writes before it have finished (failed ones included), unless closed by then.</summary>
    public Task RunAsync(Func<Task> write)
    {
        ArgumentNullException.ThrowIfNull(write);
        _last = AfterAsync(_last, write);
        return _last;
    }

    /// <summary>Stops all writes not yet started.</summary>
    public void Close() => IsClosed = true;

    /// <summary>Stops all writes not yet started and waits for the one under way (its failure is its caller's).</summary>
    public async Task CloseAsync()
    {
        IsClosed = true;
        await IgnoreFailureAsync(_last);
    }

    private async Task AfterAsync(Task previous, Func<Task> write)
    {
        await IgnoreFailureAsync(previous);
        if (!IsClosed)
        {
            await write();
        }
    }

    private static async Task IgnoreFailureAsync(Task previous)
    {
        try
        {
            await previous;
        }
#pragma warning disable CA1031 // the failed write is reported to its own caller
        catch (Exception)
#pragma warning restore CA1031
        {
        }
    }
}
