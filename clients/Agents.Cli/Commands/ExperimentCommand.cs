using System.CommandLine;
using Agents.Cli.Experiment;
using Spectre.Console;

namespace Agents.Cli.Commands;

/// <summary><c>agents experiment</c>: run several strategies on the same problems and compare them.</summary>
internal static class ExperimentCommand
{
    public static Command Create()
    {
        var input = new Option<string>("--input") { Description = "Dataset: JSONL or JSON array of GSM8K, MATH or generic rows", Required = true };
        var strategies = new Option<string>("--strategies") { Description = "Comma-separated: cot,sc,bok,rmv,self-refine,magicore,iort,spc-search", Required = true };
        var outputDir = new Option<string>("--output-dir") { Description = "Directory for results-<strategy>.jsonl, transcripts, summary.json, report.md and the plot", Required = true };
        var matchBudget = new Option<bool>("--match-budget") { Description = "Run magicore first, then give sc and bok k = round(MAgICoRe's mean generations per problem)" };
        var shared = new SolveOptions();
        var command = new Command("experiment", "Run several strategies on the same problems, model and seed; write a comparison report")
        {
            input, strategies, outputDir, matchBudget,
        };
        shared.AddTo(command);
        command.SetAction((parse, cancellationToken) =>
        {
            var settings = new ExperimentSettings(
                shared.Bind(parse, parse.GetValue(input)!, "", ""), parse.GetValue(strategies)!.Split(','), parse.GetValue(outputDir)!, parse.GetValue(matchBudget));
            return new ExperimentRunner(AnsiConsole.Console, Console.Error).RunAsync(settings, cancellationToken);
        });
        return command;
    }
}
