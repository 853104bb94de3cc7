using System.CommandLine;

namespace Agents.Cli.Commands;

/// <summary>The <c>agents</c> root command and its subcommands (the ARCHITECTURE command-line contract).</summary>
internal static class AgentsCommand
{
    /// <summary>Builds the command tree.</summary>
    public static RootCommand Create()
    {
        var root = new RootCommand("Agents: LLM self-refinement methods as agents on an Orleans cluster.");
        root.Subcommands.Add(BatchCommand.Create());
        root.Subcommands.Add(GradeCommand.Create());
        root.Subcommands.Add(DatasetCommand.Create());
        root.Subcommands.Add(SimServerCommand.Create());
        root.Subcommands.Add(ClusterCommand.Create());
        root.Subcommands.Add(JobCommand.Create());
        root.Subcommands.Add(ExperimentCommand.Create());
        root.Subcommands.Add(TraceCommand.Create());
        root.Subcommands.Add(CriticEvalCommand.Create());
        root.Subcommands.Add(SelfPlayCommand.Create());
        root.Subcommands.Add(PromptsCommand.Create());
        return root;
    }
}
