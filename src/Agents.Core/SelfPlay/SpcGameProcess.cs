using System.Globalization;
using Agents.Core.Answers;
using Agents.Core.Prompts;
using Agents.Core.Solving;
using Microsoft.Extensions.AI;

namespace Agents.Core.SelfPlay;

/// <summary>The model calls of one SPC game.</summary>
public enum SpcRole
{
    /// <summary>The sneaky generator's attack.</summary>
    Generator,

    /// <summary>A validation completion from the original step.</summary>
    CompletionOriginal,

    /// <summary>A validation completion from the modified step.</summary>
    CompletionSneaky,

    /// <summary>The critic on the modified step.</summary>
    Critic,

    /// <summary>The critic on the paired original step.</summary>
    CriticPaired,

    /// <summary>A solver solution of the problem (<see cref="SolutionSource.Solver"/>), before the attack.</summary>
    Solve,
}

/// <summary>One model request of a game, with its reproducible seed (docs/algorithms.md §0).</summary>
/// <param name="Role">Which call.</param>
/// <param name="Index">0-based ordinal among this role's calls (completion n, critic retry n).</param>
/// <param name="Messages">The prompt.</param>
/// <param name="Temperature">Sampling temperature.</param>
/// <param name="Seed">The request seed, derived from the game's key, seed, role and index.</param>
public sealed record SpcCall(SpcRole Role, int Index, IList<ChatMessage> Messages, double Temperature, long Seed);

/// <summary>A model's answer to an <see cref="SpcCall"/> with its token counts (0 when unknown).</summary>
/// <param name="Text">The output text.</param>
/// <param name="PromptTokens">Prompt tokens.</param>
/// <param name="CompletionTokens">Completion tokens.</param>
public sealed record SpcReply(string Text, long PromptTokens = 0, long CompletionTokens = 0);

/// <summary>What a game is played on: identity, models, and a solution already checked against the gold answer.</summary>
/// <param name="League">League name.</param>
/// <param name="Round">Round number.</param>
/// <param name="Game">Game index in the round.</param>
/// <param name="ProblemId">The problem id.</param>
/// <param name="Question">The problem text.</param>
/// <param name="Gold">The gold answer.</param>
/// <param name="Steps">The correct solution's steps (without "Step n:" labels).</param>
/// <param name="GeneratorModel">Model id of the generator.</param>
/// <param name="CriticModel">Model id of the critic.</param>
/// <param name="SolverModel">Model id of the solver.</param>
/// <param name="Seed">The game seed.</param>
public sealed record GameSetup(
    string League,
    int Round,
    int Game,
    string ProblemId,
    string Question,
    string Gold,
    ImmutableArray<string> Steps,
    string GeneratorModel,
    string CriticModel,
    string SolverModel,
    long Seed);

/// <summary>
/// The reference SPC game (docs/algorithms.md §3.3), synchronous and pure apart from the model delegates and the clock: choose a
/// step, attack it, validate by N continuations per branch, judge (with retries on invalid output, and the paired
/// original step), reward, record. Grains run the same phases asynchronously with checkpoints, using the same rules.
/// </summary>
public static class SpcGameProcess
{
    /// <summary>Plays one game; <paramref name="model"/> answers every call (route by <see cref="SpcCall.Role"/>), prompts rendered with <paramref name="templates"/>.</summary>
    public static GameRecord Play(PromptTemplates templates, GameSetup setup, Func<SpcCall, SpcReply> model, SpcOptions? options = null, TimeProvider? clock = null, EquivalenceMode mode = EquivalenceModes.Default)
    {
        ArgumentNullException.ThrowIfNull(model);

        // The delegate is synchronous, so every awaited task is already complete and this never blocks.
        return PlayAsync(templates, setup, (call, _) => Task.FromResult(model(call)), options, clock, mode, CancellationToken.None).GetAwaiter().GetResult();
    }

