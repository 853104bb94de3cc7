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

    /// <summary>Names, defaults, parsing and validation of the options.</summary>
    public static OptionCodec<MagicoreRunOptions> Codec { get; } = new("magicore", new(),
    [
        new("mode", "paper | code: MAgICoRe's switch preset", o => Name(o.Mode), (o, v) => o with { Mode = Enum<MagicoreMode>(v) }, Always: true),
        new("mu", "normalisation mean for a run without a dataset barrier (with sigma)", o => o.Mu is { } m ? Text(m) : null, (o, v) => o with { Mu = Double(v) }),
        new("sigma", "normalisation standard deviation (with mu)", o => o.Sigma is { } s ? Text(s) : null, (o, v) => o with { Sigma = Double(v) }),
        new("stats_source", "where fixed mu and sigma came from, recorded in each row", o => o.StatsSource, (o, v) => o with { StatsSource = v }),
    ],
    o => o.Mu.HasValue != o.Sigma.HasValue ? "mu and sigma go together (MAgICoRe's normalisation for a run without a dataset)" : null);
}
