using Agents.Inference.Rewards;

namespace Agents.Inference.Tests.Rewards;

public sealed class SimulatedRewardModelTests
{
    private readonly SimulatedRewardModel _model = new();

    [Fact]
    public async Task ScoreAsync_RightAndWrongSteps_RightScoreHighWrongScoreLow()
    {
        var right = new List<double>();
        var wrong = new List<double>();
        for (var p = 0; p < 60; p++)
        {
            var problem = SyntheticChains.Problem(p);
            var wrongStep = p % problem.Steps;
            var steps = SyntheticChains.Steps(problem, wrongStep);
            var request = RewardRequest.For(problem.Question, SyntheticChains.Chain(steps, problem.Answer), problem.Answer.ToString(), seed: p);

            var scores = await _model.ScoreAsync(request, CancellationToken.None);

            Assert.Equal(request.Steps.Count, scores.StepScores.Length);
            for (var i = 0; i < scores.StepScores.Length; i++)
            {
                (i == wrongStep ? wrong : right).Add(scores.StepScores[i]);
            }
        }

        // PrmFalseAlarmRate 0.05, PrmMissRate 0.1: most right steps above 0.5, most wrong ones below.
        Assert.True(right.Average() > 0.8, $"mean right-step score {right.Average():0.###}");
        Assert.True(wrong.Average() < 0.25, $"mean wrong-step score {wrong.Average():0.###}");
        Assert.True(right.Count(s => s > 0.5) >= 0.9 * right.Count);
        Assert.True(wrong.Count(s => s < 0.5) >= 0.8 * wrong.Count);
    }

    [Fact]
    public async Task ScoreAsync_RightAndWrongAnswers_OrmPrefersRightAnswers()
    {
        var right = new List<double>();
        var wrong = new List<double>();
        for (var p = 0; p < 60; p++)
        {
            var problem = SyntheticChains.Problem(p);
            var steps = SyntheticChains.Steps(problem);
            var good = await _model.ScoreAsync(RewardRequest.For(problem.Question, SyntheticChains.Chain(steps, problem.Answer), "x", p), CancellationToken.None);
            var bad = await _model.ScoreAsync(RewardRequest.For(problem.Question, SyntheticChains.Chain(steps, problem.Answer + 1), "x", p), CancellationToken.None);
            right.Add(good.Outcome);
            wrong.Add(bad.Outcome);
            // A bound every outcome keeps (a probability), not a seeded value.
            Assert.InRange(good.Outcome, 0, 1);
            Assert.Equal(1, good.OrmUsage.Calls);
            Assert.Equal(1, good.PrmUsage.Calls);
            Assert.True(good.OrmUsage.PromptTokens > 0);
        }

        Assert.True(right.Average() > 0.7, $"mean o of right answers {right.Average():0.###}");
        Assert.True(wrong.Average() < 0.3, $"mean o of wrong answers {wrong.Average():0.###}");
    }

    [Fact]
    public async Task ScoreAsync_NoAnswer_PrmSkippedAndProcessZero()
    {
        var problem = SyntheticChains.Problem(3);
        var request = RewardRequest.For(problem.Question, SyntheticChains.Chain(SyntheticChains.Steps(problem), null), answer: null, seed: 1);

        var scores = await _model.ScoreAsync(request, CancellationToken.None);

        Assert.False(request.HasAnswer);
        Assert.Empty(scores.StepScores);
        Assert.Equal(0, scores.Process);
        Assert.Equal(scores.Outcome, scores.Combined);
        Assert.Equal(0, scores.PrmUsage.Calls);
        Assert.Equal(1, scores.Usage.Calls);
        Assert.Equal(0, scores.ToScoredChain(request.Chain, null, 0, 0).Prm);
    }