    /// <summary>
    /// Plays one game with an asynchronous <paramref name="model"/> (grains route each call to an agent grain and memoize
    /// it); the one implementation behind <see cref="Play"/>. Calls are made in a fixed order, one at a time.
    /// </summary>
    public static async Task<GameRecord> PlayAsync(PromptTemplates templates, GameSetup setup, Func<SpcCall, CancellationToken, Task<SpcReply>> model,
        SpcOptions? options = null, TimeProvider? clock = null, EquivalenceMode mode = EquivalenceModes.Default, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(templates);
        ArgumentNullException.ThrowIfNull(setup);
        ArgumentNullException.ThrowIfNull(model);
        options ??= SpcOptions.Default;
        clock ??= TimeProvider.System;
        var started = clock.GetUtcNow();
        var ledger = new Ledger(setup, model, cancellationToken);
        var turns = ImmutableArray.CreateBuilder<GameTurn>();
        var steps = setup.Steps;
        if (options.SolutionSource == SolutionSource.Solver)
        {
            var solved = await SolveAsync(templates, setup, ledger, turns, options, mode);
            if (solved is null)
            {
                return Record(setup, options, started, clock, -1, null, AttackParseStatus.MissingStep,
                    new AttackValidation(0, 0, false, SpcGame.ReasonNoCorrectSolution), CriticVerdict.Invalid, CriticVerdict.Invalid, 0, turns.ToImmutable(), ledger, Hash());
            }

            steps = solved.Value;
        }

        var k = SpcGame.ChooseStep(steps.Length, null, setup.Seed, options);
        if (k < 0)
        {
            return Record(setup, options, started, clock, -1, null, AttackParseStatus.MissingStep, new AttackValidation(0, 0, false, SpcGame.ReasonUnparsed),
                CriticVerdict.Invalid, CriticVerdict.Invalid, 0, turns.ToImmutable(), ledger, SpcHash.Prompts());
        }

        var prefix = steps[..k];
        var generatorPrompt = SneakyGeneratorPrompt.Build(templates, setup.Question, prefix, steps[k], options.ErrorTypes);
        var generatorText = (await ledger.CallAsync(SpcRole.Generator, 0, generatorPrompt, options.GeneratorTemperature)).Text;
        var attack = SneakyGeneratorPrompt.Parse(generatorText, steps[k], options.ErrorTypes);
        var validation = attack.IsUsable
            ? SpcGame.Validate(
                await CompletionsAsync(templates, setup, ledger, SpcRole.CompletionOriginal, [.. prefix, steps[k]], options, mode),
                await CompletionsAsync(templates, setup, ledger, SpcRole.CompletionSneaky, [.. prefix, attack.ModifiedStep!], options, mode),
                options)
            : new AttackValidation(0, 0, false, SpcGame.ReasonUnparsed);

        var criticUser = CriticPrompt.UserMessage(setup.Question, prefix, attack.ModifiedStep ?? string.Empty);
        var pairedUser = CriticPrompt.UserMessage(setup.Question, prefix, steps[k]);
        var invalidOutputs = 0;
        (CriticVerdict Verdict, string Text)? attacked = null, paired = null;
        if (validation.Valid)
        {
            var judged = await JudgeAsync(templates, ledger, SpcRole.Critic, setup.Question, prefix, attack.ModifiedStep!, options);
            attacked = (judged.Verdict, judged.Text);
            invalidOutputs += judged.Invalid;
            if (options.PairedSamples)
            {
                var pairedJudged = await JudgeAsync(templates, ledger, SpcRole.CriticPaired, setup.Question, prefix, steps[k], options);
                paired = (pairedJudged.Verdict, pairedJudged.Text);
                invalidOutputs += pairedJudged.Invalid;
            }
        }

        var attackVerdict = attacked?.Verdict ?? CriticVerdict.Invalid;
        var pairedVerdict = paired?.Verdict ?? CriticVerdict.Invalid;
        var rewards = SpcGame.Rewards(validation.Valid, attackVerdict, paired?.Verdict, options);
        var system = generatorPrompt.Count > 1 ? generatorPrompt[0].Text : string.Empty;
        turns.Add(new GameTurn(SpcPlayers.Generator, system, generatorPrompt[^1].Text, generatorText, rewards.Generator));
        if (attacked is { } a)
        {
            turns.Add(new GameTurn(SpcPlayers.Critic, Prompts.PromptMarkers.CriticInstruction, criticUser, a.Text, rewards.Critic));
        }

        if (paired is { } p)
        {
            turns.Add(new GameTurn(SpcPlayers.PairedCritic, Prompts.PromptMarkers.CriticInstruction, pairedUser, p.Text, rewards.PairedCritic));
        }

        return Record(setup, options, started, clock, k, attack.ErrorType, attack.Status, validation, attackVerdict, pairedVerdict, invalidOutputs, turns.ToImmutable(), ledger, Hash());
    }

