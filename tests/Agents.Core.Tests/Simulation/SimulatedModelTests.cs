using Agents.Core.Answers;
using Agents.Core.Prompts;
using Agents.Core.Simulation;
using Agents.Core.Solving;
using Microsoft.Extensions.AI;

namespace Agents.Core.Tests.Simulation;

public sealed class SimulatedModelTests
{
    private const string Gsm8kQuestion =
        "Janet's ducks lay 16 eggs per day. She eats three for breakfast every morning and bakes muffins for her friends every day with four. " +
        "She sells the remainder at the farmers' market daily for $2 per fresh duck egg. How much in dollars does she make every day at the farmers' market?";

    private readonly SimulatedModel _model = new();

    [Fact]
    public void Complete_SolverPrompt_WritesOneStepPerOperationAndBoxedAnswer()
    {
        var problem = SyntheticProblems.GenerateOne(1, 0, 5, 5);

        var text = _model.Complete([.. SolverPrompt.Build(PromptTemplates.Defaults, problem.Question)], 0, 0);
        var solution = SolutionParser.Parse(text);

        Assert.Equal(5, solution.Steps.Length);
        Assert.StartsWith("Step 1: ", text, StringComparison.Ordinal);
        Assert.NotNull(AnswerExtractor.LastBoxed(text));
    }

    [Fact]
    public void Complete_AssistantPrefillStep1_ReturnsContinuation()
    {
        var question = SyntheticProblems.GenerateOne(1, 3).Question;
        var prompt = SolverPrompt.Build(PromptTemplates.Defaults, question).Append(new ChatMessage(ChatRole.Assistant, "Step 1:")).ToList();

        var continuation = _model.Complete(prompt, 0.8, 4);

        Assert.Equal(_model.Solve(question, 0.8, 4), "Step 1:" + continuation);
    }

    [Fact]
    public void Complete_Gsm8kQuestion_CannotSolve()
    {
        Assert.Equal(PromptMarkers.CannotSolve, _model.Complete([.. SolverPrompt.Build(PromptTemplates.Defaults, Gsm8kQuestion)], 0.8, 3));
        Assert.Null(AnswerExtractor.Extract(PromptMarkers.CannotSolve));
    }

    [Fact]
    public void Complete_NotARolePrompt_CannotSolve()
    {
        Assert.Equal(PromptMarkers.CannotSolve, _model.Complete([new ChatMessage(ChatRole.User, "Tell me a joke.")], 0.8, 3));
    }

    [Fact]
    public void Complete_SameSeed_SameText()
    {
        var prompt = SolverPrompt.Build(PromptTemplates.Defaults, SyntheticProblems.GenerateOne(2, 0, 8, 8).Question).ToList();

        Assert.Equal(_model.Complete(prompt, 0.8, 17), _model.Complete(prompt, 0.8, 17));
    }

    [Fact]
    public void Solve_DifferentSeeds_DifferentSamplesSomewhere()
    {
        var question = SyntheticProblems.GenerateOne(2, 0, 8, 8).Question;

        var texts = Enumerable.Range(0, 50).Select(s => _model.Solve(question, 1.0, s)).Distinct().Count();

        Assert.True(texts > 1);
    }

    [Fact]
    public void Solve_Greedy_IgnoresSeed()
    {
        for (var i = 0; i < 50; i++)
        {
            var question = SyntheticProblems.GenerateOne(4, i, 8, 8).Question;
            Assert.Equal(_model.Solve(question, 0, 1), _model.Solve(question, 0, 987654321));
        }
    }

    [Theory]
    [InlineData(2, 0.88, 0.97)]
    [InlineData(3, 0.84, 0.94)]
    [InlineData(4, 0.80, 0.89)]
    [InlineData(8, 0.52, 0.62)]
    public void Solve_SampledAtT08_AccuracyInDocumentedBand(int steps, double low, double high)
    {
        var accuracy = Accuracy(steps, 0.8, 2000);

        // Calibration: a rate over many seeded draws, so the band around the configured rate is the assertion.
        Assert.InRange(accuracy, low, high);
        var expected = (1 - _model.Options.ForgetAnswerRate) * Math.Pow(1 - _model.Options.SlipProbability(steps, 0.8), steps);
        Assert.InRange(accuracy, expected - 0.03, expected + 0.03);
    }

