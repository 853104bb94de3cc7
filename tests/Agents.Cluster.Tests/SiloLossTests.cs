using System.Collections.Immutable;
using System.Text.Json;
using Agents.Cli.Batch;
using Agents.Contracts.Jobs;
using Agents.Core.Solving;
using Agents.Inference;
using Agents.Core.Simulation;
using Agents.Inference.Backends;
using Agents.Inference.Serving;
using Agents.Inference.Simulation;
using Agents.Testing;
using Spectre.Console;
using Xunit.Abstractions;

namespace Agents.Cluster.Tests;

/// <summary>A MAgICoRe batch on three real silo processes loses one silo (kill -9) in the middle of refinement.</summary>
public sealed class SiloLossTests(ITestOutputHelper output)
{
    [RedisFact]
    public async Task Magicore_SiloKilledMidRefinement_JobCompletesEachResultOnceWithoutRepeatingDraws()
    {
        const int problems = 40;
        const int k = 4;
        const int concurrency = 8;
        await using var redis = await RedisServer.StartAsync();
        // A model server that takes time per request, so the kill lands while runs are in flight.
        using var latency = new SimulatedLatency(new SimulatedLatencyOptions { DecodeTokensPerSecond = 1500 });
        await using var server = await SimServer.StartAsync(new SimServerOptions { Port = FreePort.Next() }, SimulatedBackend.Create(latency: latency));
        var cpu = new Dictionary<string, string> { ["role"] = "cpu" };
        await using var siloA = await SiloProcess.StartAsync("a", redis.Endpoint, "agents", cpu);
        var siloB = await SiloProcess.StartAsync("b", redis.Endpoint, "agents", cpu);
        await using var siloC = await SiloProcess.StartAsync("c", redis.Endpoint, "agents", cpu);
        await using var observer = await AgentsConnection.OpenAsync($"redis://{redis.Endpoint}", new Dictionary<string, string?>(), CancellationToken.None);

        var dir = Directory.CreateTempSubdirectory("agents-loss-");
        var input = Path.Combine(dir.FullName, "s.jsonl");
        await File.WriteAllLinesAsync(input, SyntheticProblems.Generate(problems, seed: 13, minSteps: 6, maxSteps: 8)
            .Select(p => JsonSerializer.Serialize(new { id = p.Id, question = p.Question, answer = p.Gold })));
        var results = Path.Combine(dir.FullName, "r.jsonl");
        // mu far above every score fails condition 1, so problems with spread answers are refined (see StrategyGrainTests).
        var settings = new BatchSettings(
            input, "magicore", results, Model: server.ModelSpec, K: k, Rounds: 2, Concurrency: concurrency, Temperature: 1.4,
            Cluster: $"redis://{redis.Endpoint}", JobId: "job-loss", Mu: 10, Sigma: 1);
        var text = new StringWriter();
        var console = AnsiConsole.Create(new AnsiConsoleSettings { Out = new AnsiConsoleOutput(text), Interactive = InteractionSupport.No });

        var batch = new BatchRunner(console, text).RunAsync(settings, CancellationToken.None);
        // Kill once the first refinement round is under way (reviewer/refiner requests are n = 1, the solver's are n = k).
        var deadline = DateTime.UtcNow.AddSeconds(60);
        while (server.Stats.Recent.Count(r => r.N == 1) < 4 && DateTime.UtcNow < deadline && !batch.IsCompleted)
        {
            await Task.Delay(50);
        }

        // Runs in flight at the kill (every silo's; an upper bound on those the killed silo held).
        var inFlightAtKill = (await observer.Grains.GetGrain<IBatchJobGrain>("job-loss").GetProgressAsync()).InFlight;
        var requestsAtKill = server.Stats.Requests;
        await siloB.DisposeAsync(); // kill -9: no graceful shutdown, the silo's activations are simply gone
        var exit = await batch.WaitAsync(TimeSpan.FromMinutes(3));
        output.WriteLine(text.ToString());

        Assert.Equal(ExitCodes.Ok, exit);
        Assert.True(requestsAtKill > 0 && requestsAtKill < server.Stats.Requests, $"kill at {requestsAtKill} of {server.Stats.Requests} requests");
        var rows = OutputFile.ReadAndRepair(results);
        Assert.Equal(problems, rows.Count);
        Assert.Equal(problems, rows.Select(r => r.Id).Distinct().Count());
        Assert.All(rows, r => Assert.Equal("ok", r.Status));
        Assert.Contains(rows, r => r.Rounds > 0);
        // Every run's ledger holds exactly one solver draw, and the server saw at most one redone draw per run in flight.
        Assert.All(rows, r => Assert.Equal(1, r.CallsByRole["solver"]));
        var draws = server.Stats.Recent.Count(r => r.N == k);
        Assert.InRange(draws, problems, problems + concurrency);
        Assert.All(rows, r => Assert.Equal(k + (2 * k * r.Rounds), r.Samples));

        // Redone work: a request whose seed the server saw before is a model call paid twice. Seeds come from
        // (problem, role, round, index), so each repeat names its run.
        var runOfSeed = SeedsByRun(rows.Select(r => r.Id), k, rounds: 2);
        var repeats = server.Stats.Recent.Where(r => r.Seed is not null).GroupBy(r => r.Seed!.Value).Where(g => g.Count() > 1).ToList();
        var redoneCalls = repeats.Sum(g => g.Count() - 1);
        var redoneRuns = repeats.Select(g => runOfSeed[g.Key]).Distinct().Count();
        var ledgerCalls = rows.Sum(r => r.CallsByRole.Where(c => c.Key is "solver" or "reviewer" or "refiner").Sum(c => c.Value));
        output.WriteLine(
            $"figure: silo-loss kill -9 1 of 3 silos: problems {problems}, rows {rows.Count}, lost {problems - rows.Select(r => r.Id).Distinct().Count()}, " +
            $"duplicated {rows.Count - rows.Select(r => r.Id).Distinct().Count()}, runs in flight at kill {inFlightAtKill}, redone runs {redoneRuns}, " +
            $"redone calls {redoneCalls}, server requests {server.Stats.Requests} vs ledger calls {ledgerCalls}");
        Assert.Equal(ledgerCalls + redoneCalls, server.Stats.Requests);
        Assert.InRange(redoneRuns, 0, inFlightAtKill);
    }

    // Every seed a MAgICoRe run of these settings can send, mapped to its problem.
    private static Dictionary<long, string> SeedsByRun(IEnumerable<string> problemIds, int k, int rounds)
    {
        var seeds = new Dictionary<long, string>();
        foreach (var id in problemIds)
        {
            foreach (var role in new[] { ModelRoles.Solver, ModelRoles.Reviewer, ModelRoles.Refiner })
            {
                for (var round = 0; round <= rounds; round++)
                {
                    var seed = SampleSeed.Derive("", id, role, round);
                    for (var index = 0; index < k; index++)
                    {
                        seeds[SampleSeed.ForChoice(seed, index)] = id;
                    }
                }
            }
        }

        return seeds;
    }
}
