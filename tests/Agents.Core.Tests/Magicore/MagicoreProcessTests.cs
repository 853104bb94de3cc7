using System.Collections.Immutable;
using Agents.Contracts.Problems;
using Agents.Core.Answers;
using Agents.Core.Magicore;

namespace Agents.Core.Tests.Magicore;

public sealed class MagicoreProcessTests
{
    private const int K = 4;

    // A and B are easy (every chain agrees, high scores); C has four different answers with low scores (hard) and every
    // refinement turns a chain into a high-scoring "9".
    private static readonly Problem[] Dataset =
    [
        new("A", "qa", "5", "test"),
        new("B", "qb", "7", "test"),
        new("C", "qc", "9", "test"),
    ];

    [Fact]
    public void Run_PaperMode_HardProblemRefinedOnceAndCallsAreKPlus2KR()
    {
        var counter = new CallCounter();

        var run = MagicoreProcess.Run(Dataset, MagicoreOptions.Paper with { K = K }, counter.Calls());

        Assert.Equal([0, 0, 1], run.Problems.Select(p => p.RefinedRounds));
        Assert.Equal(["5", "7", "9"], run.Problems.Select(p => p.FinalAnswer));
        Assert.Equal(3 * K, counter.Solves);
        Assert.Equal(K, counter.Reviews);
        Assert.Equal(K, counter.Refines);
        Assert.Equal(run.Problems.Select(p => MagicoreAccounting.Generations(K, p.RefinedRounds)), run.Problems.Select(p => p.Generations));
        Assert.Equal(counter.Solves + counter.Reviews + counter.Refines, run.Problems.Sum(p => p.Generations));
        var c = run.Problems[2].Rounds;
        Assert.Equal([true, true, false, false], c.Select(r => r.Hard));
        Assert.All(c[1].PoolAnswers, a => Assert.Equal("9", a));
        Assert.Equal(K, c[1].PoolAnswers.Length);
        Assert.Equal("1", c[0].Classification.Majority);
    }

    [Fact]
    public void Run_CodeMode_EasyProblemRevertsToIteration0PoolAndIsRefinedAgain()
    {
        var counter = new CallCounter();

        var run = MagicoreProcess.Run(Dataset, MagicoreOptions.Code with { K = K }, counter.Calls());

        // Iteration 2: M stays "1", no chain matches, cond1 holds → easy, pool reverts; iteration 3 refines the old pool.
        var c = run.Problems[2];
        Assert.Equal(2, c.RefinedRounds);
        Assert.Equal([true, true, false, true], c.Rounds.Select(r => r.Hard));
        Assert.True(double.IsNaN(c.Rounds[2].Classification.Q));
        Assert.Equal("9", c.Rounds[2].Chosen);
        Assert.Equal(MagicoreAccounting.Generations(K, 2), c.Generations);
        Assert.Equal(2 * K, counter.Reviews);
    }

    [Fact]
    public void Run_Statistics_FromFirstChainOfEachProblem()
    {
        var run = MagicoreProcess.Run(Dataset, MagicoreOptions.Paper with { K = K }, new CallCounter().Calls());

        var expected = DatasetStatistics.FromScores([1.8, 1.6, 0.3]);
        Assert.Equal(expected.Mean, run.Statistics.Mean, 12);
        Assert.Equal(expected.StdDev, run.Statistics.StdDev, 12);
    }

    [Fact]
    public void Run_CodeMode_NextIterationWorksOnTheRefinedChainsAndReportsTopK()
    {
        // Iteration 1's refinements of C are poor ("11".."14", c = 0.25): the top k keeps three old chains, so the answer
        // reported after iteration 1 is still "1". Iteration 2 classifies the four refined chains, none equal to M = "1",
        // so C is easy and reports their vote ("11"); iteration 3 reverts to the iteration-0 chains and refines them.
        var run = MagicoreProcess.Run(Dataset, MagicoreOptions.Code with { K = K }, new CallCounter(poorFirstRefinement: true).Calls());

        var c = run.Problems[2];
        Assert.Equal([true, true, false, true], c.Rounds.Select(r => r.Hard));
        Assert.Equal(["1", "1", "11", "9"], c.Rounds.Select(r => r.Chosen));
        Assert.Equal("1 2 3 11", string.Join(' ', c.Rounds[1].PoolAnswers));
        Assert.Equal(0, c.Rounds[2].Classification.Matching);
        Assert.Equal("11 12 13 14", string.Join(' ', c.Rounds[2].PoolAnswers));
        Assert.Equal("1", c.Rounds[3].Classification.Majority);
        Assert.Equal(2, c.RefinedRounds);
    }

    [Fact]
    public void Run_PaperMode_TopKCarriedAndStatisticsFromADrawnChainOfEveryPool()
    {
        var run = MagicoreProcess.Run(Dataset, MagicoreOptions.Paper with { K = K }, new CallCounter(poorFirstRefinement: true).Calls(), seed: 3);

        var c = run.Problems[2];
        Assert.Equal([true, true, true, false], c.Rounds.Select(r => r.Hard));
        Assert.Equal(["1", "1", "9", "9"], c.Rounds.Select(r => r.Chosen));

        // Before iteration 2 every problem is represented by a chain drawn from its current pool, refined (C) or not.
        ImmutableArray<ScoredChain> carried =
        [
            ScoredChain.Create("", "1", 0.2, [0.1], 0, 0), ScoredChain.Create("", "2", 0.2, [0.1], 0, 1),
            ScoredChain.Create("", "3", 0.2, [0.1], 0, 2), ScoredChain.Create("", "11", 0.15, [0.1], 1, 0),
        ];
        var expected = DatasetStatistics.FromScores([1.8, 1.6, MagicorePools.StatisticsChain(carried, "C", 2, 3).Combined]);
        Assert.Equal(expected.Mean, run.IterationStatistics[1].Mean, 12);
        Assert.Equal(expected.StdDev, run.IterationStatistics[1].StdDev, 12);
        Assert.Equal(run.Statistics, run.IterationStatistics[0]);
    }

    private sealed class CallCounter(bool poorFirstRefinement = false)
    {
        public int Solves { get; private set; }

        public int Reviews { get; private set; }

        public int Refines { get; private set; }

        public MagicoreCalls Calls() => new(
            (problem, j) =>
            {
                Solves++;
                var answer = problem.Id == "C" ? j switch { 0 => "1", 1 => "2", 2 => "3", _ => null } : problem.Gold;
                return answer is null ? "Step 1: I am not sure." : $"Step 1: compute.\nThe answer is \\boxed{{{answer}}}.";
            },
            (problem, text, round, j) =>
            {
                var answer = AnswerExtractor.Extract(text);
                var score = answer switch { "5" => 0.9, "7" => 0.8, "9" => 0.95, _ => 0.15 };
                return ScoredChain.Create(text, answer, answer is "1" or "2" or "3" or null ? 0.2 : score, [answer is "5" or "7" or "9" ? score : 0.1], round, j);
            },
            (problem, chain) => ChainAnnotation.Annotate(chain.Text, chain.StepScores, robustSegmentation: true),
            (problem, annotated, round, j) =>
            {
                Reviews++;
                return "Step 1 is incorrect.";
            },
            (problem, annotated, feedback, round, j) =>
            {
                Refines++;
                return poorFirstRefinement && round == 1
                    ? $"Step 1: compute again.\nThe answer is \\boxed{{{11 + j}}}."
                    : "Step 1: compute again.\nThe answer is \\boxed{9}.";
            });
    }
}
