using System.Collections.Immutable;
using Microsoft.Extensions.AI;
using Microsoft.Extensions.DependencyInjection;
using Agents.Contracts.Inference;
using Agents.Contracts.Runs;
using Agents.Core.Simulation;
using Agents.Core.Strategies;
using Agents.Inference;
using Agents.Inference.Gpu;
using Orleans.Runtime.Placement;
using Agents.Testing;
using Microsoft.Extensions.Time.Testing;

namespace Agents.Grains.Tests.Inference;

[Collection(GpuClusterCollection.Name)]
public sealed class GpuPlacementTests(GpuClusterFixture fixture)
{
    private static readonly ImmutableArray<InferenceMessage> Prompt = [new("user", "What is 12 + 30? Reason step by step.")];

    [Fact]
    public async Task Replicas_BurstFromClient_LandOnGpuSilosWithinTenPercent()
    {
        const int count = 40;
        var loads = await Task.WhenAll(Enumerable.Range(0, count)
            .Select(i => fixture.Client.GetGrain<IInferenceGrain>(GpuSiloMetadata.ReplicaKey("burst", i)).GetLoadAsync()));

        var perSilo = loads.GroupBy(l => l.Silo).ToDictionary(g => g.Key, g => g.Count());
        Assert.All(perSilo.Keys, silo => Assert.Contains(silo, fixture.GpuSilos));
        Assert.Equal(2, perSilo.Count);
        Assert.True(Math.Abs(perSilo.Values.First() - perSilo.Values.Last()) <= count / 10, $"split {string.Join("/", perSilo.Values)}");
    }

    [Fact]
    public async Task Run_PlacedOnCpuSilo_SendsModelCallsToGpuReplicas()
    {
        var problem = SyntheticProblems.Generate(1, seed: 11).First();
        var spec = StrategyDefaults.Create(StrategyNames.SelfConsistency, k: 4, seed: 3);
        RequestContext.Set(IPlacementDirector.PlacementHintKey, fixture.CpuSilo.SiloAddress);
        RunResult result;
        try
        {
            result = await fixture.Client.GetGrain<IProblemRunGrain>($"job-gpu/{problem.Id}").RunAsync(new RunRequest("job-gpu", problem, spec));
        }
        finally
        {
            RequestContext.Remove(IPlacementDirector.PlacementHintKey);
        }

        Assert.Equal("ok", result.Status);
        Assert.Equal(fixture.CpuSilo.SiloAddress.ToString(), result.Silo);
        var management = fixture.Client.GetGrain<IManagementGrain>(0);
        var statistics = await management.GetSimpleGrainStatistics();
        var inference = statistics.Where(s => s.GrainType.Contains("InferenceGrain", StringComparison.Ordinal) && s.ActivationCount > 0).ToArray();
        Assert.NotEmpty(inference);
        Assert.All(inference, s => Assert.Contains(s.SiloAddress.ToString(), fixture.GpuSilos));
        var served = await fixture.Router(fixture.CpuSilo).LoadsAsync("sim");
        Assert.True(served.Sum(l => l.Served) >= 1);
    }

    [Fact]
    public async Task Replica_ModelNoSiloHosts_ThrowsNoGpuSiloException()
    {
        var direct = await Assert.ThrowsAsync<NoGpuSiloException>(() => fixture.Client.GetGrain<IInferenceGrain>("absent/0").GetLoadAsync());
        Assert.Equal("absent", direct.Model);

        var routed = fixture.Cluster.GetSiloServiceProvider(fixture.CpuSilo.SiloAddress).GetRequiredService<IModelRegistry>()
            .Resolve("openai:http://127.0.0.1:9/v1#absent");
        await Assert.ThrowsAsync<NoGpuSiloException>(() => routed.GetResponseAsync([new ChatMessage(ChatRole.User, "hi")]));
    }

    [Fact]
    public async Task Router_LeastLoaded_SplitsRequestsExactlyEvenlyOverIdleReplicas()
    {
        // A router of its own: no load reports or pauses that earlier tests left in the silo's router count here.
        var services = fixture.Cluster.GetSiloServiceProvider(fixture.CpuSilo.SiloAddress);
        var router = ActivatorUtilities.CreateInstance<Agents.Grains.Inference.InferenceRouter>(services);
        var replicas = router.Replicas("sim");
        Assert.Equal(4, replicas.Length); // 2 gpu silos x 2 replicas

        // One request at a time (each awaited before the next is sent): every pick sees every replica idle, so least-loaded
        // rotates through the ties and the split is exact, whatever the machine's speed.
        const int count = 200;
        var responses = new List<InferenceResponse>(count);
        for (var i = 0; i < count; i++)
        {
            responses.Add(await router.SendAsync(new InferenceRequest("sim", Prompt, Seed: i), RoutingPolicy.LeastLoaded));
        }

        var perReplica = responses.GroupBy(r => r.Replica).ToDictionary(g => g.Key, g => g.Count());
        Assert.Equal(replicas.Order(), perReplica.Keys.Order());
        Assert.All(perReplica.Values, n => Assert.Equal(count / replicas.Length, n));
        var perSilo = responses.GroupBy(r => r.Silo).ToDictionary(g => g.Key, g => g.Count());
        Assert.Equal(fixture.GpuSilos.Order(), perSilo.Keys.Order());
        Assert.All(perSilo.Values, n => Assert.Equal(count / 2, n));
    }

