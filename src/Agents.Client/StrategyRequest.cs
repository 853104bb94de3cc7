using System.Collections.Immutable;
using System.Globalization;
using System.IO.Hashing;
using System.Text;
using Agents.Core.Answers;
using Agents.Core.Strategies;
using Agents.Core.Voting;

namespace Agents.Client;

/// <summary>
/// What a caller asked of a strategy (the CLI's flags, the API's query): validated and turned into the
/// <see cref="StrategySpec"/> a job records, with the methods' defaults for anything not given.
/// </summary>
public sealed record StrategyRequest
{
    /// <summary>The strategy name (<c>cot</c>, <c>sc</c>, ...).</summary>
    public required string Strategy { get; init; }

    /// <summary>Model spec; null = the silo's default.</summary>
    public string? Model { get; init; }

    /// <summary>Reward model spec; null = the silo's default.</summary>
    public string? Reward { get; init; }

    /// <summary>Samples per problem; null = the strategy's default.</summary>
    public int? K { get; init; }

    /// <summary>Refinement rounds; null = the strategy's default.</summary>
    public int? Rounds { get; init; }

    /// <summary>Sampling temperature; null = the strategy's default.</summary>
    public double? Temperature { get; init; }

    /// <summary>Run seed.</summary>
    public long Seed { get; init; }

    /// <summary><c>raw</c> or <c>normalized</c> answer keys in votes.</summary>
    public string VoteKey { get; init; } = "raw";

    /// <summary>Count answerless chains as a vote key.</summary>
    public bool KeepEmpty { get; init; }

    /// <summary><c>numeric</c>, <c>hendrycks</c> or <c>prm800k</c> grading.</summary>
    public string Equivalence { get; init; } = EquivalenceModes.DefaultName;

    /// <summary>
    /// The strategy's own options as <c>key=value</c> (<see cref="StrategyCatalog"/> lists them per strategy; later entries win).
    /// </summary>
    public IReadOnlyList<string> Options { get; init; } = [];

    /// <summary>Leave out options the strategy does not take instead of refusing them (an experiment shares options across strategies).</summary>
    public bool SkipForeignOptions { get; init; }

    /// <summary>How a meta-memory seed file is recorded in a spec: its name and the hash of its bytes.</summary>
    public static string SeedLabel(string file, byte[] content) =>
        $"{System.IO.Path.GetFileName(file)}#{XxHash64.HashToUInt64(content).ToString("x16", CultureInfo.InvariantCulture)}";

    /// <summary>Same input, strategy and settings give the same job id, so a rerun asks the same questions (same seeds).</summary>
    public static string DeriveJobId(string inputKey, StrategySpec spec)
    {
        ArgumentNullException.ThrowIfNull(spec);
        // A record prints its dictionary's type name, not its entries: the options are spelled out, in key order, so two
        // specs that differ only in an option (paper vs code mode) get different jobs.
        var options = string.Join(";", spec.Options.OrderBy(o => o.Key, StringComparer.Ordinal).Select(o => $"{o.Key}={o.Value}"));
        var key = $"{inputKey}|{spec with { Options = ImmutableDictionary<string, string>.Empty }}|{options}";
        return "job-" + XxHash64.HashToUInt64(Encoding.UTF8.GetBytes(key)).ToString("x16", CultureInfo.InvariantCulture);
    }

    /// <summary>The spec; <see cref="ArgumentException"/> names the first setting that is not valid.</summary>
    public StrategySpec ToSpec()
    {
        var strategy = StrategyCatalog.Get(Strategy);
        if (K is < 1)
        {
            throw new ArgumentException($"--k must be at least 1, got {K}");
        }

        var entries = Options.Where(e => !SkipForeignOptions || strategy.Options.Names.Contains(OptionText.Key(e)));
        return StrategyDefaults.Create(
            Strategy, K, Rounds, Temperature, Seed, Model ?? "", VoteKeys.Parse(VoteKey), !KeepEmpty, EquivalenceModes.Parse(Equivalence),
            Reward ?? "", strategy.Options.Canonicalize(entries));
    }

    /// <summary>
    /// The first option key in <paramref name="options"/> that none of <paramref name="strategies"/> takes, or null: shared
    /// options are left out where they do not apply, but a key no strategy knows is a mistake.
    /// </summary>
    public static string? UnknownToAll(IEnumerable<string> strategies, IEnumerable<string> options)
    {
        var known = strategies.SelectMany(s => StrategyCatalog.Get(s).Options.Names).ToHashSet(StringComparer.Ordinal);
        return options.Select(OptionText.Key).FirstOrDefault(k => !known.Contains(k));
    }
}