    [Fact]
    public void Solve_MoreStepsOrHotter_LessAccurate()
    {
        var byDifficulty = new[] { 2, 4, 6, 8 }.Select(s => Accuracy(s, 0.8, 1500)).ToList();
        var byTemperature = new[] { 0.0, 0.8, 1.6 }.Select(t => Accuracy(6, t, 1500)).ToList();

        Assert.Equal(byDifficulty.OrderDescending(), byDifficulty);
        Assert.Equal(byTemperature.OrderDescending(), byTemperature);
    }

    [Fact]
    public void Solve_Greedy_BetterThanOneSample()
    {
        Assert.True(Accuracy(4, 0, 2000) > Accuracy(4, 0.8, 2000) + 0.03);
    }

    [Fact]
    public void Solve_ManySamples_ForgetsBoxedAnswerAtConfiguredRate()
    {
        var forgotten = Enumerable.Range(0, 4000)
            .Count(i => AnswerExtractor.Extract(_model.Solve(SyntheticProblems.GenerateOne(6, i).Question, 0.8, i)) is null);

        // Calibration: a rate over many seeded draws, so the band around the configured rate is the assertion.
        Assert.InRange(forgotten / 4000.0, 0.012, 0.028);
    }

    [Fact]
    public void Refine_WrongSolutions_FixedAtConfiguredRate()
    {
        var (fixedCount, total) = (0, 0);
        for (var i = 0; total < 2000; i++)
        {
            var problem = SyntheticProblems.GenerateOne(8, i, 4, 8);
            var chain = _model.Solve(problem.Question, 1.0, i);
            if (IsCorrect(problem, chain))
            {
                continue;
            }

            total++;
            // The reviewer locates the first real error, so the refiner fixes it at RefineFixRate.
            var refined = _model.Complete(RefinerPrompt(problem.Question, chain, SimulatedModel.Review(problem.Question, chain)), 0.8, i);
            fixedCount += IsCorrect(problem, refined) ? 1 : 0;
        }

        // Calibration: a rate over many seeded draws, so the band around the configured rate is the assertion.
        Assert.InRange(fixedCount / (double)total, _model.Options.RefineFixRate - 0.04, _model.Options.RefineFixRate + 0.04);
    }

    [Fact]
    public void Refine_FeedbackThatMissesTheError_LeavesTheSolutionWrong()
    {
        var (stillWrong, total) = (0, 0);
        for (var i = 0; total < 300; i++)
        {
            var problem = SyntheticProblems.GenerateOne(8, i, 4, 8);
            var chain = _model.Solve(problem.Question, 1.0, i);
            if (IsCorrect(problem, chain))
            {
                continue;
            }

            total++;
            var refined = _model.Complete(RefinerPrompt(problem.Question, chain, SimulatedModel.WholeSolutionCorrect), 0.8, i);
            stillWrong += IsCorrect(problem, refined) ? 0 : 1;
        }

        Assert.Equal(total, stillWrong);
    }

    [Fact]
    public void Refine_FalseAlarmOnACorrectSolution_BreaksItAtOvercorrectRate()
    {
        var (broken, total) = (0, 0);
        for (var i = 0; total < 1500; i++)
        {
            var problem = SyntheticProblems.GenerateOne(9, i);
            var chain = _model.Solve(problem.Question, 0.8, i);
            if (!IsCorrect(problem, chain))
            {
                continue;
            }

            total++;
            var refined = _model.Complete(RefinerPrompt(problem.Question, chain, "Step 1 is incorrect: it should be 1 + 1 = 3."), 0.8, i);
            broken += IsCorrect(problem, refined) ? 0 : 1;
        }

        // Calibration: a rate over many seeded draws, so the band around the configured rate is the assertion.
        Assert.InRange(broken / (double)total, _model.Options.OvercorrectRate - 0.04, _model.Options.OvercorrectRate + 0.04);
    }

