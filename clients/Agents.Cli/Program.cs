using Agents.Cli.Commands;

return await AgentsCommand.Create().Parse(args).InvokeAsync();
