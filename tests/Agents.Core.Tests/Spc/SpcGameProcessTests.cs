using Agents.Core.Spc;

namespace Agents.Core.Tests.Spc;

public sealed class SpcGameProcessTests
{
    private static readonly GameSetup Setup = new("L", 2, 7, "p1", "What is (1 + 2) * 3?", "9",
        ["1 + 2 = 3.", "3 * 3 = 9.", "The answer is \\boxed{9}."], "gen-1", "critic-1", "solver-0", 42);

    private static readonly SpcOptions NoEndStep = SpcOptions.Default with { ExcludeFinalStep = true };

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

        var record = SpcGameProcess.Play(Setup, Scripted("Error Type: calculation error\nModified Step: X = 8.",
            call => call.Role == SpcRole.Critic ? "<Answer>Incorrect</Answer>" : "<Answer>Correct</Answer>", log: log), NoEndStep);

        Assert.True(record.Valid);
        Assert.Equal((1.0, 0.0), (record.OriginalSuccessRate, record.SneakySuccessRate));
        Assert.Equal((-1, 1, 1), (record.RewardOf(SpcPlayers.Generator), record.RewardOf(SpcPlayers.Critic), record.RewardOf(SpcPlayers.PairedCritic)));
        Assert.Equal(1 + 4 + 4 + 2, record.Calls);
        Assert.Equal((110L, 55L), (record.PromptTokens, record.CompletionTokens));
        Assert.Equal(("L/2/7", "gen-1", "critic-1", "solver-0", 42L), (record.Key, record.GeneratorModel, record.CriticModel, record.SolverModel, record.Seed));
        Assert.Equal(log.Count, log.Select(c => c.Seed).Distinct().Count());
        var again = SpcGameProcess.Play(Setup, Scripted("Error Type: calculation error\nModified Step: X = 8.",
            call => call.Role == SpcRole.Critic ? "<Answer>Incorrect</Answer>" : "<Answer>Correct</Answer>"), NoEndStep);
        Assert.Equal(record.Turns.ToArray(), again.Turns.ToArray());
        Assert.Equal(record with { Turns = [] }, again with { Turns = [], StartedAt = record.StartedAt, FinishedAt = record.FinishedAt });
    }

    [Fact]
    public void Play_AttackDoesNotBreakSolver_GeneratorLosesCriticSitsOut()
    {
        var record = SpcGameProcess.Play(Setup, Scripted("Error Type: calculation error\nModified Step: X = 8.", _ => "<Answer>Correct</Answer>", sneakyBreaks: false), NoEndStep);

        Assert.False(record.Valid);
        Assert.Equal(SpcGame.ReasonNoDrop, record.InvalidReason);
        Assert.Equal(SpcPlayers.Generator, Assert.Single(record.Turns).Player);
        Assert.Equal(-1, record.RewardOf(SpcPlayers.Generator));
        Assert.Equal(9, record.Calls);
    }

    [Fact]
    public void Play_UnparsedAttack_NoValidationCalls()
    {
        var record = SpcGameProcess.Play(Setup, Scripted("I refuse.", _ => "<Answer>Correct</Answer>"), NoEndStep);

        Assert.Equal((AttackParseStatus.MissingErrorType, false, 1), (record.AttackStatus, record.Valid, record.Calls));
        Assert.Equal(SpcGame.ReasonUnparsed, record.InvalidReason);
    }

    [Fact]
    public void Play_InvalidCriticOutput_RetriedThenNoContest()
    {
        var record = SpcGameProcess.Play(Setup, Scripted("Error Type: calculation error\nModified Step: X = 8.",
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

        var record = SpcGameProcess.Play(setup, Scripted("Error Type: calculation error\nModified Step: The answer is \\boxed{8}.", _ => "<Answer>Incorrect</Answer>"));

        Assert.True(record.Valid);
        Assert.Equal(0, record.StepIndex);
        Assert.Equal(1 + 2, record.Calls);
    }
}
