using System.ComponentModel.DataAnnotations;
using System.Globalization;
using Agents.Core.Answers;

namespace Agents.Core.Instructing;

/// <summary>
/// Parameters of IoRT (docs/algorithms.md §2.5) and the switches for the §2.3 ambiguities; <see cref="Describe"/> records them by
/// name for run summaries. Defaults follow the paper's stated intent.
/// </summary>
public sealed record IortOptions
{
    /// <summary>Configuration section the options bind from.</summary>
    public const string SectionName = "Agents:Iort";

    /// <summary>The paper's defaults.</summary>
    public static IortOptions Default { get; } = new();

    /// <summary>N, the cap on reflection iterations (paper: 4).</summary>
    [Range(1, 100)]
    public int MaxIterations { get; init; } = 4;

    /// <summary>Sampling temperature of every role (paper: 0.3); carried on each <see cref="IortCall"/>.</summary>
    [Range(0.0, 2.0)]
    public double Temperature { get; init; } = 0.3;

    /// <summary>k, the number of (question, meta-thought) examples retrieved for the Meta-Thinker (paper: the meta few-shot count, 8 for GSM8K).</summary>
    [Range(0, 64)]
    public int MetaExamples { get; init; } = 8;

    /// <summary>The non-LLM consistency gate: on, equal answers go to stop/refresh; off ("w/o consistency"), the Instructor always selects and the loop runs N iterations.</summary>
    public bool ConsistencyGate { get; init; } = true;

    /// <summary>Whether a refreshed response is itself critiqued and revised before it is compared (paper unclear; default: compared directly).</summary>
    public bool RefreshThenReflect { get; init; }

    /// <summary>Whether two missing answers count as equal (a plain <c>None == None</c>, the recommended reading) rather than as different.</summary>
    public bool MissingAnswersEqual { get; init; } = true;

    /// <summary>Whether a meta-thought is written and shown to the Instructor (off = the paper's "w/o meta-thought" ablation: one call fewer).</summary>
    public bool UseMetaThought { get; init; } = true;

    /// <summary>
    /// Whether a refresh decided at the last iteration still calls the generator, as the literal pseudocode does; the
    /// response could never be compared, so the default skips that call (outputs are identical either way).
    /// </summary>
    public bool RefreshOnLastIteration { get; init; }

    /// <summary>What an unparsable stop-or-refresh output counts as (a select that cannot be parsed always keeps the basic response).</summary>
    public IortInstruction InvalidAgreementFallback { get; init; } = IortInstruction.Stop;

    /// <summary>The rule the consistency gate compares extracted answers with.</summary>
    public EquivalenceMode GateEquivalence { get; init; } = EquivalenceModes.Default;

    /// <summary>The parameters and switches by name, for run records and summaries.</summary>
    public IReadOnlyDictionary<string, string> Describe() => new SortedDictionary<string, string>(StringComparer.Ordinal)
    {
        ["max_iterations"] = MaxIterations.ToString(CultureInfo.InvariantCulture),
        ["temperature"] = Temperature.ToString("R", CultureInfo.InvariantCulture),
        ["meta_examples"] = MetaExamples.ToString(CultureInfo.InvariantCulture),
        ["consistency_gate"] = Flag(ConsistencyGate),
        ["refresh_then_reflect"] = Flag(RefreshThenReflect),
        ["missing_answers_equal"] = Flag(MissingAnswersEqual),
        ["use_meta_thought"] = Flag(UseMetaThought),
        ["refresh_on_last_iteration"] = Flag(RefreshOnLastIteration),
        ["invalid_agreement_fallback"] = InvalidAgreementFallback == IortInstruction.Refresh ? "refresh" : "stop",
        ["gate_equivalence"] = EquivalenceModes.Name(GateEquivalence),
    };

    private static string Flag(bool value) => value ? "on" : "off";
}
