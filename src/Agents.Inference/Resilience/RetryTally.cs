namespace Agents.Inference.Resilience;

/// <summary>
/// Counts the retries made by backend calls inside a scope that flows with the async context, so that
/// a caller (a sample batch, a grain call) learns how many retries its own requests needed, even when
/// they ran in parallel on a shared client. Nested scopes also count into their enclosing scopes.
/// </summary>
public sealed class RetryTally
{
    private static readonly AsyncLocal<RetryTally?> CurrentTally = new();
    private readonly RetryTally? _parent;
    private int _count;

    private RetryTally(RetryTally? parent) => _parent = parent;

    /// <summary>The tally of the innermost active scope, or null outside any scope.</summary>
    public static RetryTally? Current => CurrentTally.Value;

    /// <summary>The retries counted so far.</summary>
    public int Count => Volatile.Read(ref _count);

    /// <summary>Starts a scope; calls made until the returned handle is disposed count into <paramref name="tally"/>.</summary>
    public static IDisposable Begin(out RetryTally tally)
    {
        var previous = CurrentTally.Value;
        tally = new RetryTally(previous);
        CurrentTally.Value = tally;
        return new Scope(previous);
    }

    internal static void Record()
    {
        for (var tally = CurrentTally.Value; tally is not null; tally = tally._parent)
        {
            Interlocked.Increment(ref tally._count);
        }
    }

    private sealed class Scope(RetryTally? previous) : IDisposable
    {
        public void Dispose() => CurrentTally.Value = previous;
    }
}
