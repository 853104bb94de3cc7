using System.CommandLine;
using Agents.Cli.Batch;
using Spectre.Console;

namespace Agents.Cli.Commands;

/// <summary><c>agents batch</c>: solve a dataset with one strategy (or, with <c>--export</c>, page a cluster job's results out).</summary>
internal static class BatchCommand
{
    public static Command Create()
    {
        var input = new Option<string?>("--input") { Description = "Dataset: JSONL or JSON array of GSM8K, MATH or generic rows (required unless --export)" };
        var strategy = new Option<string?>("--strategy") { Description = "cot | sc | bok | rmv | self-refine | magicore | iort | spc-search (required unless --export)" };
        var output = new Option<string?>("--output") { Description = "Output JSONL; rerunning resumes, skipping ids already in it (required unless --export)" };
        var record = new Option<string?>("--record") { Description = "Append every model request/response to FILE (replay with --model replay:FILE)" };
        var job = new Option<string?>("--job") { Description = "Job id (default: derived from input and settings)" };
        var metaMemory = new Option<string?>("--meta-memory") { Description = "iort: JSONL of {\"question\", \"meta_thought\"} pairs seeding the job's meta-memory" };
        var export = new Option<string?>("--export") { Description = "With --job ID --cluster C: write every result of the job to FILE and run nothing" };
        var order = new Option<string>("--order") { Description = "--export order: input (by input line) | completion", DefaultValueFactory = _ => "input" };
        var shared = new SolveOptions();
        var command = new Command("batch", "Solve every problem of a dataset with one strategy") { input, strategy, output, job, record, metaMemory, export, order };
        shared.AddTo(command);
        command.SetAction((parse, cancellationToken) =>
        {
            var settings = shared.Bind(parse, parse.GetValue(input) ?? "", parse.GetValue(strategy) ?? "", parse.GetValue(output) ?? "") with
            {
                JobId = parse.GetValue(job), Record = parse.GetValue(record), MetaMemory = parse.GetValue(metaMemory),
            };
            return new BatchRunner(AnsiConsole.Console, Console.Error, Interrupts.Process)
                .RunOrExportAsync(settings, parse.GetValue(export), parse.GetValue(order)!, cancellationToken);
        });
        return command;
    }
}
