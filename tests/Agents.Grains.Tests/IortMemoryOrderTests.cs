using System.Collections.Immutable;
using System.Globalization;
using Agents.Contracts.Instructing;
using Agents.Contracts.Jobs;
using Agents.Contracts.Problems;
using Agents.Contracts.Runs;
using Agents.Core.Simulation;
using Agents.Core.Strategies;
using Agents.Inference.Backends;
using Agents.Inference.Serving;
using Agents.Testing;
using Microsoft.Extensions.Configuration;
using Orleans.TestingHost;

namespace Agents.Grains.Tests;

/// <summary>
/// IoRT's shared-growing meta-memory adds pairs in input order at a barrier per wave, so what each problem's Meta-Thinker
/// sees does not depend on concurrency or completion order; and the Meta-Thinker's and Instructor's model is the run's
/// option, else the silo's configured instructor model, else the run's model, recorded per row.
/// </summary>
[Collection(ClusterCollection.Name)]
public sealed class IortMemoryOrderTests(ClusterFixture fixture)
{
    private const int Wave = 4;

    // Different lengths, so runs finish out of input order at concurrency 8.
    private static readonly Problem[] Problems = [.. SyntheticProblems.Generate(12, seed: 41, minSteps: 2, maxSteps: 9)];

    private static StrategySpec SharedGrowing() => StrategyDefaults.Create(StrategyNames.Iort, rounds: 1, seed: 5, options: ImmutableDictionary<string, string>.Empty
        .Add("meta_memory_policy", "shared-growing").Add("meta_memory_wave", Wave.ToString(CultureInfo.InvariantCulture)).Add("meta_memory_similarity", "lexical"));

    private async Task<Dictionary<string, RunResult>> RunJobAsync(string jobId, StrategySpec spec, int concurrency)
    {
        var job = fixture.Client.GetGrain<IBatchJobGrain>(jobId);
        await job.CreateAsync(new JobSpec(jobId, spec, concurrency, MaxAttempts: 1));
        // Two upload chunks of different sizes: input positions run across them.
        await job.AddProblemsAsync(0, [.. Problems.Take(5)]);
        await job.AddProblemsAsync(1, [.. Problems.Skip(5)]);
        await job.StartAsync();
        return (await job.DrainAsync()).ToDictionary(r => r.ProblemId);
    }

    [Fact]
    public async Task SharedGrowing_Concurrency1And8_EveryProblemSeesTheSameExamplesFromEarlierWavesOnly()
    {
        var serial = await RunJobAsync("iort-sg-1", SharedGrowing(), 1);
        var parallel = await RunJobAsync("iort-sg-8", SharedGrowing(), 8);

        for (var i = 0; i < Problems.Length; i++)
        {
            var id = Problems[i].Id;
            Assert.Equal("valid", serial[id].Details["meta_thought"]);
            // Problem i sees the pairs of every earlier wave (and none of its own wave), up to the 8 retrieved.
            Assert.Equal(Math.Min(8, i / Wave * Wave), int.Parse(serial[id].Details["meta_examples_seen"], CultureInfo.InvariantCulture));
            Assert.Equal(serial[id].Details["meta_examples_digest"], parallel[id].Details["meta_examples_digest"]);
            Assert.Equal(serial[id].Details["meta_examples_seen"], parallel[id].Details["meta_examples_seen"]);
            Assert.Equal(serial[id].Answer, parallel[id].Answer);
        }

        var memory = fixture.Client.GetGrain<IMetaMemoryGrain>("iort-sg-8");
        var all = await memory.RetrieveBeforeAsync(Problems[0].Question, 100, "lexical", "iort-sg-8", Problems.Length);
        Assert.Equal(Problems.Length, all.Length);
    }

    [Fact]
    public async Task InstructorModel_OptionElseRunModel_RecordedPerRow()
    {
        await using var server = await SimServer.StartAsync(new SimServerOptions { Port = FreePort.Next() }, SimulatedBackend.Create());
        var withOption = StrategyDefaults.Create(StrategyNames.Iort, rounds: 1, seed: 5, model: "sim",
            options: ImmutableDictionary<string, string>.Empty.Add("instructor_model", server.ModelSpec));
        var without = StrategyDefaults.Create(StrategyNames.Iort, rounds: 1, seed: 5, model: "sim");

        var optioned = await fixture.Client.GetGrain<IProblemRunGrain>($"iort-im-opt/{Problems[0].Id}").RunAsync(new RunRequest("iort-im-opt", Problems[0], withOption));
        var requests = server.Stats.Requests;
        var plain = await fixture.Client.GetGrain<IProblemRunGrain>($"iort-im-run/{Problems[0].Id}").RunAsync(new RunRequest("iort-im-run", Problems[0], without));

        Assert.Equal((server.ModelSpec, "option"), (optioned.Details["instructor_model"], optioned.Details["instructor_model_source"]));
        var instructing = int.Parse(optioned.Details["calls_meta-thinker"], CultureInfo.InvariantCulture) + int.Parse(optioned.Details["calls_instructor"], CultureInfo.InvariantCulture);
        Assert.Equal(instructing, requests);
        Assert.Equal(("sim", "run"), (plain.Details["instructor_model"], plain.Details["instructor_model_source"]));
        Assert.Equal(requests, server.Stats.Requests);
    }

    [Fact]
    public async Task InstructorModel_SiloConfigured_UsedWhenTheRunNamesNone()
    {
        await using var server = await SimServer.StartAsync(new SimServerOptions { Port = FreePort.Next() }, SimulatedBackend.Create());
        await using var cluster = await AgentsTestCluster.StartAsync(1, _ => ClusterFixture.With(new Dictionary<string, string?>
        {
            ["Agents:Models:Instructor"] = server.ModelSpec,
        }));
        var spec = StrategyDefaults.Create(StrategyNames.Iort, rounds: 1, seed: 5, model: "sim");

        var result = await cluster.Client.GetGrain<IProblemRunGrain>($"iort-im-silo/{Problems[1].Id}").RunAsync(new RunRequest("iort-im-silo", Problems[1], spec));

        Assert.Equal((server.ModelSpec, "silo"), (result.Details["instructor_model"], result.Details["instructor_model_source"]));
        var instructing = int.Parse(result.Details["calls_meta-thinker"], CultureInfo.InvariantCulture) + int.Parse(result.Details["calls_instructor"], CultureInfo.InvariantCulture);
        Assert.Equal(instructing, server.Stats.Requests);
    }
}
