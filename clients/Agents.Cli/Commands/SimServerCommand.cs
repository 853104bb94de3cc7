using System.CommandLine;
using Agents.Cli.Batch;
using Agents.Inference.Backends;
using Agents.Inference.Serving;
using Agents.Inference.Simulation;
using Spectre.Console;

namespace Agents.Cli.Commands;

/// <summary><c>agents sim-server</c>: the simulated model behind the OpenAI chat-completions API on 127.0.0.1.</summary>
internal static class SimServerCommand
{
    public static Command Create()
    {
        var port = new Option<int>("--port") { Description = "Port on 127.0.0.1 (0 = any free port)", Required = true };
        var prefill = new Option<double>("--prefill-tps") { Description = "Simulated prefill tokens per second (0 = instant)" };
        var decode = new Option<double>("--decode-tps") { Description = "Simulated decode tokens per second (0 = instant)" };
        var concurrency = new Option<int>("--max-concurrency") { Description = "Server-wide concurrent requests, like continuous batching (0 = unlimited)" };
        var fail429 = new Option<double>("--fail-429") { Description = "Share of requests answered 429" };
        var fail500 = new Option<double>("--fail-500") { Description = "Share of requests answered 500" };
        var delayRate = new Option<double>("--delay-rate") { Description = "Share of requests held for --delay-ms" };
        var delayMs = new Option<int>("--delay-ms") { Description = "Hold time of delayed requests", DefaultValueFactory = _ => 5000 };
        var faultSeed = new Option<int>("--fault-seed") { Description = "Seed of the fault draws", DefaultValueFactory = _ => 1 };
        var finalMessage = new Option<SimFinalMessageMode>("--final-message")
        {
            Description = "continue (honour continue_final_message, like vLLM) | ignore (accept it, open a new turn anyway) | refuse (400, like OpenAI)",
            DefaultValueFactory = _ => SimFinalMessageMode.Continue,
        };
        var command = new Command("sim-server", "Serve the simulated model over the OpenAI HTTP API (a declared simulation, not an LLM)")
        {
            port, prefill, decode, concurrency, fail429, fail500, delayRate, delayMs, faultSeed, finalMessage,
        };
        command.SetAction(async (parse, cancellationToken) =>
        {
            var options = new SimServerOptions
            {
                Port = parse.GetValue(port),
                // Clients must send this key when AGENTS_SIM_SERVER_API_KEY is set; it is never printed.
                ApiKey = Environment.GetEnvironmentVariable("AGENTS_SIM_SERVER_API_KEY"),
                FailureRate429 = parse.GetValue(fail429),
                FailureRate500 = parse.GetValue(fail500),
                DelayRate = parse.GetValue(delayRate),
                Delay = TimeSpan.FromMilliseconds(parse.GetValue(delayMs)),
                FaultSeed = parse.GetValue(faultSeed),
                FinalMessage = parse.GetValue(finalMessage),
            };
            using var latency = new SimulatedLatency(new SimulatedLatencyOptions
            {
                PrefillTokensPerSecond = parse.GetValue(prefill),
                DecodeTokensPerSecond = parse.GetValue(decode),
                MaxConcurrency = parse.GetValue(concurrency),
            });
            await using var server = await SimServer.StartAsync(options, SimulatedBackend.Create(latency: latency), cancellationToken: cancellationToken);
            AnsiConsole.MarkupLine($"sim-server (simulated model, not an LLM) listening on [bold]{server.BaseAddress}[/]");
            AnsiConsole.MarkupLine($"use [bold]--model {Markup.Escape(server.ModelSpec)}[/]; Ctrl-C stops.");
            try
            {
                await Task.Delay(Timeout.Infinite, cancellationToken);
            }
            catch (OperationCanceledException)
            {
                AnsiConsole.MarkupLine($"stopping: {server.Stats.Requests} requests served.");
            }

            return ExitCodes.Ok;
        });
        return command;
    }
}
