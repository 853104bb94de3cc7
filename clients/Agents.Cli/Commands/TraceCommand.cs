using System.CommandLine;
using Agents.Cli.Trace;
using Spectre.Console;

namespace Agents.Cli.Commands;

/// <summary><c>agents trace</c>: a run's agent conversation, from a transcripts file or from the cluster.</summary>
internal static class TraceCommand
{
    public static Command Create()
    {
        var transcripts = new Option<string?>("--transcripts") { Description = "Transcripts JSONL of an embedded run (r.transcripts.jsonl, DIR/transcripts-<strategy>.jsonl)" };
        var job = new Option<string?>("--job") { Description = "Job id of a cluster run (with --cluster)" };
        var problem = new Option<string>("--problem") { Description = "Problem id", Required = true };
        var cluster = new Option<string?>("--cluster") { Description = "redis://HOST:PORT of the cluster that ran --job" };
        var json = new Option<bool>("--json") { Description = "Print the whole transcript as JSON" };
        var command = new Command("trace", "Print a run's agent conversation in order: from → to, kind, round, text, tokens")
        {
            transcripts, job, problem, cluster, json,
        };
        command.SetAction(async (parse, cancellationToken) =>
        {
            var settings = new TraceSettings(parse.GetValue(problem)!, parse.GetValue(transcripts), parse.GetValue(job), parse.GetValue(cluster), parse.GetValue(json));
            var console = AnsiConsole.Console;
            if (Console.IsOutputRedirected)
            {
                // Piped into a file or a pager: no terminal to fit, so every message keeps its full excerpt on one line.
                console.Profile.Width = 220;
            }

            return await new TraceRunner(console, Console.Out, Console.Error).RunAsync(settings, cancellationToken);
        });
        return command;
    }
}
