using System.CommandLine;
using Agents.Cli.Batch;
using Spectre.Console;

namespace Agents.Cli.Commands;

/// <summary><c>agents job status|cancel|delete ID --cluster C</c>: a batch job's progress, stop it starting new runs, or remove it.</summary>
internal static class JobCommand
{
    public static Command Create()
    {
        var command = new Command("job", "Batch jobs on a cluster");
        command.Subcommands.Add(Sub("status", "Show a job's progress: total, completed, failed, in flight, correct, phase, state",
            (tools, id, cluster, token) => tools.StatusAsync(id, cluster, token)));
        command.Subcommands.Add(Sub("cancel", "Cancel a job: no new runs start, runs in flight finish",
            (tools, id, cluster, token) => tools.CancelAsync(id, cluster, token)));
        command.Subcommands.Add(Sub("delete", "Delete a job that is not running: its problems, results and runs (the id can be reused)",
            (tools, id, cluster, token) => tools.DeleteAsync(id, cluster, token)));
        return command;
    }

    private static Command Sub(string name, string description, Func<JobTools, string, string?, CancellationToken, Task<int>> action)
    {
        var id = new Argument<string>("ID") { Description = "The job id (printed by agents batch)" };
        var cluster = new Option<string?>("--cluster") { Description = "redis://HOST:PORT of the cluster running the job" };
        var command = new Command(name, description) { id, cluster };
        command.SetAction((parse, cancellationToken) =>
            action(new JobTools(AnsiConsole.Console, Console.Error), parse.GetValue(id)!, parse.GetValue(cluster), cancellationToken));
        return command;
    }
}
