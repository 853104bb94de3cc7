using Agents.Core.Answers;
using Agents.Core.Instructing;
using Agents.Core.Prompts;
using Agents.Core.Simulation;
using Agents.Core.Solving;
using Microsoft.Extensions.AI;

namespace Agents.Core.Tests.Instructing;

/// <summary>IoRT's Generator gets eight few-shot examples and its Reflector four (ours, docs/iort.md); the seed memory shipped with the project.</summary>
public sealed class IortFewShotTests
{
    private static readonly string Question = SyntheticProblems.GenerateOne(4, 0, 5, 5).Question;

    [Fact]
    public void Examples_EightGeneratorFourReflector_EachWithABoxedNumericAnswer()
    {
        Assert.Equal(8, IortFewShot.Generator.Count);
        Assert.Equal(4, IortFewShot.Reflector.Count);
        Assert.All(IortFewShot.Generator, e => Assert.NotNull(AnswerExtractor.Extract(e.Solution)));
        Assert.All(IortFewShot.Generator, e => Assert.True(SolutionParser.Parse(e.Solution).Steps.Length >= 2));
        Assert.All(IortFewShot.Reflector, e => Assert.NotNull(AnswerExtractor.Extract(e.BetterAnswer)));
        // Two examples catch an error and change the answer, two find none and keep it.
        Assert.Equal(2, IortFewShot.Reflector.Count(e => AnswerExtractor.Extract(e.Answer) != AnswerExtractor.Extract(e.BetterAnswer)));
    }

    [Fact]
    public void GeneratorInputs_ByDefault_EightExampleTurnsThenTheQuestion()
    {
        var messages = new IortPromptInputs(IortPromptKind.Generate, Question).Build(PromptTemplates.Defaults);

        Assert.Equal(17, messages.Count);
        Assert.Equal(IortFewShot.Generator[0].Solution, messages[1].Text);
        Assert.Equal(ChatRole.User, messages[^1].Role);
        Assert.Equal(Question, SolverPrompt.TryReadQuestion(messages[^1].Text));
        Assert.Single(new IortPromptInputs(IortPromptKind.Generate, Question) { GeneratorExamples = null }.Build(PromptTemplates.Defaults));
    }

    [Fact]
    public void ReflectorInputs_ByDefault_FourExamplesBeforeTheTarget()
    {
        var critique = new IortPromptInputs(IortPromptKind.Critique, Question) { Response = "Step 1: 2 + 2 = 4." }.Build(PromptTemplates.Defaults);
        var revision = new IortPromptInputs(IortPromptKind.Revise, Question) { Response = "Step 1: 2 + 2 = 4.", Critique = "Fine." }.Build(PromptTemplates.Defaults);

        Assert.Equal((4 * 2) + 1, critique.Count);
        Assert.Equal(IortFewShot.Reflector[0].Critique, critique[1].Text);
        Assert.Contains(PromptMarkers.CritiqueRequest, critique[^1].Text, StringComparison.Ordinal);
        Assert.Contains(Question, critique[^1].Text, StringComparison.Ordinal);
        Assert.Equal((4 * 4) + 3, revision.Count);
        Assert.StartsWith(PromptMarkers.BetterAnswerLead, revision[3].Text, StringComparison.Ordinal);
        Assert.Equal("Fine.", revision[^2].Text);
    }

    [Fact]
    public void SimulatedModel_FewShotPrompts_AnswersTheTargetNotAnExample()
    {
        var model = new SimulatedModel();
        var generated = model.Complete([.. new IortPromptInputs(IortPromptKind.Generate, Question).Build(PromptTemplates.Defaults)], 0.3, 5);
        var critique = model.Complete([.. new IortPromptInputs(IortPromptKind.Critique, Question) { Response = generated }.Build(PromptTemplates.Defaults)], 0.3, 5);

        Assert.Equal(model.Solve(Question, 0.3, 5), generated);
        Assert.Equal(model.Critique(Question, generated, 0.3, 5), critique);
    }

    [Fact]
    public void BuiltInSeed_TwelveOwnPairsWithoutErrors()
    {
        var seed = MetaMemorySeed.BuiltIn;

        Assert.Equal(12, seed.Examples.Length);
        Assert.Empty(seed.Errors);
        Assert.All(seed.Examples, e => Assert.InRange(e.MetaThought.Length, 20, MetaMemorySeed.MaxMetaThoughtLength));
    }

    [Fact]
    public void ReadJsonl_UntrustedFields_ErrorsNameLineAndField()
    {
        var text = string.Join('\n',
            """{"question": "Q1", "meta_thought": "M1"}""",
            """{"question": "Q2", "meta_thought": 7}""",
            """{"meta_thought": "M3"}""",
            "{\"question\": \"Q4\", \"meta_thought\": \"" + new string('m', MetaMemorySeed.MaxMetaThoughtLength + 1) + "\"}",
            """{"question": "  ", "meta_thought": "M5"}""");

        var seed = MetaMemorySeed.ReadJsonl(new StringReader(text));

        Assert.Equal([new MetaExample("Q1", "M1")], seed.Examples.ToArray());
        Assert.Equal(
            [
                "line 2: field \"meta_thought\": missing or not a string",
                "line 3: field \"question\": missing or not a string",
                $"line 4: field \"meta_thought\": {MetaMemorySeed.MaxMetaThoughtLength + 1} characters, more than {MetaMemorySeed.MaxMetaThoughtLength}",
                "line 5: field \"question\": blank",
            ],
            seed.Errors.ToArray());
    }
}
