using Agents.Core.Strategies;
using static Agents.Core.Strategies.OptionText;

namespace Agents.Core.SelfPlay;

/// <summary>
/// <see cref="SpcOptions"/> as "key=value" text: what <c>agents selfplay start --option</c> accepts and what a league stores
/// and shows. The canonical form lists every key once, sorted, with the effective value (docs/spc.md lists the keys).
/// </summary>
public static class SpcOptionsText
{
    /// <summary>The codec: every key, its default and its description.</summary>
    public static OptionCodec<SpcOptions> Codec { get; } = new("SPC", SpcOptions.Default,
    [
        new("balance", "none | downsample: how a round's records are balanced per player", o => Name(o.Balance), (o, v) => o with { Balance = Enum<BalanceMode>(v) }),
        new("completion_temperature", "temperature of the validation completions", o => Text(o.CompletionTemperature), (o, v) => o with { CompletionTemperature = Double(v) }),
        new("critic_retries_on_invalid", "extra critic calls when its output has no valid verdict", o => Text(o.CriticRetriesOnInvalid), (o, v) => o with { CriticRetriesOnInvalid = Int(v) }),
        new("critic_temperature", "temperature of the critic", o => Text(o.CriticTemperature), (o, v) => o with { CriticTemperature = Double(v) }),
        new("error_types", "the sneaky generator's error types, joined by '|'", o => string.Join('|', o.ErrorTypes), (o, v) => o with { ErrorTypes = ErrorTypes(v) }),
        new("exclude_final_step", "never attack the final step", o => Text(o.ExcludeFinalStep), (o, v) => o with { ExcludeFinalStep = Bool(v) }),
        new("failed_attack", "generator_loses | discard: what an attack that failed validation yields", o => Name(o.FailedAttack), (o, v) => o with { FailedAttack = Enum<FailedAttackRule>(v) }),
        new("games_per_problem", "games played on one problem", o => Text(o.GamesPerProblem), (o, v) => o with { GamesPerProblem = Int(v) }),
        new("generator_temperature", "temperature of the sneaky generator", o => Text(o.GeneratorTemperature), (o, v) => o with { GeneratorTemperature = Double(v) }),
        new("max_consecutive_failed_games", "failed games in a row that pause the league", o => Text(o.MaxConsecutiveFailedGames), (o, v) => o with { MaxConsecutiveFailedGames = Int(v) }),
        new("max_game_attempts", "attempts of a game that throws before it is recorded as failed", o => Text(o.MaxGameAttempts), (o, v) => o with { MaxGameAttempts = Int(v) }),
        new("min_original_success_rate", "validation: the success rate the original step's completions must reach", o => Text(o.MinOriginalSuccessRate), (o, v) => o with { MinOriginalSuccessRate = Double(v) }),
        new("min_success_rate_drop", "validation: how much lower the modified step's success rate must be", o => Text(o.MinSuccessRateDrop), (o, v) => o with { MinSuccessRateDrop = Double(v) }),
        new("paired_samples", "judge the original step too and give the critic a record for it", o => Text(o.PairedSamples), (o, v) => o with { PairedSamples = Bool(v) }),
        new("solution_source", "solver | reference: where a game's correct solution comes from", o => Name(o.SolutionSource), (o, v) => o with { SolutionSource = Enum<SolutionSource>(v) }),
        new("solve_attempts", "solver solutions sampled at most before a game ends as no-correct-solution", o => Text(o.SolveAttempts), (o, v) => o with { SolveAttempts = Int(v) }),
        new("solver_temperature", "temperature of the solver", o => Text(o.SolverTemperature), (o, v) => o with { SolverTemperature = Double(v) }),
        new("target_positive_share", "share of +1 records per player after balancing", o => Text(o.TargetPositiveShare), (o, v) => o with { TargetPositiveShare = Double(v) }),
        new("validation_completions", "solver completions per branch that validate an attack", o => Text(o.ValidationCompletions), (o, v) => o with { ValidationCompletions = Int(v) }),
    ]);

    /// <summary>The accepted keys, sorted.</summary>
    public static IReadOnlyList<string> KeyNames { get; } = Codec.Names;

    /// <summary>
    /// Applies "key=value" entries to <paramref name="baseOptions"/> (default <see cref="SpcOptions.Default"/>), later entries
    /// winning; throws <see cref="ArgumentException"/> for an unknown key, an unreadable value or a value out of range.
    /// Enum values are written in snake case (<c>solution_source=reference</c>); booleans as true/false; error types joined by '|'.
    /// </summary>
    public static SpcOptions Parse(IEnumerable<string>? entries, SpcOptions? baseOptions = null) => Codec.Parse(entries, baseOptions);

    /// <summary>Every key with its value in <paramref name="options"/>, sorted by key: the canonical text a league stores.</summary>
    public static ImmutableArray<string> Format(SpcOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        return Codec.Format(options);
    }

    /// <summary>The canonical text of the options <paramref name="entries"/> give (defaults for keys not named).</summary>
    public static ImmutableArray<string> Canonical(IEnumerable<string>? entries) => Format(Parse(entries));

    private static string[] ErrorTypes(string value)
    {
        var types = value.Split('|', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        return types.Length > 0 ? types : throw new FormatException("at least one error type is needed (joined by '|')");
    }
}
