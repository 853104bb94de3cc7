using Agents.Contracts.Runs;
using Agents.Core.Strategies;

namespace Agents.Core.SelfPlay;

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

    /// <summary>Names, defaults, parsing and ranges of the search budgets (k and T come from the spec, not from here).</summary>
    public static OptionCodec<SpcSearchOptions> Codec { get; } = new("spc-search", SpcSearchOptions.Default,
    [
        new(MaxResamplesPerStep, "resamples of one step the critic rejects", o => OptionText.Text(o.MaxResamplesPerStep), (o, v) => o with { MaxResamplesPerStep = IntIn(v, 0, 100) }),
        new(MaxTotalResamples, "resamples of a whole chain", o => OptionText.Text(o.MaxTotalResamples), (o, v) => o with { MaxTotalResamples = IntIn(v, 0, 10_000) }),
        new(MaxSteps, "steps of a chain", o => OptionText.Text(o.MaxSteps), (o, v) => o with { MaxSteps = IntIn(v, 1, 1000) }),
        new(OnExhausted, "accept-last | give-up: what a step does once its resamples are spent", o => Name(o.OnExhausted),
            (o, v) => o with { OnExhausted = OptionText.OneOf(v, "accept-last", "give-up") == "give-up" ? ExhaustedAction.GiveUp : ExhaustedAction.AcceptLast }),
        new(RejectInvalid, "true | false: a verdict that cannot be read rejects the step", o => OptionText.Text(o.RejectOnInvalidVerdict), (o, v) => o with { RejectOnInvalidVerdict = OptionText.Bool(v) }),
    ]);

    /// <summary>The search options of a spec; malformed values fail with the key named.</summary>
    public static SpcSearchOptions Options(StrategySpec spec, SpcSearchOptions? defaults = null)
    {
        ArgumentNullException.ThrowIfNull(spec);
        var start = (defaults ?? SpcSearchOptions.Default) with { Samples = Math.Max(1, spec.K), Temperature = spec.Temperature };
        return Codec.Read(spec.Options, start);
    }

    /// <summary>The name of an exhausted-budget action as the option writes it.</summary>
    public static string Name(ExhaustedAction action) => action == ExhaustedAction.GiveUp ? "give-up" : "accept-last";

    private static int IntIn(string text, int min, int max) =>
        OptionText.Int(text) is var value && value >= min && value <= max ? value : throw new FormatException($"'{text}' is not an integer in [{min}, {max}]");
}
