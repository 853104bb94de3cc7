using System.Globalization;
using Agents.Contracts.Runs;

namespace Agents.Core.Spc;

/// <summary>
/// Reads critic-guided search's budgets from a run's <see cref="StrategySpec"/>: k and the temperature come from the spec,
/// the budgets from its options (keys below; absent keys keep <see cref="SpcSearchOptions"/>' defaults).
/// </summary>
public static class SpcSearchSpec
{
    /// <summary>Option key of <see cref="SpcSearchOptions.MaxResamplesPerStep"/>.</summary>
    public const string MaxResamplesPerStep = "max_resamples_per_step";

    /// <summary>Option key of <see cref="SpcSearchOptions.MaxTotalResamples"/>.</summary>
    public const string MaxTotalResamples = "max_total_resamples";

    /// <summary>Option key of <see cref="SpcSearchOptions.MaxSteps"/>.</summary>
    public const string MaxSteps = "max_steps";

    /// <summary>Option key of <see cref="SpcSearchOptions.OnExhausted"/>: <c>accept-last</c> or <c>give-up</c>.</summary>
    public const string OnExhausted = "on_exhausted";

    /// <summary>Option key of <see cref="SpcSearchOptions.RejectOnInvalidVerdict"/>: <c>true</c> or <c>false</c>.</summary>
    public const string RejectInvalid = "reject_invalid_verdict";

    /// <summary>The search options of a spec; malformed values fail with the key named.</summary>
    public static SpcSearchOptions Options(StrategySpec spec, SpcSearchOptions? defaults = null)
    {
        ArgumentNullException.ThrowIfNull(spec);
        var options = (defaults ?? SpcSearchOptions.Default) with { Samples = Math.Max(1, spec.K), Temperature = spec.Temperature };
        var o = spec.Options;
        return options with
        {
            MaxResamplesPerStep = Int(o, MaxResamplesPerStep, options.MaxResamplesPerStep, 0, 100),
            MaxTotalResamples = Int(o, MaxTotalResamples, options.MaxTotalResamples, 0, 10_000),
            MaxSteps = Int(o, MaxSteps, options.MaxSteps, 1, 1000),
            OnExhausted = o.TryGetValue(OnExhausted, out var exhausted)
                ? exhausted switch
                {
                    "accept-last" => ExhaustedAction.AcceptLast,
                    "give-up" => ExhaustedAction.GiveUp,
                    _ => throw new ArgumentException($"option '{OnExhausted}' must be accept-last or give-up, got '{exhausted}'"),
                }
                : options.OnExhausted,
            RejectOnInvalidVerdict = o.TryGetValue(RejectInvalid, out var reject)
                ? bool.TryParse(reject, out var r) ? r : throw new ArgumentException($"option '{RejectInvalid}' must be true or false, got '{reject}'")
                : options.RejectOnInvalidVerdict,
        };
    }

    /// <summary>The name of an exhausted-budget action as the option writes it.</summary>
    public static string Name(ExhaustedAction action) => action == ExhaustedAction.GiveUp ? "give-up" : "accept-last";

    private static int Int(ImmutableDictionary<string, string> options, string key, int fallback, int min, int max)
    {
        if (!options.TryGetValue(key, out var text))
        {
            return fallback;
        }

        return int.TryParse(text, NumberStyles.Integer, CultureInfo.InvariantCulture, out var value) && value >= min && value <= max
            ? value
            : throw new ArgumentException($"option '{key}' must be an integer in [{min}, {max}], got '{text}'");
    }
}
