using System.Collections.Immutable;
using Agents.Contracts.Jobs;
using Agents.Contracts.Problems;
using Agents.Core.Simulation;
using Agents.Core.Strategies;
using Agents.Inference.Backends;
using Agents.Inference.Serving;
using Agents.Testing;

namespace Agents.Grains.Tests;

/// <summary>
/// MAgICoRe code mode on an OpenAI-compatible server (the sim-server): the solver sends the released prompt with its
/// "Step 1:" prefill and vLLM's continue_final_message, reviewer and refiner send min_tokens 50, and each row records what
/// the server did with the prefill; paper mode sends none of it.
/// </summary>
[Collection(ClusterCollection.Name)]
public sealed class MagicoreCodePromptTests(ClusterFixture fixture)
{
    // 6-8 steps at temperature 1.4 with mu = 10 (condition 1 fails everywhere): some problems are refined in iteration 1.
    private static readonly Problem[] Problems = [.. SyntheticProblems.Generate(8, seed: 31, minSteps: 6, maxSteps: 8)];

    private async Task<List<Contracts.Runs.RunResult>> RunAsync(string jobId, string mode, SimServer server)
    {
        var options = ImmutableDictionary<string, string>.Empty.Add("mode", mode).Add("mu", "10").Add("sigma", "1");
        var spec = StrategyDefaults.Create(StrategyNames.Magicore, k: 8, rounds: 1, temperature: 1.4, seed: 9, model: server.ModelSpec, options: options);
        var job = fixture.Client.GetGrain<IBatchJobGrain>(jobId);
        await job.CreateAsync(new JobSpec(jobId, spec, Concurrency: 8, MaxAttempts: 1));
        await job.AddProblemsAsync(0, [.. Problems]);
        await job.StartAsync();
        return await job.DrainAsync();
    }

    [Fact]
    public async Task CodeMode_ServerHonoursContinue_ReleasedPromptPrefillContinuedAndMinTokensOnReviewerAndRefiner()
    {
        await using var server = await SimServer.StartAsync(new SimServerOptions { Port = FreePort.Next() }, SimulatedBackend.Create());

        var results = await RunAsync("mg-code-prompt", "code", server);

        Assert.All(results, r => Assert.Equal("ok", r.Status));
        Assert.All(results, r => Assert.Equal("continued", r.Details["solver_prefill"]));
        Assert.All(results, r => Assert.Equal("released", r.Details["solver_prompt"]));
        Assert.Contains(results, r => r.Rounds > 0);
        var solver = server.Stats.Recent.Where(r => r.N == 8).ToList();
        Assert.Equal(Problems.Length, solver.Count);
        Assert.All(solver, r => Assert.True(r.FinalAssistant && r.ContinueFinalMessage == true && r.MinTokens is null));
        var agents = server.Stats.Recent.Where(r => r.N == 1).ToList();
        Assert.Equal(results.Sum(r => 2 * 8 * r.Rounds), agents.Count);
        Assert.All(agents, r => Assert.Equal(50, r.MinTokens));
        Assert.All(agents, r => Assert.True(r.ContinueFinalMessage));
    }

    [Fact]
    public async Task CodeMode_ServerRefusesContinue_RowsRecordRefused()
    {
        await using var server = await SimServer.StartAsync(
            new SimServerOptions { Port = FreePort.Next(), FinalMessage = SimFinalMessageMode.Refuse }, SimulatedBackend.Create());

        var results = await RunAsync("mg-code-refused", "code", server);

        Assert.All(results, r => Assert.Equal("ok", r.Status));
        Assert.All(results, r => Assert.Equal("refused", r.Details["solver_prefill"]));
        Assert.All(server.Stats.Recent, r => Assert.Null(r.ContinueFinalMessage));
        Assert.InRange(server.Stats.RefusedParameters, 1, 8);
    }

    [Fact]
    public async Task PaperMode_ProjectPromptNoPrefillNoMinTokens()
    {
        await using var server = await SimServer.StartAsync(new SimServerOptions { Port = FreePort.Next() }, SimulatedBackend.Create());

        var results = await RunAsync("mg-paper-prompt", "paper", server);

        Assert.All(results, r => Assert.Equal("ok", r.Status));
        Assert.All(results, r => Assert.False(r.Details.ContainsKey("solver_prefill")));
        Assert.All(results, r => Assert.Equal("project", r.Details["solver_prompt"]));
        Assert.All(server.Stats.Recent.Where(r => r.N == 8), r => Assert.False(r.FinalAssistant));
        Assert.All(server.Stats.Recent, r => Assert.Null(r.MinTokens));
        Assert.Equal(0, server.Stats.MinTokensRequests);
    }
}
