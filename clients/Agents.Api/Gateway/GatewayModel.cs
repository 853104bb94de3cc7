using System.Globalization;
using System.Text.RegularExpressions;
using Agents.Core.Strategies;

namespace Agents.Api.Gateway;

/// <summary>A gateway model name, <c>STRATEGY[@K]:BASE</c> (e.g. <c>magicore:sim</c>, <c>sc@8:sim</c>).</summary>
/// <param name="Strategy">The strategy (one of <see cref="StrategyNames.Runnable"/>).</param>
/// <param name="K">The sample count asked for, or null for the strategy's default.</param>
/// <param name="Base">The served base model's name.</param>
public sealed partial record GatewayModel(string Strategy, int? K, string Base)
{
    /// <summary>The strategies whose sample count is part of the listed name (<c>sc@8</c>); the others list plainly.</summary>
    public static readonly ImmutableArray<string> ListedWithK =
        [StrategyNames.SelfConsistency, StrategyNames.BestOfK, StrategyNames.RewardVote];

    /// <summary>The name as clients write it.</summary>
    public override string ToString() =>
        K is { } k ? string.Create(CultureInfo.InvariantCulture, $"{Strategy}@{k}:{Base}") : $"{Strategy}:{Base}";

    /// <summary>Parses a name; on failure returns null and a message that says what is wrong and what is accepted.</summary>
    public static GatewayModel? TryParse(string? name, int maxK, out string? error)
    {
        error = null;
        var match = name is null ? Match.Empty : Pattern().Match(name);
        if (!match.Success)
        {
            error = $"model '{Shorten(name)}' is not STRATEGY[@K]:BASE (e.g. magicore:sim, sc@8:sim); strategies: {string.Join(", ", StrategyNames.Runnable)}";
            return null;
        }

        var strategy = match.Groups["strategy"].Value;
        if (StrategyNames.Validate(strategy) is { } unknown)
        {
            error = $"model '{Shorten(name)}': {unknown}";
            return null;
        }

        int? k = null;
        if (match.Groups["k"].Success)
        {
            if (!int.TryParse(match.Groups["k"].Value, NumberStyles.None, CultureInfo.InvariantCulture, out var parsed) || parsed < 1 || parsed > maxK)
            {
                error = $"model '{Shorten(name)}': K must be between 1 and {maxK}";
                return null;
            }

            if (strategy == StrategyNames.Cot && parsed != 1)
            {
                error = $"model '{Shorten(name)}': cot draws one greedy chain; use sc@{parsed} for {parsed} samples";
                return null;
            }

            k = parsed;
        }

        return new GatewayModel(strategy, k, match.Groups["base"].Value);
    }

    // Model names are echoed in errors; a long or odd one is cut so an error never carries a large payload back.
    private static string Shorten(string? name) => name is null ? "" : name.Length <= 80 ? name : name[..80] + "…";

    [GeneratedRegex(@"^(?<strategy>[a-z][a-z-]*)(@(?<k>[0-9]{1,6}))?:(?<base>[A-Za-z0-9][A-Za-z0-9._/-]{0,127})$", RegexOptions.CultureInvariant)]
    private static partial Regex Pattern();
}
