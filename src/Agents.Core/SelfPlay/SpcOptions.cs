using System.ComponentModel.DataAnnotations;

namespace Agents.Core.SelfPlay;

/// <summary>What the game does with an attack that failed validation (the generator's "reward from solver", docs/algorithms.md §3.3 [U]).</summary>
public enum FailedAttackRule
{
    /// <summary>The generator gets a −1 record; the critic does not play (default).</summary>
    GeneratorLoses,

    /// <summary>The game yields no record for either player.</summary>
    Discard,
}

/// <summary>How a round's records are balanced per player before publishing (the "balancing game", docs/algorithms.md §3.6 [U]).</summary>
public enum BalanceMode
{
    /// <summary>Keep every record.</summary>
    None,

    /// <summary>Down-sample the majority sign of each player (seeded) so that its share of +1 records is <see cref="SpcOptions.TargetPositiveShare"/> (default).</summary>
    Downsample,
}

/// <summary>Where a game's correct solution comes from (docs/algorithms.md §3.3: "Solver: Solve(problem p) → steps, final answer (correct)").</summary>
public enum SolutionSource
{
    /// <summary>The solver model samples up to SolveAttempts solutions; the first whose answer is equivalent to the gold answer is played (default).</summary>
    Solver,

    /// <summary>The problem's reference solution is played as given (no solver calls).</summary>
    Reference,
}

/// <summary>
/// The SPC game's switches (docs/algorithms.md §3.3–3.6): the values the paper leaves open, named and with documented defaults
/// (docs/spc.md).
/// </summary>
public sealed record SpcOptions
{
    /// <summary>Configuration section the options bind from.</summary>
    public const string SectionName = "Agents:Spc";

    /// <summary>The defaults.</summary>
    public static SpcOptions Default { get; } = new();

    /// <summary>The error types the sneaky generator may choose from ("calculation error" is the paper's known one).</summary>
    public IReadOnlyList<string> ErrorTypes { get; init; } = ["calculation error", "misread number", "wrong operation"];

    /// <summary>N: solver completions per branch (from the original and from the modified step) to validate an attack.</summary>
    [Range(1, 64)]
    public int ValidationCompletions { get; init; } = 4;

    /// <summary>The original step's completions must reach at least this success rate ("r_orig high").</summary>
    [Range(0.0, 1.0)]
    public double MinOriginalSuccessRate { get; init; } = 0.75;

    /// <summary>The modified step's success rate must be at least this much lower than the original's ("clearly lower").</summary>
    [Range(0.0, 1.0)]
    public double MinSuccessRateDrop { get; init; } = 0.5;

    /// <summary>Sampling temperature of the validation completions.</summary>
    [Range(0.0, 2.0)]
    public double CompletionTemperature { get; init; } = 0.7;

    /// <summary>Sampling temperature of the sneaky generator.</summary>
    [Range(0.0, 2.0)]
    public double GeneratorTemperature { get; init; } = 0.7;

    /// <summary>Temperature of the critic (greedy, as the released evaluation).</summary>
    [Range(0.0, 2.0)]
    public double CriticTemperature { get; init; }

    /// <summary>Tokens a critic may decode (its analysis then the verdict tag); the same in games, search and evaluation,
    /// so a long critique is not cut off into an invalid verdict.</summary>
    [Range(1, 100_000)]
    public int CriticMaxTokens { get; init; } = 2048;

    /// <summary>Extra critic calls (with new seeds, at temperature ≥ 0.7) when its output has no valid verdict (the authors re-run invalid items).</summary>
    [Range(0, 10)]
    public int CriticRetriesOnInvalid { get; init; } = 2;

    /// <summary>Judge the original step too and give the critic a record for it ("paired samples").</summary>
    public bool PairedSamples { get; init; } = true;

    /// <summary>The generator's outcome when its attack fails validation.</summary>
    public FailedAttackRule FailedAttack { get; init; } = FailedAttackRule.GeneratorLoses;

    /// <summary>Per-player balancing of +1/−1 records at the round barrier.</summary>
    public BalanceMode Balance { get; init; } = BalanceMode.Downsample;

    /// <summary>The share of +1 records each player keeps after balancing.</summary>
    [Range(0.01, 0.99)]
    public double TargetPositiveShare { get; init; } = 0.5;

    /// <summary>Leave the final step (the one that states the answer) out of the steps a game may attack.</summary>
    public bool ExcludeFinalStep { get; init; }

    /// <summary>Where the attacked solution comes from.</summary>
    public SolutionSource SolutionSource { get; init; } = SolutionSource.Solver;

    /// <summary>With <see cref="SolutionSource.Solver"/>: solutions sampled at most before the game ends as "no-correct-solution".</summary>
    [Range(1, 64)]
    public int SolveAttempts { get; init; } = 4;

    /// <summary>Sampling temperature of the solver's solutions.</summary>
    [Range(0.0, 2.0)]
    public double SolverTemperature { get; init; } = 0.7;

    /// <summary>Attempts of a game that throws (a backend down, say) before the league records it as failed and plays another.</summary>
    [Range(1, 100)]
    public int MaxGameAttempts { get; init; } = 5;

    /// <summary>
    /// Games recorded as failed in a row (each after <see cref="MaxGameAttempts"/>) after which the league pauses itself with
    /// the last error as its reason, instead of launching game after game against a dead backend; 0 = never pause.
    /// </summary>
    [Range(0, 10_000)]
    public int MaxConsecutiveFailedGames { get; init; } = 10;

    /// <summary>
    /// Games played on each problem of a round (same solution and attacked step, independent generator and critic samples),
    /// so that a round holds successful and unsuccessful attacks on one generator prompt (generator preference pairs).
    /// </summary>
    [Range(1, 16)]
    public int GamesPerProblem { get; init; } = 1;
}