    [Fact]
    public void Refine_CorrectSolutions_BrokenAtConfiguredRate()
    {
        var (broken, total) = (0, 0);
        for (var i = 0; total < 2000; i++)
        {
            var problem = SyntheticProblems.GenerateOne(9, i);
            var chain = _model.Solve(problem.Question, 0.8, i);
            if (!IsCorrect(problem, chain))
            {
                continue;
            }

            total++;
            broken += IsCorrect(problem, _model.Refine(problem.Question, chain, 0.8, i)) ? 0 : 1;
        }

        // Calibration: a rate over many seeded draws, so the band around the configured rate is the assertion.
        Assert.InRange(broken / (double)total, _model.Options.RefineBreakRate - 0.02, _model.Options.RefineBreakRate + 0.02);
    }

    [Fact]
    public void Refine_KeepsStepsBeforeTheFirstWrongOne()
    {
        var problem = SyntheticProblems.TryParse("Mia has 12 apples. Then Mia buys 5 more apples. Then Mia sells 2 apples. Then Mia finds 1 more apples. How many apples does Mia have now?")!;
        var wrong = "Step 1: Mia buys 5 more apples: 12 + 5 = 17.\nStep 2: Mia sells 2 apples: 17 - 2 = 14.\nStep 3: Mia finds 1 more apples: 14 + 1 = 15.\nThe answer is \\boxed{15}.";

        var refined = Enumerable.Range(0, 40).Select(seed => _model.Refine(problem.Question, wrong, 0.8, seed)).ToList();

        Assert.All(refined, r => Assert.StartsWith("Step 1: Mia buys 5 more apples: 12 + 5 = 17.\nStep 2: ", r, StringComparison.Ordinal));
        Assert.Contains(refined, r => IsCorrect(problem, r));
        Assert.Contains(refined, r => !IsCorrect(problem, r));
    }

    [Fact]
    public void Complete_ReviewerPrompt_PointsAtFirstWrongStepWithoutSolving()
    {
        var problem = SyntheticProblems.TryParse("Mia has 12 apples. Then Mia buys 5 more apples. Then Mia sells 2 apples. Then Mia finds 1 more apples. How many apples does Mia have now?")!;
        var annotated = "Step 1: Mia buys 5 more apples: 12 + 5 = 17. (Score: 9/10)\nStep 2: Mia sells 2 apples: 17 - 2 = 14. (Score: 2/10)\n" +
            "Step 3: Mia finds 1 more apples: 14 + 1 = 15.\nThe answer is \\boxed{15}. (Score: 3/10)";

        var review = _model.Complete([new ChatMessage(ChatRole.User, $"{PromptMarkers.Question}\n{problem.Question}\n\n{PromptMarkers.CurrentSolution}\n{annotated}")], 0.8, 1);

        Assert.Contains("Step 1 is correct", review, StringComparison.Ordinal);
        Assert.Contains("Step 2 is incorrect: Mia sells 2 apples, so it should be 17 - 2 = 15, not 17 - 2 = 14", review, StringComparison.Ordinal);
        Assert.Contains("score of 2", review, StringComparison.Ordinal);
        Assert.DoesNotContain("Step 3 is", review, StringComparison.Ordinal);
        Assert.Null(AnswerExtractor.Extract(review));
    }

