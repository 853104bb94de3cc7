using System.ComponentModel.DataAnnotations;
using System.Globalization;
using Agents.Core.Answers;
using Agents.Core.Voting;

namespace Agents.Core.Magicore;

/// <summary>Which reading of MAgICoRe a run follows where the released code and the paper differ (docs/algorithms.md §1.10).</summary>
public enum MagicoreMode
{
    /// <summary>The paper's intent (the default).</summary>
    Paper,

    /// <summary>Faithful to the released code, quirks included.</summary>
    Code,
}

/// <summary>MAgICoRe parameters (docs/algorithms.md §1.7) and the code-vs-paper switches (§1.10); <see cref="Paper"/> is the default.</summary>
public sealed record MagicoreOptions
{
    /// <summary>Configuration section the options bind from.</summary>
    public const string SectionName = "Magicore";

    /// <summary>The paper-intent preset with the default parameters.</summary>
    public static MagicoreOptions Paper { get; } = new();

    /// <summary>The code-faithful preset: statistics fixed at iteration 0, the next iteration works on the refined chains,
    /// easy problems revert to the iteration-0 pool, an empty majority matches the answerless chains, the multiple-choice
    /// line in the refiner prompt, the Step 2..9 segmentation, the duplicated PRM scoring pass, the released solver prompt
    /// with its "Step 1:" prefill, and <c>min_tokens</c> 50 on reviewer and refiner calls.</summary>
    public static MagicoreOptions Code { get; } = new()
    {
        Mode = MagicoreMode.Code,
        RecomputeStatsEachIteration = false,
        CarryLatestPool = false,
        RefinerMultipleChoiceLine = true,
        RobustStepSegmentation = false,
        DuplicatePrmScoring = true,
        NextPoolRefined = true,
        EmptyMajorityMatchesEmpty = true,
        ReleasedSolverPrompt = true,
        MinTokens = 50,
    };

    /// <summary>The name of the preset the switches started from (recorded; the switches themselves decide behaviour).</summary>
    public MagicoreMode Mode { get; init; } = MagicoreMode.Paper;

    /// <summary>Initial samples per problem, and the pool size after every iteration.</summary>
    [Range(1, 10_000)]
    public int K { get; init; } = 40;

    /// <summary>Maximum refinement iterations T.</summary>
    [Range(0, 100)]
    public int Iterations { get; init; } = 3;

    /// <summary>Sampling temperature of solver, reviewer and refiner calls.</summary>
    [Range(0.0, 2.0)]
    public double Temperature { get; init; } = 0.8;

    /// <summary>Nucleus sampling mass of solver, reviewer and refiner calls.</summary>
    [Range(0.0, 1.0)]
    public double TopP { get; init; } = 0.95;

    /// <summary>Maximum generated tokens per call.</summary>
    [Range(1, 100_000)]
    public int MaxTokens { get; init; } = 1000;

    /// <summary>
    /// Minimum generated tokens of reviewer and refiner calls (vLLM <c>min_tokens</c>, sent by the OpenAI-compatible
    /// backend; in-process backends ignore it): 50 in code mode as the released code asks, 0 (not sent) in paper mode.
    /// </summary>
    [Range(0, 100_000)]
    public int MinTokens { get; init; }

    /// <summary>
    /// The solver prompt is the released code's (the question, then " Place your answer in \boxed{}.", with the assistant
    /// turn prefilled "Step 1:") instead of ours (docs/algorithms.md §1.5).
    /// </summary>
    public bool ReleasedSolverPrompt { get; init; }

    /// <summary>Vote key of the weighted vote and the plain majority (raw in the code).</summary>
    public VoteKey VoteKey { get; init; } = VoteKey.Raw;

    /// <summary>Equivalence used by the condition-1 membership test <c>a ≡ M</c> (<c>is_math_correct</c> ≈ Numeric).</summary>
    public EquivalenceMode Equivalence { get; init; } = EquivalenceModes.Default;

