using Agents.Core.Answers;
using Agents.Core.Strategies;
using static Agents.Core.Strategies.OptionText;

namespace Agents.Core.Instructing;

/// <summary>
/// What an <c>iort</c> spec records besides N and T: the instructor model, the meta-memory (name, policy, similarity,
/// seed file) and the §2.3 switches of <see cref="IortOptions"/>. <see cref="Codec"/> is the only place these keys are spelled.
/// </summary>
public sealed record IortRunOptions
{
    /// <summary>The default similarity: cosine of MiniLM sentence embeddings.</summary>
    public const string MiniLm = "minilm";

    /// <summary>Token Jaccard similarity.</summary>
    public const string Lexical = "lexical";

    /// <summary>Model spec of the Meta-Thinker and Instructor; null = the silo's configured instructor model, else the run's model.</summary>
    public string? InstructorModel { get; init; }

    /// <summary>The meta-memory grain's name; null = the job id.</summary>
    public string? Memory { get; init; }

    /// <summary>Whether problems only read the memory or append their meta-thoughts.</summary>
    public MetaMemoryPolicy Policy { get; init; } = MetaMemoryPolicy.Snapshot;

    /// <summary>
    /// Problems per wave of a shared-growing memory: a problem of wave w (input positions w·size … (w+1)·size − 1) waits until
    /// every earlier wave has added its pairs, and sees them in input order, so results do not depend on completion order.
    /// </summary>
    public int Wave { get; init; } = DefaultWave;

    /// <summary>The default <see cref="Wave"/>.</summary>
    public const int DefaultWave = 8;

    /// <summary>Meta-thought retrieval: <see cref="MiniLm"/> or <see cref="Lexical"/>.</summary>
    public string Similarity { get; init; } = MiniLm;

    /// <summary>The seed file of the memory as <c>name#hash</c>, recorded so a rerun with another seed is another job.</summary>
    public string? Seed { get; init; }

    /// <summary>The §2.3 switches (max iterations and temperature come from the spec's rounds and temperature).</summary>
    public IortOptions Switches { get; init; } = IortOptions.Default;

    /// <summary>Names, defaults, parsing and validation of the options.</summary>
    public static OptionCodec<IortRunOptions> Codec { get; } = new("iort", new(),
    [
        new("instructor_model", "model spec of the Meta-Thinker and Instructor (default: the silo's configured instructor model, else the run's model)", o => o.InstructorModel, (o, v) => o with { InstructorModel = v.Length == 0 ? null : v }),
        new("meta_memory", "the meta-memory's name (default: the job id)", o => o.Memory, (o, v) => o with { Memory = v.Length == 0 ? null : v }),
        new("meta_memory_policy", "snapshot (problems only read the memory) | shared-growing (each meta-thought is appended)", o => MetaMemoryPolicies.Name(o.Policy), (o, v) => o with { Policy = PolicyOf(v) }, Always: true),
        new("meta_memory_wave", "problems per wave of a shared-growing memory (pairs are added in input order at a barrier after each wave)", o => o.Wave == DefaultWave ? null : Text(o.Wave), (o, v) => o with { Wave = Int(v) }),
        new("meta_memory_similarity", "minilm (MiniLM sentence embeddings) | lexical (token Jaccard)", o => o.Similarity, (o, v) => o with { Similarity = OneOf(v, MiniLm, Lexical) }, Always: true),
        new("meta_memory_seed", "the memory's seed file as name#hash", o => o.Seed, (o, v) => o with { Seed = v }),
        new("meta_examples", "(question, meta-thought) examples retrieved for the Meta-Thinker", o => Text(o.Switches.MetaExamples), (o, v) => o with { Switches = o.Switches with { MetaExamples = Int(v) } }),
        new("consistency_gate", "on | off: equal answers go to stop/refresh", o => OnOff(o.Switches.ConsistencyGate), (o, v) => o with { Switches = o.Switches with { ConsistencyGate = Flag(v) } }),
        new("refresh_then_reflect", "on | off: a refreshed response is critiqued and revised before it is compared", o => OnOff(o.Switches.RefreshThenReflect), (o, v) => o with { Switches = o.Switches with { RefreshThenReflect = Flag(v) } }),
        new("missing_answers_equal", "on | off: two missing answers count as equal", o => OnOff(o.Switches.MissingAnswersEqual), (o, v) => o with { Switches = o.Switches with { MissingAnswersEqual = Flag(v) } }),
        new("use_meta_thought", "on | off: a meta-thought is written and shown to the Instructor", o => OnOff(o.Switches.UseMetaThought), (o, v) => o with { Switches = o.Switches with { UseMetaThought = Flag(v) } }),
        new("refresh_on_last_iteration", "on | off: a refresh decided at the last iteration still calls the generator", o => OnOff(o.Switches.RefreshOnLastIteration), (o, v) => o with { Switches = o.Switches with { RefreshOnLastIteration = Flag(v) } }),
        new("invalid_agreement_fallback", "stop | refresh: what an unparsable stop-or-refresh output counts as", o => o.Switches.InvalidAgreementFallback == IortInstruction.Refresh ? "refresh" : "stop", (o, v) => o with { Switches = o.Switches with { InvalidAgreementFallback = OneOf(v, "stop", "refresh") == "refresh" ? IortInstruction.Refresh : IortInstruction.Stop } }),
        new("gate_equivalence", "numeric | hendrycks | prm800k: how the consistency gate compares answers", o => EquivalenceModes.Name(o.Switches.GateEquivalence), (o, v) => o with { Switches = o.Switches with { GateEquivalence = EquivalenceOf(v) } }),
    ],
    o => o.Wave is < 1 or > 10_000 ? "meta_memory_wave must be between 1 and 10000" : OutOfRange("iort", o.Switches));

    /// <summary>The IoRT parameters of a run: the switches with N = <paramref name="rounds"/> (when positive) and T = <paramref name="temperature"/>.</summary>
    public IortOptions For(int rounds, double temperature) =>
        Switches with { MaxIterations = rounds > 0 ? rounds : IortOptions.Default.MaxIterations, Temperature = temperature };

    private static MetaMemoryPolicy PolicyOf(string value)
    {
        try
        {
            return MetaMemoryPolicies.Parse(value);
        }
        catch (ArgumentException ex)
        {
            throw new FormatException(ex.Message, ex);
        }
    }

    private static EquivalenceMode EquivalenceOf(string value)
    {
        try
        {
            return EquivalenceModes.Parse(value);
        }
        catch (ArgumentException ex)
        {
            throw new FormatException(ex.Message, ex);
        }
    }
}
