using Agents.Core.Prompts;
using Agents.Core.SelfPlay;

namespace Agents.Core.Tests.SelfPlay;

public sealed class SpcGameProcessTests
{
    private static readonly GameSetup Setup = new("L", 2, 7, "p1", "What is (1 + 2) * 3?", "9",
        ["1 + 2 = 3.", "3 * 3 = 9.", "The answer is \\boxed{9}."], "gen-1", "critic-1", "solver-0", 42);

    private static readonly SpcOptions NoEndStep = SpcOptions.Default with { ExcludeFinalStep = true, SolutionSource = SolutionSource.Reference };

    private static readonly SpcOptions FromSolver = SpcOptions.Default with { ExcludeFinalStep = true };

    private static Func<SpcCall, SpcReply> Scripted(string generator, Func<SpcCall, string> critic, bool sneakyBreaks = true, List<SpcCall>? log = null) => call =>
    {
        log?.Add(call);
        return call.Role switch
        {
            SpcRole.Generator => new SpcReply(generator, 10, 5),
            SpcRole.CompletionOriginal => new SpcReply("Step 3: The answer is \\boxed{9}.", 10, 5),
            SpcRole.CompletionSneaky => new SpcReply(sneakyBreaks ? "Step 3: The answer is \\boxed{8}." : "Step 3: The answer is \\boxed{9}.", 10, 5),
            _ => new SpcReply(critic(call), 10, 5),
        };
    };

    [Fact]
    public void Play_ValidAttackCaught_RewardsCallsAndProvenance()
    {
        var log = new List<SpcCall>();

        var record = SpcGameProcess.Play(PromptTemplates.Defaults, Setup, Scripted("Error Type: calculation error\nModified Step: X = 8.",
            call => call.Role == SpcRole.Critic ? "<Answer>Incorrect</Answer>" : "<Answer>Correct</Answer>", log: log), NoEndStep);

        Assert.True(record.Valid);
        Assert.Equal((1.0, 0.0), (record.OriginalSuccessRate, record.SneakySuccessRate));
        Assert.Equal((-1, 1, 1), (record.RewardOf(SpcPlayers.Generator), record.RewardOf(SpcPlayers.Critic), record.RewardOf(SpcPlayers.PairedCritic)));
        Assert.Equal(1 + 4 + 4 + 2, record.Calls);
        Assert.Equal((110L, 55L), (record.PromptTokens, record.CompletionTokens));
        Assert.Equal(("L/2/7", "gen-1", "critic-1", "solver-0", 42L), (record.Key, record.GeneratorModel, record.CriticModel, record.SolverModel, record.Seed));
        Assert.Equal(log.Count, log.Select(c => c.Seed).Distinct().Count());
        var again = SpcGameProcess.Play(PromptTemplates.Defaults, Setup, Scripted("Error Type: calculation error\nModified Step: X = 8.",
            call => call.Role == SpcRole.Critic ? "<Answer>Incorrect</Answer>" : "<Answer>Correct</Answer>"), NoEndStep);
        Assert.Equal(record.Turns.ToArray(), again.Turns.ToArray());
        Assert.Equal(record with { Turns = [] }, again with { Turns = [], StartedAt = record.StartedAt, FinishedAt = record.FinishedAt });
    }

    [Fact]
    public void Play_AttackDoesNotBreakSolver_GeneratorLosesCriticSitsOut()
    {
        var record = SpcGameProcess.Play(PromptTemplates.Defaults, Setup, Scripted("Error Type: calculation error\nModified Step: X = 8.", _ => "<Answer>Correct</Answer>", sneakyBreaks: false), NoEndStep);

        Assert.False(record.Valid);
        Assert.Equal(SpcGame.ReasonNoDrop, record.InvalidReason);
        Assert.Equal(SpcPlayers.Generator, Assert.Single(record.Turns).Player);
        Assert.Equal(-1, record.RewardOf(SpcPlayers.Generator));
        Assert.Equal(9, record.Calls);
    }

    [Fact]
    public void Play_UnparsedAttack_NoValidationCalls()
    {
        var record = SpcGameProcess.Play(PromptTemplates.Defaults, Setup, Scripted("I refuse.", _ => "<Answer>Correct</Answer>"), NoEndStep);

        Assert.Equal((AttackParseStatus.MissingErrorType, false, 1), (record.AttackStatus, record.Valid, record.Calls));
        Assert.Equal(SpcGame.ReasonUnparsed, record.InvalidReason);
    }

    [Fact]
    public void Play_InvalidCriticOutput_RetriedThenNoContest()
    {
        var record = SpcGameProcess.Play(PromptTemplates.Defaults, Setup, Scripted("Error Type: calculation error\nModified Step: X = 8.",
            call => call.Role == SpcRole.Critic ? "I am not sure." : (call.Index == 0 ? "hmm" : "<Answer>Correct</Answer>")), NoEndStep);

        Assert.Equal((CriticVerdict.Invalid, CriticVerdict.Correct), (record.AttackVerdict, record.PairedVerdict));
        Assert.Equal(3 + 1, record.CriticInvalidOutputs);
        Assert.Null(record.RewardOf(SpcPlayers.Generator));
        Assert.Null(record.RewardOf(SpcPlayers.Critic));
        Assert.Equal(1, record.RewardOf(SpcPlayers.PairedCritic));
        Assert.Equal(1 + 8 + 3 + 2, record.Calls);
    }

