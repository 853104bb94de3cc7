using System.Text;
using Agents.Contracts.Runs;
using Agents.Core.Instructing;
using Agents.Core.Magicore;
using Agents.Core.SelfRefine;
using Agents.Core.SelfPlay;

namespace Agents.Core.Strategies;

/// <summary>A strategy as clients and the job see it: its name, what it does, its options and its phases.</summary>
/// <param name="Name">The name of the command-line contract (<c>cot</c>, <c>sc</c>, ...).</param>
/// <param name="Summary">One line for help texts.</param>
/// <param name="Options">The codec of the strategy's own options (<c>--option key=value</c>).</param>
/// <param name="Phases">Phases of a run: 1, or one per dataset barrier plus one (MAgICoRe: T + 1).</param>
public sealed record StrategyDescriptor(string Name, string Summary, IOptionCodec Options, Func<StrategySpec, int> Phases);

/// <summary>Options of a strategy that has none of its own (everything it needs is in <see cref="StrategySpec"/>).</summary>
public sealed record NoStrategyOptions;

/// <summary>
/// Every strategy, with one typed options record and codec each: what the CLI and the API validate a request with,
/// what help texts describe, and where the job reads a strategy's phase count.
/// </summary>
public static class StrategyCatalog
{
    /// <summary>The strategies, in the order of the command-line contract.</summary>
    public static ImmutableArray<StrategyDescriptor> All { get; } =
    [
        Plain(StrategyNames.Cot, "chain of thought: one greedy sample"),
        Plain(StrategyNames.SelfConsistency, "self-consistency: k samples, majority vote"),
        Plain(StrategyNames.BestOfK, "best-of-k by outcome reward"),
        Plain(StrategyNames.RewardVote, "reward-weighted vote over k samples"),
        new(StrategyNames.SelfRefine, "Self-Refine: feedback and rewrite rounds", SelfRefineRunOptions.Codec, _ => 1),
        new(StrategyNames.Magicore, "MAgICoRe: classify, then review and refine hard problems; one phase per dataset barrier",
            MagicoreRunOptions.Codec, MagicoreRunOptions.Phases),
        new(StrategyNames.Iort, "IoRT: meta-thought, reflection, consistency gate and Instructor", IortRunOptions.Codec, _ => 1),
        new(StrategyNames.SpcSearch, "SPC critic-guided search: steps checked by a step critic, rejected steps resampled", SpcSearchSpec.Codec, _ => 1),
    ];

    /// <summary>The strategy named <paramref name="name"/>; <see cref="ArgumentException"/> listing the known ones otherwise.</summary>
    public static StrategyDescriptor Get(string name) =>
        All.FirstOrDefault(s => s.Name == name) ?? throw new ArgumentException(StrategyNames.Validate(name) ?? $"unknown strategy '{name}'");

    /// <summary>Phases of a spec's strategy.</summary>
    public static int Phases(StrategySpec spec)
    {
        ArgumentNullException.ThrowIfNull(spec);
        return Get(spec.Name).Phases(spec);
    }

    /// <summary>Every strategy with its options, for help texts and docs.</summary>
    public static string Describe()
    {
        var text = new StringBuilder();
        foreach (var strategy in All)
        {
            text.AppendLine($"{strategy.Name}: {strategy.Summary}");
            foreach (var line in strategy.Options.Describe().Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
            {
                text.AppendLine($"  {line}");
            }
        }

        return text.ToString();
    }

    private static StrategyDescriptor Plain(string name, string summary) =>
        new(name, summary, new OptionCodec<NoStrategyOptions>(name, new NoStrategyOptions(), []), _ => 1);
}