    [Fact]
    public async Task Router_TenTimesCapacity_QueueStaysBoundedAndEveryRequestCompletes()
    {
        // The replica's counters belong to its activation and other tests in this collection send "tight" requests too:
        // start from a fresh activation so Served and MaxQueued count this test's requests only.
        await fixture.Cluster.DeactivateAsync(fixture.Client.GetGrain<IInferenceGrain>("tight/0"));
        var router = fixture.Router(fixture.CpuSilo);
        var replica = fixture.Client.GetGrain<IInferenceGrain>("tight/0");

        // The barrier: with the backend's replies held, the replica fills its 2 slots and its queue of 4 and refuses
        // the rest, which the router retries; only then are the replies let through.
        fixture.TightGate.Close();
        Task<InferenceResponse[]> sent;
        try
        {
            sent = Task.WhenAll(Enumerable.Range(0, 20)
                .Select(i => router.SendAsync(new InferenceRequest("tight", Prompt, Seed: i, AffinityKey: $"p{i}"))));
            var full = await Eventually.UntilAsync(replica.GetLoadAsync, l => l.Active == 2 && l.Queued == 4, TimeSpan.FromSeconds(15), "tight/0 holds 2 and queues 4");
            Assert.Equal(6, full.InFlight);
        }
        finally
        {
            fixture.TightGate.Open();
        }

        var responses = await sent;
        Assert.Equal(20, responses.Length);
        Assert.Equal(20, responses.Select(r => r.Choices[0]).Count(c => c.Length > 0));
        var load = await replica.GetLoadAsync();
        Assert.Equal(20, load.Served);
        Assert.Equal(4, load.MaxQueued);
        Assert.Equal(0, load.InFlight);
    }

    [Fact]
    public async Task Router_LeastLoaded_ReplicaFreesWhileAnotherQueues_TakesTheQueuedRequestBackThere()
    {
        // A router of its own on a frozen clock: its load reports stay fresh and a replica it pauses stays paused, so
        // nothing here depends on timing.
        var services = fixture.Cluster.GetSiloServiceProvider(fixture.CpuSilo.SiloAddress);
        var router = ActivatorUtilities.CreateInstance<Agents.Grains.Inference.InferenceRouter>(services, (TimeProvider)new FakeTimeProvider());
        var replicas = router.Replicas("pair");
        Assert.Equal(2, replicas.Length);
        var grains = replicas.ToDictionary(r => r, r => fixture.Client.GetGrain<IInferenceGrain>(r));
        static InferenceRequest Ask(string text) => new("pair", [new("user", text)], AffinityKey: text);

        // Both replicas answer once (idle: least-loaded takes each in turn), so the router knows their capacity.
        var warm = new[] { await router.SendAsync(Ask("warm 1"), RoutingPolicy.LeastLoaded), await router.SendAsync(Ask("warm 2"), RoutingPolicy.LeastLoaded) };
        Assert.Equal(replicas.Order(), warm.Select(r => r.Replica).Order());

        fixture.PairGate.Close();
        try
        {
            // Replica Z serves a held request; a round-robin request then queues behind it (the imbalance several
            // routers or stale reports leave), while the other replica W stays free.
            var held = router.SendAsync(Ask("hold 1"), RoutingPolicy.LeastLoaded);
            var z = (await Eventually.UntilAsync(
                async () => (await Task.WhenAll(replicas.Select(async r => (Replica: r, Load: await grains[r].GetLoadAsync())))).SingleOrDefault(x => x.Load.Active == 1).Replica,
                r => r is not null, TimeSpan.FromSeconds(15), "one pair replica serves the held request"))!;
            var w = replicas.Single(r => r != z);
            Task<InferenceResponse>? queued = null;
            for (var i = 0; i < 2 && queued is null; i++)
            {
                var sent = router.SendAsync(Ask($"plain {i}"), RoutingPolicy.RoundRobin);
                await Eventually.UntilAsync(async () => sent.IsCompleted || (await grains[z].GetLoadAsync()).Queued == 1, TimeSpan.FromSeconds(15), "a round-robin request answered by W or queued at Z");
                queued = sent.IsCompleted ? null : sent;
            }

            Assert.NotNull(queued);

            // W answers a least-loaded request with its queue empty: the router takes its request back from Z's queue
            // and W serves it, while Z still serves the held one.
            var free = await router.SendAsync(Ask("plain free"), RoutingPolicy.LeastLoaded);
            Assert.Equal(w, free.Replica);
            // Bounded only so that a router that never takes it back fails here rather than hanging (Z would never serve it).
            Assert.Equal(w, (await queued.WaitAsync(TimeSpan.FromSeconds(30))).Replica);
            var atZ = await grains[z].GetLoadAsync();
            Assert.Equal((1, 0), (atZ.Active, atZ.Queued));
            Assert.False(held.IsCompleted);
            fixture.PairGate.Open();
            Assert.Equal(z, (await held).Replica);
        }
        finally
        {
            fixture.PairGate.Open();
        }
    }