    [Theory]
    [InlineData("Step 1: Mia buys 5 more apples: 12 + 5 = 17.\nThe answer is \\boxed{17}.", "Step 1 computes correctly, but the solution stops there; Step 2 is missing and should be 17 - 2 = 15")]
    [InlineData("", "The solution has no steps; Step 1 should be 12 + 5 = 17")]
    [InlineData("Step 1: Mia buys 5 more apples: 12 + 5 = 17.\nStep 2: Mia sells 2 apples: 17 - 2 = 15.", "does not state its final count")]
    [InlineData("Step 1: Mia buys 5 more apples: 12 + 5 = 17.\nStep 2: Mia sells 2 apples: 17 - 2 = 15.\nThe answer is \\boxed{15}.", "so it is correct")]
    public void Review_IncompleteOrCorrectSolution_SaysWhatIsMissing(string solution, string expected)
    {
        const string question = "Mia has 12 apples. Then Mia buys 5 more apples. Then Mia sells 2 apples. How many apples does Mia have now?";

        var review = SimulatedModel.Review(question, solution);

        Assert.Contains(expected, review, StringComparison.Ordinal);
        Assert.Null(AnswerExtractor.Extract(review));
        Assert.True(IsCorrect(SyntheticProblems.TryParse(question)!, _model.Refine(question, solution, 0, 0)));
    }

    [Fact]
    public void Complete_ReviewerPromptWithExampleFirst_ReviewsTheTarget()
    {
        var example = SyntheticProblems.GenerateOne(1, 1);
        var target = SyntheticProblems.GenerateOne(1, 2, 3, 3);
        var wrongFirst = "Step 1: I guess: 1 + 1 = 2.\n" + string.Join("\n", Enumerable.Range(1, 2).Select(i => $"Step {i + 1}: {target.CorrectStep(i)}"));
        var prompt = $"{PromptMarkers.Question}\n{example.Question}\n\n{PromptMarkers.CurrentSolution}\nStep 1: anything\n\n### Feedback:\nfine\n\n" +
            $"{PromptMarkers.Question}\n{target.Question}\n\n{PromptMarkers.CurrentSolution}\n{wrongFirst}";

        var review = _model.Complete([new ChatMessage(ChatRole.User, prompt)], 0, 0);

        Assert.StartsWith("Step 1 is incorrect", review, StringComparison.Ordinal);
    }

    [Fact]
    public void Complete_ReviewerPromptUnknownQuestion_CannotSolve()
    {
        var prompt = $"{PromptMarkers.Question}\n{Gsm8kQuestion}\n\n{PromptMarkers.CurrentSolution}\nStep 1: 16 - 3 - 4 = 9.";

        Assert.Equal(PromptMarkers.CannotSolve, _model.Complete([new ChatMessage(ChatRole.User, prompt)], 0.8, 1));
        Assert.Equal(PromptMarkers.CannotSolve, _model.Complete(RefinerPrompt(Gsm8kQuestion, "Step 1: 16 - 3 - 4 = 9.", "wrong"), 0.8, 1));
    }

    [Fact]
    public void ScoreSteps_ManySolutions_MissAndFalseAlarmRatesAsConfigured()
    {
        var (right, wrong, falseAlarms, misses) = (0, 0, 0, 0);
        for (var i = 0; right < 5000 || wrong < 3000; i++)
        {
            var problem = SyntheticProblems.GenerateOne(12, i, 6, 8);
            var steps = SolutionParser.Parse(_model.Solve(problem.Question, 1.5, i)).Steps.Select(s => s.Text).ToList();
            var truth = problem.CheckSteps(steps);
            var scores = _model.ScoreSteps(problem.Question, steps, i);
            for (var k = 0; k < steps.Count; k++)
            {
                // A bound every score must keep (a probability), not a seeded outcome.
                Assert.InRange(scores[k], 0, 1);
                if (truth[k])
                {
                    right++;
                    falseAlarms += scores[k] < 0.5 ? 1 : 0;
                }
                else
                {
                    wrong++;
                    misses += scores[k] >= 0.5 ? 1 : 0;
                }
            }
        }

        // Calibration: a rate over many seeded draws, so the band around the configured rate is the assertion.
        Assert.InRange(misses / (double)wrong, _model.Options.PrmMissRate - 0.02, _model.Options.PrmMissRate + 0.02);
        Assert.InRange(falseAlarms / (double)right, _model.Options.PrmFalseAlarmRate - 0.015, _model.Options.PrmFalseAlarmRate + 0.015);
    }