    [Fact]
    public async Task ScoreAsync_SameSeed_SameScoresAndOtherSeedsDiffer()
    {
        var problem = SyntheticChains.Problem(5);
        var chain = SyntheticChains.Chain(SyntheticChains.Steps(problem, 1), problem.Answer);
        var first = await _model.ScoreAsync(RewardRequest.For(problem.Question, chain, "a", 42), CancellationToken.None);
        var again = await new SimulatedRewardModel().ScoreAsync(RewardRequest.For(problem.Question, chain, "a", 42), CancellationToken.None);
        var others = await _model.ScoreManyAsync(
            [.. Enumerable.Range(100, 5).Select(s => RewardRequest.For(problem.Question, chain, "a", s))], CancellationToken.None);

        Assert.Equal(first.Outcome, again.Outcome);
        Assert.Equal(first.StepScores.ToArray(), again.StepScores);
        Assert.Contains(others, o => o.Outcome != first.Outcome);
    }

    [Fact]
    public async Task ScoreManyAsync_ManyRequests_ResultsInRequestOrder()
    {
        var requests = Enumerable.Range(0, 20).Select(p =>
        {
            var problem = SyntheticChains.Problem(p);
            return RewardRequest.For(problem.Question, SyntheticChains.Chain(SyntheticChains.Steps(problem), problem.Answer), "a", p);
        }).ToList();

        var batch = await _model.ScoreManyAsync(requests, CancellationToken.None);

        for (var i = 0; i < requests.Count; i++)
        {
            var single = await _model.ScoreAsync(requests[i], CancellationToken.None);
            Assert.Equal(single.StepScores.ToArray(), batch[i].StepScores);
            Assert.Equal(single.Outcome, batch[i].Outcome);
        }
    }

    [Fact]
    public async Task ScoreAsync_ProcessOnly_NoOrmPass()
    {
        var problem = SyntheticChains.Problem(7);
        var request = RewardRequest.For(problem.Question, SyntheticChains.Chain(SyntheticChains.Steps(problem), problem.Answer), "a", 3, parts: RewardParts.Process);

        var scores = await _model.ScoreAsync(request, CancellationToken.None);

        Assert.Equal(0, scores.OrmUsage.Calls);
        Assert.Equal(1, scores.PrmUsage.Calls);
        Assert.Equal(request.Steps.Count, scores.StepScores.Length);
    }

    [Fact]
    public async Task ScoreManyAsync_SimulatedSolverChains_CorrectChainsScoreHigherCombined()
    {
        var solver = new Agents.Core.Simulation.SimulatedModel();
        var requests = new List<(RewardRequest Request, bool Correct)>();
        for (var p = 0; p < 40; p++)
        {
            var problem = Agents.Core.Simulation.SyntheticProblems.GenerateOne(77, p, minSteps: 4, maxSteps: 8);
            for (var j = 0; j < 4; j++)
            {
                var chain = solver.Solve(problem.Question, 1.0, seed: j);
                var answer = Agents.Core.Answers.AnswerExtractor.LastBoxed(chain);
                requests.Add((RewardRequest.For(problem.Question, chain, answer, seed: j), answer == problem.Answer.ToString(System.Globalization.CultureInfo.InvariantCulture)));
            }
        }

        var scores = await _model.ScoreManyAsync([.. requests.Select(r => r.Request)], CancellationToken.None);

        var correct = scores.Where((_, i) => requests[i].Correct).Select(s => s.Combined).ToList();
        var wrong = scores.Where((_, i) => !requests[i].Correct).Select(s => s.Combined).ToList();
        Assert.NotEmpty(correct);
        Assert.NotEmpty(wrong);
        Assert.True(correct.Average() > wrong.Average() + 0.5, $"mean c: correct {correct.Average():0.###}, wrong {wrong.Average():0.###}");
    }

    [Fact]
    public void ChainScore_HandComputed_ProductPlusOutcome()
    {
        var scores = new RewardScores(0.75, [0.9, 0.5, 0.8], Contracts.Solving.TokenUsage.None, Contracts.Solving.TokenUsage.None, 0);

        Assert.Equal(0.36, scores.Process, 12);
        Assert.Equal(1.11, scores.Combined, 12);
        Assert.Equal(0.75, ChainScore.Combined(0.75, [0.9, 0.5, 0.8], hasAnswer: false));
        Assert.Equal(0.5, ChainScore.Sigmoid(0));
        var chain = scores.ToScoredChain("text", "4", 1, 2);
        Assert.Equal(scores.Combined, chain.Combined, 12);
    }
}
