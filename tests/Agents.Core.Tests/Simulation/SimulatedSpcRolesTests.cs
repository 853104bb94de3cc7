using Agents.Core.Prompts;
using System.Collections.Immutable;
using System.Globalization;
using Agents.Core.Answers;
using Agents.Core.SelfRefine;
using Agents.Core.Simulation;
using Agents.Core.Solving;
using Agents.Core.SelfPlay;
using Xunit.Abstractions;

namespace Agents.Core.Tests.Simulation;

public sealed class SimulatedSpcRolesTests(ITestOutputHelper output)
{
    private const int Draws = 1500;
    private static readonly string[] Types = ["calculation error", "misread number", "wrong operation"];
    private readonly SimulatedModel _model = new();

    private static SyntheticProblem Problem(int i) => SyntheticProblems.GenerateOne(23, i, 3, 6);

    private static string[] CorrectSteps(SyntheticProblem problem) =>
        [.. Enumerable.Range(0, problem.Steps).Select(i => problem.CorrectStep(i) + (i == problem.Steps - 1 ? $"\nThe answer is \\boxed{{{problem.Answer}}}." : string.Empty))];

    private string Ask(IList<Microsoft.Extensions.AI.ChatMessage> prompt, double temperature, long seed) => _model.Complete([.. prompt], temperature, seed);

    [Fact]
    public void Review_StopPhrase_ExactlyWhenWholeSolutionCorrect()
    {
        var stops = 0;
        for (var i = 0; i < 400; i++)
        {
            var problem = Problem(i);
            var chain = _model.Solve(problem.Question, 1.2, i);
            var steps = SolutionParser.Parse(chain).Steps.Select(s => s.Text).ToList();
            var correct = steps.Count == problem.Steps && problem.CheckSteps(steps).All(v => v)
                && AnswerExtractor.LastBoxed(chain) == problem.Answer.ToString(CultureInfo.InvariantCulture);
            var stop = SelfRefineRules.ShouldStop(SimulatedModel.Review(problem.Question, chain));
            Assert.Equal(correct, stop);
            stops += stop ? 1 : 0;
        }

        Assert.Equal(315, stops); // the seeds fix every draw; about 80 % of them are whole and correct
    }

    [Fact]
    public void Review_LowScoredRightStepBeforeAnError_DoesNotStop()
    {
        const string question = "Mia has 12 apples. Then Mia buys 5 more apples. Then Mia sells 2 apples. How many apples does Mia have now?";
        const string wrong = "Step 1: Mia buys 5 more apples: 12 + 5 = 17. (Score: 2/10)\nStep 2: Mia sells 2 apples: 17 - 2 = 14. (Score: 8/10)\nThe answer is \\boxed{14}.";
        const string right = "Step 1: Mia buys 5 more apples: 12 + 5 = 17. (Score: 2/10)\nStep 2: Mia sells 2 apples: 17 - 2 = 15. (Score: 8/10)\nThe answer is \\boxed{15}.";

        var wrongReview = SimulatedModel.Review(question, wrong);
        var rightReview = SimulatedModel.Review(question, right);

        Assert.Contains("Step 1 has the lowest score (2/10), yet the step itself is right.", wrongReview, StringComparison.Ordinal);
        Assert.False(SelfRefineRules.ShouldStop(wrongReview));
        Assert.True(SelfRefineRules.ShouldStop(rightReview));
        Assert.EndsWith(SimulatedModel.WholeSolutionCorrect, rightReview, StringComparison.Ordinal);
    }

