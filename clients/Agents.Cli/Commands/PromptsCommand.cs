using System.CommandLine;
using Agents.Cli.Batch;
using Agents.Core.Prompts;
using Spectre.Console;

namespace Agents.Cli.Commands;

/// <summary>
/// <c>agents prompts list|export|check</c>: the role prompt templates. Export the defaults, edit them, check the
/// directory, then point silos (and the embedded silo) at it with <c>Agents:Prompts:Directory</c>.
/// </summary>
internal static class PromptsCommand
{
    public static Command Create()
    {
        var list = new Command("list", "List the prompt templates and their variables");
        var listDir = new Option<string?>("--dir") { Description = "Show the templates as overridden by DIR" };
        list.Options.Add(listDir);
        list.SetAction(parse => Run(Console.Error, () => List(parse.GetValue(listDir), AnsiConsole.Console)));

        var export = new Command("export", "Write the default templates to DIR as NAME.txt, to edit");
        var exportDir = new Argument<string>("DIR");
        export.Arguments.Add(exportDir);
        export.SetAction(parse => Run(Console.Error, () =>
        {
            var written = PromptTemplates.ExportDefaults(parse.GetValue(exportDir)!);
            AnsiConsole.Console.WriteLine($"wrote {written.Count} templates to {parse.GetValue(exportDir)}; use them with --Agents:Prompts:Directory=DIR on silos or Agents__Prompts__Directory=DIR for the embedded silo");
        }));

        var check = new Command("check", "Load DIR as overrides and report the first problem (file:line)");
        var checkDir = new Argument<string>("DIR");
        check.Arguments.Add(checkDir);
        check.SetAction(parse => Run(Console.Error, () =>
        {
            var templates = PromptTemplates.FromDirectory(parse.GetValue(checkDir)!);
            var changed = templates.Names.Count(n => templates.Text(n) != PromptTemplates.Defaults.Text(n));
            AnsiConsole.Console.WriteLine($"ok: {changed} of {templates.Names.Count} templates differ from the defaults; prompt set {templates.Hash}");
        }));

        return new Command("prompts", "The role prompt templates (Semantic Kernel syntax, {{$variable}})") { list, export, check };
    }

    private static void List(string? dir, IAnsiConsole console)
    {
        var templates = dir is null ? PromptTemplates.Defaults : PromptTemplates.FromDirectory(dir);
        var table = new Table().AddColumns("template", "variables", dir is null ? "chars" : "edited");
        foreach (var name in templates.Names)
        {
            var variables = string.Join(" ", templates.VariablesOf(name).Select(v => "$" + v));
            var last = dir is null
                ? templates.Text(name).Length.ToString(System.Globalization.CultureInfo.InvariantCulture)
                : templates.Text(name) == PromptTemplates.Defaults.Text(name) ? "" : "yes";
            table.AddRow(Markup.Escape(name), Markup.Escape(variables), last);
        }

        console.Write(table);
        console.WriteLine($"prompt set {templates.Hash}");
    }

    private static int Run(TextWriter errors, Action action)
    {
        try
        {
            action();
            return ExitCodes.Ok;
        }
        catch (PromptTemplateException ex)
        {
            errors.WriteLine($"error: {ex.Message}");
            return ExitCodes.Error;
        }
    }
}