    [Fact]
    public void ScoreSteps_RightAndWrongSteps_ScoresAtConfiguredMeansWithoutNoise()
    {
        // No misses, false alarms or noise: a right step scores the configured mean, a wrong one its mirror image.
        var options = new SimulationOptions { PrmMissRate = 0, PrmFalseAlarmRate = 0, PrmScoreNoise = 0 };
        var model = new SimulatedModel(options);
        var problem = SyntheticProblems.TryParse("Mia has 12 apples. Then Mia buys 5 more apples. Then Mia sells 2 apples. How many apples does Mia have now?")!;

        var scores = model.ScoreSteps(problem.Question, ["Mia buys 5 more apples: 12 + 5 = 17.", "Mia sells 2 apples: 17 - 2 = 14."], 5);

        Assert.Equal([options.PrmRightScore, 1 - options.PrmRightScore], scores);
    }

    [Fact]
    public void ScoreSteps_Noise_MovesScoresOffTheMeansOnTheirSide()
    {
        var options = new SimulationOptions { PrmMissRate = 0, PrmFalseAlarmRate = 0 };
        var model = new SimulatedModel(options);
        var problem = SyntheticProblems.TryParse("Mia has 12 apples. Then Mia buys 5 more apples. Then Mia sells 2 apples. How many apples does Mia have now?")!;

        var scores = model.ScoreSteps(problem.Question, ["Mia buys 5 more apples: 12 + 5 = 17.", "Mia sells 2 apples: 17 - 2 = 14."], 5);

        // The seeded noise draw is the model's own; what is fixed is the side of 0.5 each verdict lands on.
        Assert.NotEqual(options.PrmRightScore, scores[0]);
        Assert.True(scores[0] > 0.5 && scores[1] < 0.5, $"scores {scores[0]}, {scores[1]}");
    }

    [Fact]
    public void ScoreSteps_SameSeed_SameScores()
    {
        var problem = SyntheticProblems.GenerateOne(3, 0);
        var steps = SolutionParser.Parse(_model.Solve(problem.Question, 0.8, 1)).Steps.Select(s => s.Text).ToList();

        Assert.Equal(_model.ScoreSteps(problem.Question, steps, 9), _model.ScoreSteps(problem.Question, steps, 9));
    }

    [Fact]
    public void ScoreSteps_UnknownQuestion_UninformativeScores()
    {
        var scores = _model.ScoreSteps(Gsm8kQuestion, ["16 - 3 - 4 = 9", "9 * 2 = 18"], 1);

        Assert.Equal([0.5, 0.5], scores);
    }

    [Fact]
    public void SlipProbability_Formula_AsDocumented()
    {
        var options = new SimulationOptions { SlipBase = 0.02, SlipPerStep = 0.5, SlipPerTemperature = 2, MaxSlip = 0.9 };

        Assert.Equal(0.02 * (1 + 0.5 * 3) * (1 + 2 * 0.5), options.SlipProbability(4, 0.5), 12);
        Assert.Equal(0.9, options.SlipProbability(100, 2), 12);
    }

    private static List<ChatMessage> RefinerPrompt(string question, string solution, string feedback) =>
    [
        new(ChatRole.User, $"{PromptMarkers.Question}\n{question}\n\n{PromptMarkers.CurrentSolution}\n{solution}\n\n{PromptMarkers.TeacherFeedback}\n{feedback}"),
        new(ChatRole.Assistant, "### Revised Solution:"),
    ];

    private static bool IsCorrect(SyntheticProblem problem, string chain) =>
        AnswerExtractor.Extract(chain) == problem.Answer.ToString(System.Globalization.CultureInfo.InvariantCulture);

    private double Accuracy(int steps, double temperature, int count)
    {
        var correct = 0;
        for (var i = 0; i < count; i++)
        {
            var problem = SyntheticProblems.GenerateOne(100 + steps, i, steps, steps);
            correct += IsCorrect(problem, _model.Solve(problem.Question, temperature, i)) ? 1 : 0;
        }

        return correct / (double)count;
    }
}
