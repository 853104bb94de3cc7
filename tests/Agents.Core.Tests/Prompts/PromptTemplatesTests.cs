using Agents.Core.Instructing;
using Agents.Core.Prompts;
using Agents.Core.Refining;
using Agents.Core.Solving;

namespace Agents.Core.Tests.Prompts;

/// <summary>Template files: overriding defaults from a directory, errors that name the file and line, export.</summary>
public sealed class PromptTemplatesTests : IDisposable
{
    private readonly DirectoryInfo _dir = Directory.CreateTempSubdirectory("agents-prompts-");

    [Fact]
    public void Defaults_EveryBuilderTemplatePresent_WithTheMarkersParsersRead()
    {
        var defaults = PromptTemplates.Defaults;

        Assert.Contains("solver.user", defaults.Names);
        Assert.Contains(PromptMarkers.SolverInstruction, defaults.Text("solver.user"), StringComparison.Ordinal);
        Assert.Equal($"{ReviewerPrompt.FeedbackHeading}\n{ReviewerPrompt.Prefix}", defaults.Text("reviewer.prefix"));
        Assert.Equal($"{RefinerPrompt.RevisedSolutionHeading}\n{RefinerPrompt.Announcement}", defaults.Text("refiner.prefix"));
        Assert.Equal(PromptMarkers.InstructorSelectInstruction, defaults.Text("iort.instructor.select"));
        Assert.Equal(PromptMarkers.ReviseInstruction, defaults.Text("iort.reflector.revise"));
        Assert.Equal(["question", "meta_thought", "first_number", "first", "second_number", "second", "instruction"], defaults.VariablesOf("iort.instructor.user"));
    }

    [Fact]
    public void FromDirectory_OneFileOverridden_RendersItAndKeepsTheOtherDefaults()
    {
        File.WriteAllText(Path.Combine(_dir.FullName, "solver.user.txt"), "Q: {{$question}}\r\nThink, then answer in \\boxed{}.\n");
        var templates = PromptTemplates.FromDirectory(_dir.FullName);

        Assert.Equal("Q: What is {{$x}} & <y>?\nThink, then answer in \\boxed{}.", templates.Render("solver.user", ("question", "What is {{$x}} & <y>?")));
        Assert.Equal(PromptTemplates.Defaults.Text("reviewer.system"), templates.Text("reviewer.system"));
        Assert.NotEqual(PromptTemplates.Defaults.Hash, templates.Hash);
    }

    [Fact]
    public void Builders_EditedAndDefaultSetsSideBySide_EachRendersItsOwn()
    {
        File.WriteAllText(Path.Combine(_dir.FullName, "iort.meta-thinker.system.txt"), "Give the plan only.");
        var edited = PromptTemplates.FromDirectory(_dir.FullName);

        Assert.Equal("Give the plan only.", MetaThinkerPrompt.Build(edited, "q", [])[0].Text);
        Assert.Equal(PromptMarkers.MetaThinkerInstruction, MetaThinkerPrompt.Build(PromptTemplates.Defaults, "q", [])[0].Text);
        Assert.Equal(SolverPrompt.Build(PromptTemplates.Defaults, "q")[0].Text, SolverPrompt.Build(edited, "q")[0].Text);
        Assert.Contains(PromptMarkers.SolverInstruction, SolverPrompt.Build(edited, "q")[0].Text, StringComparison.Ordinal);
    }

    [Fact]
    public void FromDirectory_UnknownTemplateName_NamesTheFileAndTheKnownNames()
    {
        var file = Path.Combine(_dir.FullName, "solver.usr.txt");
        File.WriteAllText(file, "x");

        var error = Assert.Throws<PromptTemplateException>(() => PromptTemplates.FromDirectory(_dir.FullName));

        Assert.StartsWith($"{file}: no prompt template is named 'solver.usr'", error.Message, StringComparison.Ordinal);
        Assert.Contains("solver.user", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void FromDirectory_UnknownVariable_NamesTheFileLineAndTheTemplatesVariables()
    {
        var file = Path.Combine(_dir.FullName, "magicore.solution.txt");
        File.WriteAllText(file, "### Question:\n{{$question}}\n\n### Current Solution:\n{{ $soluton }}\n");

        var error = Assert.Throws<PromptTemplateException>(() => PromptTemplates.FromDirectory(_dir.FullName));

        Assert.Equal($"{file}:5: unknown variable '$soluton'; this template has: $question, $solution", error.Message);
    }

    [Fact]
    public void FromDirectory_MissingDirectory_Named()
    {
        var missing = Path.Combine(_dir.FullName, "nope");

        var error = Assert.Throws<PromptTemplateException>(() => PromptTemplates.FromDirectory(missing));

        Assert.Equal($"{missing}: prompt directory not found", error.Message);
    }

    [Fact]
    public void ExportDefaults_ThenLoad_SameTemplatesAndHash()
    {
        var written = PromptTemplates.ExportDefaults(_dir.FullName);
        var loaded = PromptTemplates.FromDirectory(_dir.FullName);

        Assert.Equal(PromptTemplates.Defaults.Names.Count, written.Count);
        Assert.Equal(PromptTemplates.Defaults.Hash, loaded.Hash);
        Assert.All(loaded.Names, n => Assert.Equal(PromptTemplates.Defaults.Text(n), loaded.Text(n)));
    }

    public void Dispose() => _dir.Delete(recursive: true);
}
