using Agents.Contracts.SelfPlay;

namespace Agents.Core.Spc;

/// <summary>What a league accepts as its spec, and the form it stores (and compares a restart's spec in).</summary>
public static class LeagueSpecs
{
    /// <summary>The spec with its options canonical (every key, sorted); throws when G, R or W is below 1.</summary>
    public static LeagueSpec Canonical(LeagueSpec spec)
    {
        ArgumentNullException.ThrowIfNull(spec);
        ArgumentOutOfRangeException.ThrowIfLessThan(spec.GamesPerRound, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(spec.Rounds, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(spec.Concurrency, 1);
        return spec with { Options = SpcOptionsText.Canonical(spec.Options) };
    }
}
