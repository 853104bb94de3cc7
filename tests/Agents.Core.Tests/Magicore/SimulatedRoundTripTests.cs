using Agents.Core.Answers;
using Agents.Core.Magicore;
using Agents.Core.Prompts;
using Agents.Core.Refining;
using Agents.Core.Simulation;

namespace Agents.Core.Tests.Magicore;

// The prompt builders against the simulated model, which recognises reviewer and refiner prompts by their markers.
public sealed class SimulatedRoundTripTests
{
    private const string MiaQuestion = "Mia has 12 apples. Then Mia buys 5 more apples. Then Mia sells 2 apples. Then Mia finds 1 more apples. How many apples does Mia have now?";
    private const string WrongChain = "Step 1: Mia buys 5 more apples: 12 + 5 = 17.\nStep 2: Mia sells 2 apples: 17 - 2 = 14.\nStep 3: Mia finds 1 more apples: 14 + 1 = 15.\nThe answer is \\boxed{15}.";

    private readonly SimulatedModel _model = new();

    [Theory]
    [InlineData(PrefixStyle.AssistantPrefill)]
    [InlineData(PrefixStyle.Instruction)]
    public void ReviewerPrompt_SimulatedModel_ReviewsTheTargetChain(PrefixStyle style)
    {
        var annotated = ChainAnnotation.Annotate(WrongChain, [0.9, 0.2, 0.3], robustSegmentation: true);

        var review = ReviewParser.Parse(_model.Complete([.. ReviewerPrompt.Build(PromptTemplates.Defaults, MiaQuestion, annotated, style)], 0.8, 1));

        Assert.False(review.Flagged);
        Assert.StartsWith("Step 1 is correct", review.Feedback, StringComparison.Ordinal);
        Assert.Contains("Step 2 is incorrect", review.Feedback, StringComparison.Ordinal);
        Assert.Contains("score of 2", review.Feedback, StringComparison.Ordinal);
    }

    [Fact]
    public void RefinerPrompt_SimulatedModel_SeesExactlyTheAnnotatedChain()
    {
        var annotated = ChainAnnotation.Annotate(WrongChain, [0.9, 0.2, 0.3], robustSegmentation: true);

        var viaPrompt = _model.Complete([.. RefinerPrompt.Build(PromptTemplates.Defaults, MiaQuestion, annotated, "Step 2 is incorrect.")], 0.8, 7);

        Assert.Equal(_model.Refine(MiaQuestion, annotated.Trim(), 0.8, 7), viaPrompt);
        Assert.NotNull(RefinementParser.Parse(viaPrompt).Answer);
    }

    [Fact]
    public void Run_SimulatedWorld_HardProblemsRefinedAndCallsAccounted()
    {
        var problems = Enumerable.Range(0, 12).Select(i => SyntheticProblems.ToProblem(SyntheticProblems.GenerateOne(5, i, 5, 8), i)).ToArray();
        var options = MagicoreOptions.Paper with { K = 8 };
        var calls = 0;
        var flaggedReviews = 0;
        var run = MagicoreProcess.Run(problems, options, new MagicoreCalls(
            (p, j) =>
            {
                calls++;
                return _model.Complete([.. Agents.Core.Solving.SolverPrompt.Build(PromptTemplates.Defaults, p.Question)], options.Temperature, j);
            },
            (p, text, round, j) =>
            {
                var answer = AnswerExtractor.Extract(text);
                var steps = StepSegmentation.Segment(text, options.RobustStepSegmentation);
                var scores = _model.ScoreSteps(p.Question, steps, (round * 100) + j);
                return ScoredChain.Create(text, answer, scores.Average(), scores, round, j);
            },
            (p, chain) => ChainAnnotation.Annotate(chain.Text, _model.ScoreSteps(p.Question, StepSegmentation.Segment(chain.Text, true), 0), true),
            (p, annotated, round, j) =>
            {
                calls++;
                var review = ReviewParser.Parse(_model.Complete([.. ReviewerPrompt.Build(PromptTemplates.Defaults, p.Question, annotated)], options.Temperature, j));
                flaggedReviews += review.Usable ? 0 : 1;
                return review.Feedback;
            },
            (p, annotated, feedback, round, j) =>
            {
                calls++;
                return RefinementParser.Clean(_model.Complete([.. RefinerPrompt.Build(PromptTemplates.Defaults, p.Question, annotated, feedback)], options.Temperature, (round * 100) + j));
            }));

        Assert.Contains(run.Problems, r => r.RefinedRounds > 0);
        Assert.Equal(0, flaggedReviews);
        Assert.Equal(calls, run.Problems.Sum(r => MagicoreAccounting.Generations(options.K, r.RefinedRounds)));
        Assert.All(run.Problems, r => Assert.Equal(options.Iterations + 1, r.Rounds.Length));
    }
}
