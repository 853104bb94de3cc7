using System.CommandLine;
using Agents.Cli;
using Agents.Cli.Commands;

// Ctrl-C is handled here, not by System.CommandLine, so a second press can mean something (a cluster batch cancels
// its job); the first press cancels the token every command gets.
using var interrupts = Interrupts.Install();
var invocation = AgentsCommand.Create().Parse(args).InvokeAsync(new InvocationConfiguration { ProcessTerminationTimeout = null }, interrupts.Token);
return await await Task.WhenAny(invocation, interrupts.Forced);