    /// <summary>
    /// The record of a game that threw on each of its attempts: invalid with <see cref="SpcGame.ReasonGameFailed"/>, no turns,
    /// and <paramref name="error"/> kept; the league writes it so the round counts the game as failed and plays another.
    /// </summary>
    public static GameRecord Failed(GameSetup setup, SpcOptions? options, string error, DateTimeOffset startedAt, DateTimeOffset finishedAt)
    {
        ArgumentNullException.ThrowIfNull(setup);
        options ??= SpcOptions.Default;
        return new(setup.League, setup.Round, setup.Game, setup.GeneratorModel, setup.CriticModel, setup.SolverModel, setup.ProblemId, setup.Seed, Hash(),
            startedAt, finishedAt, -1, CriticPrompt.StepJoiner, null, AttackParseStatus.MissingStep, 0, 0, false, SpcGame.ReasonGameFailed,
            CriticVerdict.Invalid, CriticVerdict.Invalid, 0, [], 0, 0, 0, SourceName(options), 0, error);
    }

    /// <summary>The seed of a game call: derived from the game key, the game seed, the role and the index.</summary>
    public static long SeedOf(GameSetup setup, SpcRole role, int index)
    {
        ArgumentNullException.ThrowIfNull(setup);

        // Solutions are a property of the problem within the round: every game played on it attacks the same solution.
        var key = role == SpcRole.Solve
            ? string.Create(CultureInfo.InvariantCulture, $"{setup.League}/{setup.Round}")
            : string.Create(CultureInfo.InvariantCulture, $"{setup.League}/{setup.Round}/{setup.Game}");
        return SampleSeed.ForChoice(SampleSeed.Derive(key, setup.ProblemId, role.ToString(), setup.Round, setup.Seed), index);
    }

    // Up to SolveAttempts solver solutions, each graded against the gold answer as batch runs grade (extracted answer,
    // AnswerEquivalence); the first correct one is split into its steps. Every sample is kept as a reward-less solver turn.
    private static async Task<ImmutableArray<string>?> SolveAsync(
        PromptTemplates templates, GameSetup setup, Ledger ledger, ImmutableArray<GameTurn>.Builder turns, SpcOptions options, EquivalenceMode mode)
    {
        var prompt = Solving.SolverPrompt.Build(templates, setup.Question);
        for (var n = 0; n < options.SolveAttempts; n++)
        {
            var text = (await ledger.CallAsync(SpcRole.Solve, n, prompt, options.SolverTemperature)).Text;
            turns.Add(new GameTurn(SpcPlayers.Solver, string.Empty, prompt[^1].Text, text, null));
            ledger.SolutionAttempts = n + 1;
            var solution = SolutionParser.Parse(text);
            if (AnswerEquivalence.AreEquivalent(solution.Answer, setup.Gold, mode) && solution.Steps.Length > 0)
            {
                return [.. solution.Steps.Select(s => s.Text)];
            }
        }

        return null;
    }

    private static string Hash() =>
        SpcHash.Prompts(Prompts.PromptMarkers.CriticInstruction, Prompts.PromptMarkers.SneakyInstruction, Prompts.PromptMarkers.ContinueInstruction);