    [Fact]
    public async Task Replica_WithdrawQueuedRequest_FailsItAsWithdrawnAndServesTheOthers()
    {
        // Late binding's replica side: a router takes back a request that still waits in a replica's queue (it has
        // generated nothing) to send it to a replica with a free slot; a request already being served stays.
        var replica = fixture.Client.GetGrain<IInferenceGrain>("tight/0");
        fixture.TightGate.Close();
        Task<InferenceResponse>[] serving;
        try
        {
            serving = [.. Enumerable.Range(0, 2).Select(i => replica.CompleteAsync(new InferenceRequest("tight", Prompt, Seed: 2000 + i, RequestId: $"serving-{i}")))];
            await Eventually.UntilAsync(replica.GetLoadAsync, l => l.Active == 2, TimeSpan.FromSeconds(15), "tight/0 serves 2");
            var queued = replica.CompleteAsync(new InferenceRequest("tight", Prompt, Seed: 2002, RequestId: "queued"));
            await Eventually.UntilAsync(replica.GetLoadAsync, l => l.Queued == 1, TimeSpan.FromSeconds(15), "tight/0 queues 1");

            Assert.False(await replica.WithdrawAsync("serving-0"));
            Assert.True(await replica.WithdrawAsync("queued"));

            var withdrawn = await Assert.ThrowsAsync<InferenceOverloadedException>(() => queued);
            Assert.Equal(OverloadReason.Withdrawn, withdrawn.Reason);
            Assert.Equal((2, 0), await replica.GetLoadAsync() is var load ? (load.Active, load.Queued) : default);
            Assert.False(await replica.WithdrawAsync("queued"));
        }
        finally
        {
            fixture.TightGate.Open();
        }

        Assert.All(await Task.WhenAll(serving), r => Assert.NotEmpty(r.Choices[0]));
    }

    [Fact]
    public async Task Router_OverloadedPastDeadline_FailsWithRetryableErrorAndBoundedQueue()
    {
        var services = fixture.Cluster.GetSiloServiceProvider(fixture.CpuSilo.SiloAddress);
        var impatient = ActivatorUtilities.CreateInstance<Agents.Grains.Inference.InferenceRouter>(
            services, Microsoft.Extensions.Options.Options.Create(new GpuInferenceOptions { QueueDeadlineMs = 30 }));

        // With the backend's replies held, no request can succeed, so the first to finish is a refusal past the
        // deadline; then the held ones are let through.
        fixture.TightGate.Close();
        InferenceOverloadedException?[] outcomes;
        try
        {
            var sends = Enumerable.Range(0, 40).Select(async i =>
            {
                try
                {
                    await impatient.SendAsync(new InferenceRequest("tight", Prompt, Seed: 1000 + i));
                    return null;
                }
                catch (InferenceOverloadedException ex)
                {
                    return ex;
                }
            }).ToList();
            Assert.NotNull(await await Task.WhenAny(sends));
            fixture.TightGate.Open();
            outcomes = await Task.WhenAll(sends);
        }
        finally
        {
            fixture.TightGate.Open();
        }

        var refused = outcomes.OfType<InferenceOverloadedException>().ToArray();
        Assert.NotEmpty(refused);
        Assert.All(refused, ex => Assert.Equal(OverloadReason.Deadline, ex.Reason));
        Assert.True(InferenceOverloadedException.IsRetryable);
        var load = await fixture.Client.GetGrain<IInferenceGrain>("tight/0").GetLoadAsync();
        Assert.InRange(load.MaxQueued, 0, load.QueueLimit);
    }

    [Fact]
    public async Task GpuChatClient_NChoices_MatchesLocalBackend()
    {
        var services = fixture.Cluster.GetSiloServiceProvider(fixture.CpuSilo.SiloAddress);
        var routed = services.GetRequiredService<IModelRegistry>().Resolve("sim");
        var local = services.GetRequiredService<ModelRegistry>().ResolveBackend("sim");
        var messages = new List<ChatMessage> { new(ChatRole.User, "What is 2 + 3?") };
        var options = new ChatOptions { Temperature = 0.8f, Seed = 5 };

        var viaReplica = await routed.GetService<IMultiChoiceChatClient>()!.GetChoicesAsync(messages, options, 3, default);
        var direct = await local.GetService<IMultiChoiceChatClient>()!.GetChoicesAsync(messages, options, 3, default);

        Assert.IsType<Agents.Grains.Inference.GpuChatClient>(routed.GetService<IMultiChoiceChatClient>());
        Assert.Equal(direct.Choices, viaReplica.Choices);
        Assert.Equal(direct.PromptTokens, viaReplica.PromptTokens);
        Assert.Equal(direct.CompletionTokens, viaReplica.CompletionTokens);
    }
}
