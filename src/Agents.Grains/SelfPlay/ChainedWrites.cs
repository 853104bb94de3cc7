namespace Agents.Grains.SelfPlay;

/// <summary>
/// Chains a grain's state writes one after another, so that concurrent game completions never race on the state's ETag; each
/// caller awaits (and sees the failure of) its own write.
/// </summary>
internal sealed class ChainedWrites<T>(IPersistentState<T> state)
{
    private Task _last = Task.CompletedTask;
    private bool _cleared;

    /// <summary>Writes the state once the writes before it have finished (failed ones included).</summary>
    public Task WriteAsync()
    {
        _last = WriteAfterAsync(_last);
        return _last;
    }

    /// <summary>Clears the stored state once the writes before it have finished; later writes do nothing.</summary>
    public Task ClearAsync()
    {
        _last = ClearAfterAsync(_last);
        return _last;
    }

    private async Task ClearAfterAsync(Task previous)
    {
        await IgnoreFailureAsync(previous);
        _cleared = true;
        await state.ClearStateAsync();
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

    private async Task WriteAfterAsync(Task previous)
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

        if (!_cleared)
        {
            await state.WriteStateAsync();
        }
    }
}