    private static string SourceName(SpcOptions options) => options.SolutionSource == SolutionSource.Solver ? "solver" : "reference";

    // N continuations from the branch's steps, graded against the gold answer; a branch whose last step already states a
    // boxed answer is graded directly (every outcome the same, no calls).
    private static async Task<bool[]> CompletionsAsync(PromptTemplates templates, GameSetup setup, Ledger ledger, SpcRole role, string[] branch, SpcOptions options, EquivalenceMode mode)
    {
        if (AnswerExtractor.LastBoxed(branch[^1]) is { } stated)
        {
            return [.. Enumerable.Repeat(AnswerEquivalence.AreEquivalent(stated, setup.Gold, mode), options.ValidationCompletions)];
        }

        var prompt = SolverContinuationPrompt.BuildContinuation(templates, setup.Question, branch);
        var outcomes = new bool[options.ValidationCompletions];
        for (var n = 0; n < outcomes.Length; n++)
        {
            var reply = await ledger.CallAsync(role, n, prompt, options.CompletionTemperature);
            outcomes[n] = AnswerEquivalence.AreEquivalent(AnswerExtractor.Extract(reply.Text), setup.Gold, mode);
        }

        return outcomes;
    }

    private static async Task<(CriticVerdict Verdict, string Text, int Invalid)> JudgeAsync(
        PromptTemplates templates, Ledger ledger, SpcRole role, string question, IReadOnlyList<string> prefix, string step, SpcOptions options)
    {
        var prompt = CriticPrompt.Build(templates, question, prefix, step);
        var text = string.Empty;
        var invalidOutputs = 0;
        for (var attempt = 0; attempt <= options.CriticRetriesOnInvalid; attempt++)
        {
            // Greedy decoding repeats itself, so a retry samples (docs/algorithms.md §3.4: invalid items are re-run).
            var temperature = attempt == 0 ? options.CriticTemperature : Math.Max(options.CriticTemperature, 0.7);
            text = (await ledger.CallAsync(role, attempt, prompt, temperature)).Text;
            var verdict = CriticPrompt.Parse(text);
            if (verdict != CriticVerdict.Invalid)
            {
                return (verdict, text, invalidOutputs);
            }

            invalidOutputs++;
        }

        return (CriticVerdict.Invalid, text, invalidOutputs);
    }

    private static GameRecord Record(GameSetup setup, SpcOptions options, DateTimeOffset started, TimeProvider clock, int step, string? errorType,
        AttackParseStatus status, AttackValidation validation, CriticVerdict attackVerdict, CriticVerdict pairedVerdict, int invalidOutputs,
        ImmutableArray<GameTurn> turns, Ledger ledger, string hash) =>
        new(setup.League, setup.Round, setup.Game, setup.GeneratorModel, setup.CriticModel, setup.SolverModel, setup.ProblemId, setup.Seed, hash,
            started, clock.GetUtcNow(), step, CriticPrompt.StepJoiner, errorType, status, validation.OriginalSuccessRate, validation.SneakySuccessRate,
            validation.Valid, validation.Reason, attackVerdict, pairedVerdict, invalidOutputs, turns, ledger.Calls, ledger.PromptTokens, ledger.CompletionTokens,
            SourceName(options), ledger.SolutionAttempts);

    private sealed class Ledger(GameSetup setup, Func<SpcCall, CancellationToken, Task<SpcReply>> model, CancellationToken cancellationToken)
    {
        public int Calls { get; private set; }

        public long PromptTokens { get; private set; }

        public long CompletionTokens { get; private set; }

        public int SolutionAttempts { get; set; }

        public async Task<SpcReply> CallAsync(SpcRole role, int index, IList<ChatMessage> messages, double temperature)
        {
            var reply = await model(new SpcCall(role, index, messages, temperature, SeedOf(setup, role, index)), cancellationToken);
            Calls++;
            PromptTokens += reply.PromptTokens;
            CompletionTokens += reply.CompletionTokens;
            return reply;
        }
    }
}
