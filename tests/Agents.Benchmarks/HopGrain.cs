namespace Agents.Benchmarks;

/// <summary>A minimal agent for the hop benchmark: it answers pings and relays pings to another agent.</summary>
[Alias("agents.bench.hop")]
public interface IHopGrain : IGrainWithIntegerKey
{
    /// <summary>One agent-to-agent message with a small payload.</summary>
    [Alias("ping")]
    Task<int> PingAsync(string text);

    /// <summary>Sends <paramref name="count"/> pings to agent <paramref name="target"/>, <paramref name="parallel"/> at a time.</summary>
    [Alias("relay")]
    Task RelayAsync(long target, int count, int parallel);
}

/// <summary>The hop benchmark's agent (reentrant, so relayed pings overlap as agents' requests do).</summary>
[Orleans.Concurrency.Reentrant]
public sealed class HopGrain : Grain, IHopGrain
{
    public Task<int> PingAsync(string text) => Task.FromResult(text.Length);

    public async Task RelayAsync(long target, int count, int parallel)
    {
        var other = GrainFactory.GetGrain<IHopGrain>(target);
        var next = 0;
        await Task.WhenAll(Enumerable.Range(0, parallel).Select(async _ =>
        {
            while (Interlocked.Increment(ref next) <= count)
            {
                await other.PingAsync("What is 2 + 3? Reason step by step.");
            }
        }));
    }
}
