using System.Text.Json;
using Agents.Core.Instructing;
using Agents.Core.Prompts;
using Agents.Core.Refining;
using Agents.Core.SelfRefine;
using Agents.Core.SelfPlay;
using Agents.Core.Solving;
using Microsoft.Extensions.AI;

namespace Agents.Core.Tests.Prompts;

/// <summary>
/// The role prompts the default templates render, byte for byte, for awkward inputs (surrounding whitespace, template
/// braces, markup). The expected texts are in <c>golden-prompts.json</c>, recorded from the prompt builders before the
/// prompts moved into template files; set <c>AGENTS_RECORD_GOLDEN=1</c> to record them again after a deliberate change.
/// </summary>
public sealed class PromptGoldenTests
{
    private const string Question = "  Sam has {{$x}} apples and <b>3</b> pears & a {plum}.\nHow many fruits?  ";
    private const string Chain = "Step 1: 2 + 3 = 5 (Score: 9/10)\nStep 2: \\boxed{5} (Score: 8/10)\n\n";
    private const string Feedback = "  Step 2 is wrong: <Answer>Incorrect</Answer>.  ";

    private static readonly JsonSerializerOptions Indented = new() { WriteIndented = true, Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    private static string GoldenPath => Path.Combine(AppContext.BaseDirectory, "Prompts", "golden-prompts.json");

    public static IEnumerable<object[]> Cases() => Prompts().Keys.Select(k => new object[] { k });

    [Theory]
    [MemberData(nameof(Cases))]
    public void Render_DefaultTemplates_SameTextAsRecorded(string name)
    {
        var actual = Prompts()[name];
        if (Environment.GetEnvironmentVariable("AGENTS_RECORD_GOLDEN") == "1")
        {
            Record(name, actual);
            return;
        }

        var golden = JsonSerializer.Deserialize<Dictionary<string, string[]>>(File.ReadAllText(GoldenPath))!;
        Assert.True(golden.ContainsKey(name), $"no golden prompt '{name}'");
        Assert.Equal(golden[name], actual);
    }

    private static Dictionary<string, string[]> Prompts()
    {
        MetaExample[] meta = [new("  Tom has 3 apples.  ", " Add what is bought. "), new("Ann has {{10}} pencils.", "Subtract <given>.")];
        SelfRefineTurn[] history = [new("Step 1: 1 + 1 = 3 \\boxed{3}", " The sum is wrong. ", "Step 1: 1 + 1 = 2 \\boxed{2} ")];
        var basic = new NumberedResponse(0, " Step 1: 5 \\boxed{5} ");
        var reflective = new NumberedResponse(2, "Step 1: 6 \\boxed{6}\n");
        var prompts = new Dictionary<string, IList<ChatMessage>>
        {
            ["solver"] = SolverPrompt.Build(PromptTemplates.Defaults, Question),
            ["reviewer"] = ReviewerPrompt.Build(PromptTemplates.Defaults, Question, Chain),
            ["reviewer-instruction-style"] = ReviewerPrompt.Build(PromptTemplates.Defaults, Question, Chain, PrefixStyle.Instruction),
            ["refiner"] = RefinerPrompt.Build(PromptTemplates.Defaults, Question, Chain, Feedback),
            ["refiner-multiple-choice-instruction-style"] = RefinerPrompt.Build(PromptTemplates.Defaults, Question, Chain, Feedback, true, PrefixStyle.Instruction),
            ["self-refine-feedback"] = SelfRefinePrompt.BuildFeedback(PromptTemplates.Defaults, Question, history, Chain),
            ["self-refine-refine"] = SelfRefinePrompt.BuildRefine(PromptTemplates.Defaults, Question, history, Chain, Feedback),
            ["iort-meta-thinker"] = MetaThinkerPrompt.Build(PromptTemplates.Defaults, Question, meta),
            ["iort-meta-thinker-no-examples"] = MetaThinkerPrompt.Build(PromptTemplates.Defaults, Question, []),
            ["iort-generator"] = GeneratorPrompt.Build(PromptTemplates.Defaults, Question, [("Q1 {{$q}}", " Step 1: \\boxed{1} ")]),
            ["iort-critique"] = ReflectorPrompt.BuildCritique(PromptTemplates.Defaults, Question, Chain),
            ["iort-revision"] = ReflectorPrompt.BuildRevision(PromptTemplates.Defaults, Question, Chain, Feedback),
            ["iort-select"] = InstructorPrompt.BuildSelect(PromptTemplates.Defaults, Question, " plan <it> ", basic, reflective),
            ["iort-agreement-no-meta"] = InstructorPrompt.BuildAgreement(PromptTemplates.Defaults, Question, null, basic, reflective),
            ["spc-critic"] = CriticPrompt.Build(PromptTemplates.Defaults, Question, [" Step one {{$s}}. ", "Step <two>."], Feedback),
            ["spc-critic-first-step"] = CriticPrompt.Build(PromptTemplates.Defaults, Question, [], Feedback),
            ["spc-sneaky"] = SneakyGeneratorPrompt.Build(PromptTemplates.Defaults, Question, ["Step one."], " 2 + 3 = 5. ", [" calculation error ", "misread {{$x}}"]),
            ["spc-continue"] = SolverContinuationPrompt.BuildContinuation(PromptTemplates.Defaults, Question, [" a ", "b <c>"]),
            ["spc-next-step-empty"] = SolverContinuationPrompt.BuildNextStep(PromptTemplates.Defaults, Question, []),
        };
        return prompts.ToDictionary(p => p.Key, p => p.Value.Select(m => $"{m.Role.Value}: {m.Text}").ToArray());
    }

    private static void Record(string name, string[] messages)
    {
        var source = Path.Combine(Agents.Testing.SharedData.RepoRoot, "tests", "Agents.Core.Tests", "Prompts", "golden-prompts.json");
        lock (typeof(PromptGoldenTests))
        {
            var golden = File.Exists(source) ? JsonSerializer.Deserialize<SortedDictionary<string, string[]>>(File.ReadAllText(source))! : [];
            golden[name] = messages;
            File.WriteAllText(source, JsonSerializer.Serialize(golden, Indented) + "\n");
        }
    }
}