    [Fact]
    public void Critic_RightSteps_FalseAlarmAndFormatErrorRates()
    {
        int alarms = 0, invalid = 0;
        for (var i = 0; i < Draws; i++)
        {
            var problem = Problem(i);
            var steps = CorrectSteps(problem);
            var k = i % problem.Steps;
            var verdict = CriticPrompt.Parse(Ask(CriticPrompt.Build(PromptTemplates.Defaults, problem.Question, steps[..k], steps[k]), 0, 0));
            alarms += verdict == CriticVerdict.Incorrect ? 1 : 0;
            invalid += verdict == CriticVerdict.Invalid ? 1 : 0;
        }

        output.WriteLine($"false alarms {alarms}/{Draws}, invalid {invalid}/{Draws}");
        // Calibration: a rate over many seeded draws, so the band around the configured rate is the assertion.
        Assert.InRange((double)alarms / Draws, 0.08 - 0.03, 0.08 + 0.03);
        Assert.InRange((double)invalid / Draws, 0.03 - 0.015, 0.03 + 0.015);
    }

    [Theory]
    [InlineData("calculation error", 0.55)]
    [InlineData("wrong operation", 0.95)]
    [InlineData("misread number", 0.75)]
    public void Critic_AttackedSteps_DetectionFallsWithSubtlety(string errorType, double expected)
    {
        var generator = new SimulatedModel(new SimulationOptions { SneakyFailRate = 0 });
        int detected = 0, judged = 0;
        for (var i = 0; i < Draws; i++)
        {
            var problem = Problem(i);
            var steps = CorrectSteps(problem);
            var k = i % problem.Steps;
            var attack = SneakyGeneratorPrompt.Parse(generator.Sneak(problem.Question, steps[..k], steps[k], [errorType], 0.7, i), steps[k], [errorType]);
            Assert.True(attack.IsUsable);
            var verdict = CriticPrompt.Parse(Ask(CriticPrompt.Build(PromptTemplates.Defaults, problem.Question, steps[..k], attack.ModifiedStep!), 0, 0));
            if (verdict != CriticVerdict.Invalid)
            {
                judged++;
                detected += verdict == CriticVerdict.Incorrect ? 1 : 0;
            }
        }

        output.WriteLine($"{errorType}: detected {detected}/{judged}");
        // Calibration: a rate over many seeded draws, so the band around the configured rate is the assertion.
        Assert.InRange((double)detected / judged, expected - 0.04, expected + 0.04);
    }

    [Fact]
    public void Sneak_ManyDraws_SubtletyPreferenceAndFailRate()
    {
        int subtle = 0, failed = 0;
        for (var i = 0; i < Draws; i++)
        {
            var problem = Problem(i);
            var steps = CorrectSteps(problem);
            var k = i % problem.Steps;
            var text = Ask(SneakyGeneratorPrompt.Build(PromptTemplates.Defaults, problem.Question, steps[..k], steps[k], Types), 0.7, i);
            var attack = SneakyGeneratorPrompt.Parse(text, steps[k], Types);
            Assert.Equal(AttackParseStatus.Ok, attack.Status);
            subtle += attack.ErrorType == "calculation error" ? 1 : 0;
            failed += problem.CheckSteps([.. steps[..k], attack.ModifiedStep!])[k] ? 1 : 0;
        }

        output.WriteLine($"subtle {subtle}/{Draws}, failed {failed}/{Draws}");
        // Calibration: a rate over many seeded draws, so the band around the configured rate is the assertion.
        Assert.InRange((double)subtle / Draws, 0.6 + (0.4 / 3) - 0.04, 0.6 + (0.4 / 3) + 0.04);
        Assert.InRange((double)failed / Draws, 0.15 - 0.03, 0.15 + 0.03);
    }