    /// <summary>
    /// Recompute M and μ, σ before every iteration t ≥ 2 (paper) instead of keeping iteration 0's (code). M comes from the
    /// problem's current pool; μ, σ from one chain per problem, drawn uniformly from its current pool by
    /// <see cref="MagicorePools.StatisticsChain"/>, the same way for refined and unrefined problems.
    /// </summary>
    public bool RecomputeStatsEachIteration { get; init; } = true;

    /// <summary>A problem judged easy keeps its latest pool (paper) instead of reverting to its iteration-0 pool
    /// for the next classification (code).</summary>
    public bool CarryLatestPool { get; init; } = true;

    /// <summary>The refiner prompt says the answer must be one of A/B/C/D for every task (code) or only for
    /// multiple-choice datasets (paper).</summary>
    public bool RefinerMultipleChoiceLine { get; init; }

    /// <summary>docs/algorithms.md §1.6: cut steps at line-initial "Step n:" for any n (robust) instead of the code's Step 2..9 anywhere.</summary>
    public bool RobustStepSegmentation { get; init; } = true;

    /// <summary>
    /// What iteration t + 1 classifies and refines after a hard iteration t: the k refined chains alone (code) or
    /// <c>top_k(old ∪ refined)</c> (paper). Either way the answer reported after iteration t votes over the top k.
    /// </summary>
    public bool NextPoolRefined { get; init; }

    /// <summary>
    /// When the plain majority M is the empty answer, condition 1 averages over the answerless chains, as the code's
    /// equivalence says "no answer ≡ no answer" (code); otherwise no chain matches an empty M, Q is undefined and
    /// condition 1 holds (paper).
    /// </summary>
    public bool EmptyMajorityMatchesEmpty { get; init; }

    /// <summary>docs/algorithms.md §1.9: count the PRM twice on refined chains, once to score and once to annotate, as the code does.</summary>
    public bool DuplicatePrmScoring { get; init; }

    /// <summary>The options of a preset.</summary>
    public static MagicoreOptions For(MagicoreMode mode) => mode == MagicoreMode.Code ? Code : Paper;

    /// <summary>Every switch and parameter by name, for run summaries.</summary>
    public IReadOnlyDictionary<string, string> Switches() => new SortedDictionary<string, string>(StringComparer.Ordinal)
    {
        ["mode"] = Mode == MagicoreMode.Code ? "code" : "paper",
        ["k"] = K.ToString(CultureInfo.InvariantCulture),
        ["iterations"] = Iterations.ToString(CultureInfo.InvariantCulture),
        ["temperature"] = Temperature.ToString(CultureInfo.InvariantCulture),
        ["top_p"] = TopP.ToString(CultureInfo.InvariantCulture),
        ["max_tokens"] = MaxTokens.ToString(CultureInfo.InvariantCulture),
        ["min_tokens"] = MinTokens.ToString(CultureInfo.InvariantCulture),
        ["vote_key"] = VoteKeys.Name(VoteKey),
        ["equivalence"] = EquivalenceModes.Name(Equivalence),
        ["recompute_stats_each_iteration"] = Flag(RecomputeStatsEachIteration),
        ["pool_after_easy"] = CarryLatestPool ? "carry_latest_pool" : "revert_to_iter0",
        ["next_pool"] = NextPoolRefined ? "refined" : "top_k",
        ["empty_majority"] = EmptyMajorityMatchesEmpty ? "matches_answerless" : "matches_none",
        ["refiner_multiple_choice_line"] = Flag(RefinerMultipleChoiceLine),
        ["step_segmentation"] = RobustStepSegmentation ? "robust" : "code",
        ["duplicate_prm_scoring"] = Flag(DuplicatePrmScoring),
        ["solver_prompt"] = ReleasedSolverPrompt ? "released" : "project",
    };

    private static string Flag(bool value) => value ? "true" : "false";
}
