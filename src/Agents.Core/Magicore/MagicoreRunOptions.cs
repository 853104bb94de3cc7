using Agents.Contracts.Runs;
using Agents.Core.Strategies;
using static Agents.Core.Strategies.OptionText;

namespace Agents.Core.Magicore;

/// <summary>
/// What a <c>magicore</c> spec records besides k, T and sampling: the switch preset and, for a run without a dataset
/// barrier, fixed normalisation statistics. <see cref="Codec"/> is the only place these keys are spelled.
/// </summary>
public sealed record MagicoreRunOptions
{
    /// <summary><c>paper</c> or <c>code</c> switches (docs/algorithms.md).</summary>
    public MagicoreMode Mode { get; init; } = MagicoreMode.Paper;

    /// <summary>Normalisation mean μ; with <see cref="Sigma"/> it replaces the dataset barrier's.</summary>
    public double? Mu { get; init; }

    /// <summary>Normalisation standard deviation σ (with <see cref="Mu"/>).</summary>
    public double? Sigma { get; init; }

    /// <summary>Where fixed μ, σ came from, recorded in every row (default <c>options</c>).</summary>
    public string? StatsSource { get; init; }

    /// <summary>How the k chains are drawn: together (one request, as the released code), or the statistics chain first.</summary>
    public MagicoreDraw Draw { get; init; } = MagicoreDraw.Together;

    /// <summary>
    /// Phases of a run: one per iteration plus the draw (T + 1), and with <see cref="MagicoreDraw.Split"/> the statistics
    /// chain's own phase before the rest of the draw (T + 2).
    /// </summary>
    public static int Phases(StrategySpec spec)
    {
        ArgumentNullException.ThrowIfNull(spec);
        return spec.Rounds + DrawPhases(spec);
    }

    /// <summary>
    /// Phases that draw before the first iteration: 1, or 2 with <see cref="MagicoreDraw.Split"/> (the statistics chain,
    /// then the other k − 1 chains). Iteration t runs in phase t + DrawPhases − 1; neither draw phase needs statistics.
    /// </summary>
    public static int DrawPhases(StrategySpec spec)
    {
        ArgumentNullException.ThrowIfNull(spec);
        return Codec.Read(spec.Options).Draw == MagicoreDraw.Split ? 2 : 1;
    }

    /// <summary>Names, defaults, parsing and validation of the options.</summary>
    public static OptionCodec<MagicoreRunOptions> Codec { get; } = new("magicore", new(),
    [
        new("mode", "paper | code: MAgICoRe's switch preset", o => Name(o.Mode), (o, v) => o with { Mode = Enum<MagicoreMode>(v) }, Always: true),
        new("mu", "normalisation mean for a run without a dataset barrier (with sigma)", o => o.Mu is { } m ? Text(m) : null, (o, v) => o with { Mu = Double(v) }),
        new("sigma", "normalisation standard deviation (with mu)", o => o.Sigma is { } s ? Text(s) : null, (o, v) => o with { Sigma = Double(v) }),
        new("stats_source", "where fixed mu and sigma came from, recorded in each row", o => o.StatsSource, (o, v) => o with { StatsSource = v }),
        new("draw", "together | split: the k chains in one request, or each problem's statistics chain first (code mode; a job's first barrier then waits for one chain per problem)",
            o => o.Draw == MagicoreDraw.Together ? null : Name(o.Draw), (o, v) => o with { Draw = Enum<MagicoreDraw>(v) }),
    ],
    o => o.Mu.HasValue != o.Sigma.HasValue ? "mu and sigma go together (MAgICoRe's normalisation for a run without a dataset)"
        : o.Draw == MagicoreDraw.Split && o.Mode != MagicoreMode.Code ? "draw=split needs mode=code (in paper mode every iteration's statistics wait at a barrier of their own)"
        : null);
}

/// <summary>How a <c>magicore</c> run draws its k chains.</summary>
public enum MagicoreDraw
{
    /// <summary>All k chains in one request (n = k), as the released code does.</summary>
    Together,

    /// <summary>
    /// The statistics chain (chain 0, the same sample as a together draw's) alone in a phase of its own, then the other
    /// k − 1 chains in one request: a job's first barrier waits for one chain per problem instead of k, and the other
    /// draws stream after it. Chains 1..k − 1 come from a request of their own, so they are not in general a together draw's samples.
    /// </summary>
    Split,
}
