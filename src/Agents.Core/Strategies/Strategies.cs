using Agents.Contracts.Runs;
using Agents.Core.Answers;
using Agents.Core.Voting;

namespace Agents.Core.Strategies;

/// <summary>The strategy names of the command-line contract and which of them this build can run.</summary>
public static class StrategyNames
{
    /// <summary>Chain-of-thought, greedy, one call (docs/algorithms.md §4.1).</summary>
    public const string Cot = "cot";

    /// <summary>Self-consistency: k samples, majority vote (docs/algorithms.md §4.2).</summary>
    public const string SelfConsistency = "sc";

    /// <summary>Best-of-k by outcome reward (docs/algorithms.md §4.3).</summary>
    public const string BestOfK = "bok";

    /// <summary>Reward-model-weighted vote, no refinement (docs/algorithms.md §4.4).</summary>
    public const string RewardVote = "rmv";

    /// <summary>Self-Refine: feedback and rewrite rounds (docs/algorithms.md §4.5).</summary>
    public const string SelfRefine = "self-refine";

    /// <summary>MAgICoRe (docs/algorithms.md §1).</summary>
    public const string Magicore = "magicore";

    /// <summary>IoRT: meta-thought, reflection, the consistency gate and the Instructor (docs/algorithms.md §2).</summary>
    public const string Iort = "iort";

    /// <summary>SPC critic-guided search: step-by-step solving with a step critic, resampling rejected steps (docs/algorithms.md §3.7).</summary>
    public const string SpcSearch = "spc-search";

    /// <summary>Every strategy name of the command-line contract; all of them run.</summary>
    public static readonly ImmutableArray<string> Runnable = [Cot, SelfConsistency, BestOfK, RewardVote, SelfRefine, Magicore, Iort, SpcSearch];

    /// <summary>Returns null when the name can run, else an error message naming the problem.</summary>
    public static string? Validate(string name) =>
        Runnable.Contains(name) ? null : $"unknown strategy '{name}'; known: {string.Join(", ", Runnable)}";
}

/// <summary>Builds a <see cref="StrategySpec"/> with the methods' published defaults for anything not given.</summary>
public static class StrategyDefaults
{
    /// <summary>Self-consistency sample count when --k is absent (IoRT's CoT-SC(8)).</summary>
    public const int SelfConsistencyK = 8;

    /// <summary>Sampling temperature of sampled strategies (MAgICoRe's solver: T = 0.8, top_p = 0.95).</summary>
    public const double SampleTemperature = 0.8;

    /// <summary>Nucleus mass of sampled strategies.</summary>
    public const double SampleTopP = 0.95;

    /// <summary>Completion token cap per sample (MAgICoRe: 1000).</summary>
    public const int MaxTokens = 1000;

    /// <summary>MAgICoRe's k and T (docs/algorithms.md §1.7).</summary>
    public const int MagicoreK = 40;

    /// <summary>MAgICoRe's maximum refinement iterations.</summary>
    public const int MagicoreRounds = 3;

    /// <summary>Self-Refine's maximum rounds (max_attempts).</summary>
    public const int SelfRefineRounds = 4;

    /// <summary>IoRT's N, the cap on reflection iterations (docs/algorithms.md §2.5).</summary>
    public const int IortRounds = 4;

    /// <summary>IoRT's temperature for every role (docs/algorithms.md §2.5).</summary>
    public const double IortTemperature = 0.3;

    /// <summary>
    /// Fills the defaults of a strategy: cot is greedy with k = 1; sc, bok and rmv sample k = 8 at T = 0.8; self-refine
    /// runs one chain for up to 4 rounds; magicore samples k = 40 and refines for up to T = 3 iterations; iort runs one
    /// chain for up to N = 4 iterations at T = 0.3 (top_p 1); spc-search runs k = 1 verified chain with steps sampled at
    /// T = 0.7 (<see cref="Spc.SpcSearchOptions"/>).
    /// </summary>
    public static StrategySpec Create(
        string name, int? k = null, int? rounds = null, double? temperature = null, long seed = 0, string model = "",
        VoteKey voteKey = VoteKey.Raw, bool dropEmpty = true, EquivalenceMode equivalence = EquivalenceModes.Default,
        string reward = "", ImmutableDictionary<string, string>? options = null)
    {
        var greedy = name == StrategyNames.Cot;
        var defaultK = name switch
        {
            StrategyNames.Magicore => MagicoreK,
            StrategyNames.SelfRefine or StrategyNames.Iort => 1,
            StrategyNames.SpcSearch => SelfPlay.SpcSearchOptions.Default.Samples,
            _ => SelfConsistencyK,
        };
        var defaultRounds = name switch
        {
            StrategyNames.Magicore => MagicoreRounds,
            StrategyNames.SelfRefine => SelfRefineRounds,
            StrategyNames.Iort => IortRounds,
            _ => 0,
        };
        return new StrategySpec(
            name,
            greedy ? 1 : k ?? defaultK,
            rounds ?? defaultRounds,
            greedy ? 0 : temperature ?? name switch
            {
                StrategyNames.Iort => IortTemperature,
                StrategyNames.SpcSearch => SelfPlay.SpcSearchOptions.Default.Temperature,
                _ => SampleTemperature,
            },
            greedy || name == StrategyNames.Iort ? 1 : SampleTopP,
            MaxTokens,
            seed,
            model,
            VoteKeys.Name(voteKey),
            dropEmpty,
            EquivalenceModes.Name(equivalence),
            reward,
            options ?? ImmutableDictionary<string, string>.Empty);
    }
}

/// <summary>What a run decided: the final answer and a one-line account for the transcript.</summary>
/// <param name="Answer">The final answer, or null.</param>
/// <param name="Explanation">How it was chosen.</param>
public sealed record Decision(string? Answer, string Explanation);

/// <summary>The non-LLM decision rules of the sampling strategies, shared by the run grain and tests.</summary>
public static class StrategyDecisions
{
    /// <summary>Chooses the final answer from the samples of a cot or sc run.</summary>
    public static Decision Decide(StrategySpec spec, IReadOnlyList<Solution> samples)
    {
        if (samples.Count == 0)
        {
            return new Decision(null, "no samples");
        }

        if (spec.Name == StrategyNames.Cot)
        {
            return new Decision(samples[0].Answer, "greedy chain-of-thought: the only sample's answer");
        }

        var vote = MajorityVote.Select([.. samples.Select(s => s.Answer)], VoteKeys.Parse(spec.VoteKey), spec.DropEmpty);
        return new Decision(
            vote.Answer,
            $"majority vote ({spec.VoteKey} keys, empty answers {(spec.DropEmpty ? "dropped" : "kept")}): " +
            $"'{vote.Answer}' with {vote.Votes}/{samples.Count} votes over {vote.Distinct} distinct answers");
    }

    /// <summary>Grades an answer against the gold; null when there is no gold.</summary>
    public static bool? Grade(string? answer, string? gold, string equivalence) =>
        gold is null ? null : Grading.AnswerGrader.GradeAnswer(answer, gold, EquivalenceModes.Parse(equivalence)).Correct;
}
