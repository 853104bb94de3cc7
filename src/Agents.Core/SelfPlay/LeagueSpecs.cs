using Agents.Contracts.SelfPlay;

namespace Agents.Core.SelfPlay;

/// <summary>What a league accepts as its spec, and the form it stores (and compares a restart's spec in).</summary>
public static class LeagueSpecs
{
    /// <summary>Valid games per round (G).</summary>
    public const int MaxGamesPerRound = 1_000_000;

    /// <summary>Rounds (R).</summary>
    public const int MaxRounds = 100_000;

    /// <summary>Games in flight (W).</summary>
    public const int MaxConcurrency = 10_000;

    /// <summary>SPC option entries.</summary>
    public const int MaxOptions = 64;

    /// <summary>The spec with its options canonical (every key, sorted); throws <see cref="ArgumentException"/> with the first reason it is refused.</summary>
    public static LeagueSpec Canonical(LeagueSpec spec)
    {
        ArgumentNullException.ThrowIfNull(spec);
        if (Validate(spec) is { } error)
        {
            throw new ArgumentException($"league spec refused: {error}");
        }

        return spec with { Options = SpcOptionsText.Canonical(spec.Options) };
    }

    /// <summary>The first reason a league spec is refused (range, size, a credential in a model spec), or null when it is acceptable.</summary>
    public static string? Validate(LeagueSpec spec)
    {
        ArgumentNullException.ThrowIfNull(spec);
        return Jobs.JobSpecRules.Id("league", spec.League)
            ?? Jobs.JobSpecRules.Range("games per round", spec.GamesPerRound, 1, MaxGamesPerRound)
            ?? Jobs.JobSpecRules.Range("rounds", spec.Rounds, 1, MaxRounds)
            ?? Jobs.JobSpecRules.Range("concurrency", spec.Concurrency, 1, MaxConcurrency)
            ?? Jobs.JobSpecRules.Spec("generator model", spec.GeneratorModel)
            ?? Jobs.JobSpecRules.Spec("critic model", spec.CriticModel)
            ?? Jobs.JobSpecRules.Spec("solver model", spec.SolverModel)
            ?? (spec.Options.Length > MaxOptions ? $"options: at most {MaxOptions}, got {spec.Options.Length}" : null)
            ?? spec.Options.Select(o => o.Length > Jobs.JobSpecRules.MaxOptionValueLength ? $"options: an entry has {o.Length} characters (at most {Jobs.JobSpecRules.MaxOptionValueLength})" : null).FirstOrDefault(e => e is not null)
            ?? OptionsParse(spec.Options);
    }

    private static string? OptionsParse(ImmutableArray<string> options)
    {
        try
        {
            SpcOptionsText.Canonical(options);
            return null;
        }
        catch (ArgumentException ex)
        {
            return $"options: {ex.Message}";
        }
    }
}
