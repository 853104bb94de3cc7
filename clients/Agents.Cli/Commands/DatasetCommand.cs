using System.CommandLine;
using System.Text;
using System.Text.Json;
using Agents.Cli.Batch;
using Agents.Core.Simulation;
using Spectre.Console;

namespace Agents.Cli.Commands;

/// <summary><c>agents dataset synth</c>: write synthetic multi-step arithmetic problems (the simulated world's tasks).</summary>
internal static class DatasetCommand
{
    public static Command Create()
    {
        var count = new Option<int>("--count") { Description = "Number of problems", Required = true };
        var seed = new Option<long>("--seed") { Description = "Generator seed", DefaultValueFactory = _ => 0 };
        var output = new Option<string>("--output") { Description = "Output JSONL", Required = true };
        var minSteps = new Option<int>("--min-steps") { Description = "Fewest steps (difficulty)", DefaultValueFactory = _ => 2 };
        var maxSteps = new Option<int>("--max-steps") { Description = "Most steps (difficulty)", DefaultValueFactory = _ => 8 };
        var synth = new Command("synth", "Generate synthetic arithmetic word problems with known answers") { count, seed, output, minSteps, maxSteps };
        synth.SetAction(async (parse, cancellationToken) =>
        {
            var n = parse.GetValue(count);
            var (lo, hi) = (parse.GetValue(minSteps), parse.GetValue(maxSteps));
            if (n < 1 || lo < 1 || hi < lo)
            {
                await Console.Error.WriteLineAsync($"error: need --count >= 1 and 1 <= --min-steps <= --max-steps (got {n}, {lo}, {hi})");
                return ExitCodes.Error;
            }

            var path = parse.GetValue(output)!;
            await using var writer = new StreamWriter(path, append: false, new UTF8Encoding(false));
            foreach (var problem in SyntheticProblems.Generate(n, parse.GetValue(seed), lo, hi))
            {
                var row = new { id = problem.Id, question = problem.Question, answer = problem.Gold, source = problem.Source, difficulty = SyntheticProblems.TryParse(problem.Question)?.Steps };
                await writer.WriteLineAsync(JsonSerializer.Serialize(row, OutputRow.Json));
            }

            AnsiConsole.MarkupLine($"Wrote {n} synthetic problems to {Markup.Escape(path)}.");
            return ExitCodes.Ok;
        });
        var command = new Command("dataset", "Dataset tools");
        command.Subcommands.Add(synth);
        return command;
    }
}
