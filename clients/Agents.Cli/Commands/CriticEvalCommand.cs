using System.CommandLine;
using Agents.Cli.Spc;
using Spectre.Console;

namespace Agents.Cli.Commands;

/// <summary><c>agents critic-eval</c>: score a step critic on ProcessBench-format data (docs/algorithms.md §3.8).</summary>
internal static class CriticEvalCommand
{
    public static Command Create()
    {
        var bench = new Option<string>("--bench") { Description = "ProcessBench-format JSON or JSONL (problem, steps, label; id 'subset-n')", Required = true };
        var model = new Option<string?>("--model") { Description = "Critic model: sim | openai:URL#MODEL (default: the silo's critic model)" };
        var output = new Option<string?>("--output") { Description = "Per-item predictions JSONL: id, subset, label, predicted, calls, verdicts" };
        var cluster = new Option<string?>("--cluster") { Description = "redis://HOST:PORT of a running cluster; absent = embedded silo" };
        var concurrency = new Option<int>("--concurrency") { Description = "Items judged at once", DefaultValueFactory = _ => 16 };
        var maxTokens = new Option<int>("--max-tokens") { Description = "Completion cap of one critic call", DefaultValueFactory = _ => 2048 };
        var seed = new Option<long>("--seed") { Description = "Seed of the critic requests", DefaultValueFactory = _ => 0 };
        var scope = new Option<string>("--scope") { Description = "Step-level items: up-to-first-error | all", DefaultValueFactory = _ => "up-to-first-error" };
        var command = new Command("critic-eval", "Run a step critic over ProcessBench-format data: official first-error F1 and SPC's step-level accuracy per subset")
        {
            bench, model, output, cluster, concurrency, maxTokens, seed, scope,
        };
        command.SetAction(async (parse, cancellationToken) => await new CriticEvalRunner(AnsiConsole.Console, Console.Error).RunAsync(
            new CriticEvalSettings(
                parse.GetValue(bench)!, parse.GetValue(model), parse.GetValue(output), parse.GetValue(cluster), parse.GetValue(concurrency),
                parse.GetValue(maxTokens), parse.GetValue(seed), parse.GetValue(scope)!),
            cancellationToken));
        return command;
    }
}