    [Fact]
    public void Continue_WrongPrefix_RecoversAtRateAndRightPrefixSucceeds()
    {
        var model = new SimulatedModel(new SimulationOptions { SlipBase = 0, SneakyFailRate = 0 });
        int fromWrong = 0, fromRight = 0;
        for (var i = 0; i < Draws; i++)
        {
            var problem = Problem(i);
            var steps = CorrectSteps(problem);
            var k = i % (problem.Steps - 1);
            var wrongStep = model.Sneak(problem.Question, steps[..k], steps[k], ["wrong operation"], 0, i).Split("Modified Step: ")[1];
            var gold = problem.Answer.ToString(CultureInfo.InvariantCulture);
            fromWrong += AnswerExtractor.LastBoxed(model.Complete([.. SolverContinuationPrompt.BuildContinuation(PromptTemplates.Defaults, problem.Question, [.. steps[..k], wrongStep])], 0.7, i)) == gold ? 1 : 0;
            var rightContinuation = model.Complete([.. SolverContinuationPrompt.BuildContinuation(PromptTemplates.Defaults, problem.Question, steps[..(k + 1)])], 0.7, i);
            fromRight += AnswerExtractor.LastBoxed(rightContinuation) == gold ? 1 : 0;
            Assert.StartsWith($"Step {k + 2}: ", rightContinuation, StringComparison.Ordinal);
        }

        Assert.Equal(Draws, fromRight);
        // Calibration: a rate over many seeded draws, so the band around the configured rate is the assertion.
        Assert.InRange((double)fromWrong / Draws, 0.1 - 0.03, 0.1 + 0.03);
    }

    [Fact]
    public void NextStep_LastStep_BoxesTheAnswerOnItsLine()
    {
        var problem = Problem(3);
        var steps = CorrectSteps(problem);

        var first = _model.Complete([.. SolverContinuationPrompt.BuildNextStep(PromptTemplates.Defaults, problem.Question, [])], 0, 0);
        var last = _model.Complete([.. SolverContinuationPrompt.BuildNextStep(PromptTemplates.Defaults, problem.Question, steps[..^1])], 0, 0);

        Assert.Equal($"Step 1: {problem.CorrectStep(0)}", first);
        Assert.Equal($"Step {problem.Steps}: {problem.CorrectStep(problem.Steps - 1)} The answer is \\boxed{{{problem.Answer}}}.", last);
    }

    [Fact]
    public void Games_SimulatedLeagueRound_StatisticsInPlausibleRanges()
    {
        var options = SpcOptions.Default;
        var records = Enumerable.Range(0, 150).Select(i => PlayGame(i, options)).ToArray();

        var stats = RoundStatistics.Compute(1, records);
        var samples = SpcDataset.Samples(records);
        var balanced = SpcDataset.Balance(samples, options, 1);

        output.WriteLine(stats.ToString());
        // Rates over 150 seeded games: plausibility bands are the assertion (no single game decides them).
        Assert.InRange(stats.InvalidAttackRate, 0.1, 0.5);
        Assert.InRange(stats.CriticAccuracyAttacked, 0.5, 0.9);
        Assert.InRange(stats.CriticAccuracyOriginal, 0.8, 1.0);
        Assert.Equal(1.0, stats.GeneratorSuccessVsCritic + stats.CriticAccuracyAttacked, 9);
        Assert.All(records, r => Assert.Equal(r.Key, $"sim/1/{r.Game}"));
        Assert.All(records.Where(r => r.RewardOf(SpcPlayers.Generator) is not null && r.RewardOf(SpcPlayers.Critic) is not null),
            r => Assert.Equal(0, r.RewardOf(SpcPlayers.Generator)!.Value + r.RewardOf(SpcPlayers.Critic)!.Value));
        foreach (var role in new[] { SpcPlayers.Generator, SpcPlayers.Critic })
        {
            var kept = balanced.Where(s => s.Role == role).ToArray();
            Assert.Equal(kept.Count(s => s.Reward > 0), kept.Count(s => s.Reward < 0));
        }
    }

    private GameRecord PlayGame(int game, SpcOptions options)
    {
        var problem = Problem(1000 + game);
        var setup = new GameSetup("sim", 1, game, $"synth-{game}", problem.Question, problem.Answer.ToString(CultureInfo.InvariantCulture),
            [.. CorrectSteps(problem)], "sim", "sim", "sim", game);
        return SpcGameProcess.Play(PromptTemplates.Defaults, setup, call => new SpcReply(_model.Complete([.. call.Messages], call.Temperature, call.Seed)), options);
    }
}