    [Fact]
    public void Play_FinalStepAttacked_GradedWithoutCompletions()
    {
        var setup = Setup with { Steps = ["The answer is \\boxed{9}."] };

        var record = SpcGameProcess.Play(PromptTemplates.Defaults, setup, Scripted("Error Type: calculation error\nModified Step: The answer is \\boxed{8}.", _ => "<Answer>Incorrect</Answer>"),
            SpcOptions.Default with { SolutionSource = SolutionSource.Reference });

        Assert.True(record.Valid);
        Assert.Equal(0, record.StepIndex);
        Assert.Equal(1 + 2, record.Calls);
    }

    [Fact]
    public void Play_SolverSource_AttacksTheFirstSolutionGradedCorrect()
    {
        var log = new List<SpcCall>();
        var solutions = new[]
        {
            "Step 1: First 1 + 2 = 4.\nStep 2: Then 4 * 3 = 12.\nThe answer is \\boxed{12}.",
            "Step 1: First 1 + 2 = 3.\nStep 2: Then 3 * 3 = 9.\nThe answer is \\boxed{9}.",
            "never asked",
        };
        var scripted = Scripted("Error Type: calculation error\nModified Step: First 1 + 2 = 4.", call => call.Role switch
        {
            SpcRole.Solve => solutions[call.Index],
            SpcRole.Critic => "<Answer>Incorrect</Answer>",
            _ => "<Answer>Correct</Answer>",
        }, log: log);

        var record = SpcGameProcess.Play(PromptTemplates.Defaults, Setup, scripted, FromSolver);

        Assert.True(record.Valid);
        Assert.Equal(("solver", 2), (record.SolutionSource, record.SolutionAttempts));
        Assert.Equal(new[] { 0, 1 }, log.Where(c => c.Role == SpcRole.Solve).Select(c => c.Index));
        Assert.All(log.Where(c => c.Role == SpcRole.Solve), c => Assert.Equal(FromSolver.SolverTemperature, c.Temperature));
        Assert.Equal(2, record.Turns.Count(t => t.Player == SpcPlayers.Solver && t.Reward is null));
        Assert.Equal(0, record.StepIndex);
        var paired = record.Turns.Single(t => t.Player == SpcPlayers.PairedCritic);
        Assert.Contains("First 1 + 2 = 3.", paired.User, StringComparison.Ordinal);
        Assert.DoesNotContain(Setup.Steps, s => s.Contains("First", StringComparison.Ordinal));
        Assert.Equal(2 + 1 + 4 + 4 + 2, record.Calls);

        // Every game of one problem attacks the same solution: solver seeds ignore the game index, the others do not.
        var sibling = Setup with { Game = Setup.Game + 1 };
        Assert.Equal(SpcGameProcess.SeedOf(Setup, SpcRole.Solve, 1), SpcGameProcess.SeedOf(sibling, SpcRole.Solve, 1));
        Assert.NotEqual(SpcGameProcess.SeedOf(Setup, SpcRole.Generator, 0), SpcGameProcess.SeedOf(sibling, SpcRole.Generator, 0));
    }

    [Fact]
    public void Play_SolverNeverCorrect_EndsInvalidWithoutAttack()
    {
        var log = new List<SpcCall>();
        var options = FromSolver with { SolveAttempts = 3 };

        var record = SpcGameProcess.Play(PromptTemplates.Defaults, Setup, Scripted("unused", _ => "Step 1: 1 + 2 = 4.\nThe answer is \\boxed{12}.", log: log), options);

        Assert.False(record.Valid);
        Assert.Equal(SpcGame.ReasonNoCorrectSolution, record.InvalidReason);
        Assert.Equal((3, 3, -1), (record.Calls, record.SolutionAttempts, record.StepIndex));
        Assert.All(log, c => Assert.Equal(SpcRole.Solve, c.Role));
        Assert.All(record.Turns, t => Assert.Equal((SpcPlayers.Solver, (int?)null), (t.Player, t.Reward)));
        Assert.Empty(SpcDataset.Samples([record]));
    }

    [Fact]
    public void Failed_KeepsErrorAndCountsAsFailedNotAttacked()
    {
        var at = new DateTimeOffset(2026, 1, 1, 0, 0, 0, TimeSpan.Zero);
        var failed = SpcGameProcess.Failed(Setup, null, "ModelBackendException: down", at, at);
        var played = SpcGameProcess.Play(PromptTemplates.Defaults, Setup, Scripted("Error Type: calculation error\nModified Step: X = 8.", _ => "<Answer>Incorrect</Answer>"), NoEndStep);

        Assert.Equal((false, SpcGame.ReasonGameFailed, "ModelBackendException: down"), (failed.Valid, failed.InvalidReason, failed.Error));
        Assert.Equal("L/2/7", failed.Key);
        var stats = RoundStatistics.Compute(2, [failed, played]);
        Assert.Equal((2, 1, 1, 0), (stats.Games, stats.ValidGames, stats.FailedGames, stats.NoSolutionGames));
        Assert.Equal((1.0, 0.0), (stats.GeneratorSuccessVsSolver, stats.InvalidAttackRate));
    }
}
