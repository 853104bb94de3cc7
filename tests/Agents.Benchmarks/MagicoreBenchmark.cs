using System.Collections.Immutable;
using System.Diagnostics;
using System.Globalization;
using System.Net.Http;
using System.Text.Json;
using Agents.Contracts.Jobs;
using Agents.Contracts.Problems;
using Agents.Contracts.Runs;
using Agents.Core.Jobs;
using Agents.Core.Magicore;
using Agents.Core.Simulation;
using Agents.Core.Strategies;
using Agents.Inference.Backends;
using Agents.Inference.Gpu;
using Agents.Inference.Serving;
using Agents.Inference.Simulation;
using Agents.Testing;
using Microsoft.Extensions.DependencyInjection;

namespace Agents.Benchmarks;

/// <summary>
/// Whole-job saturation: the same <c>magicore</c> work (k = 8, T = 3, problems of 8–12 steps) three ways against the
/// same simulated GPU servers — as a batch job through the job grain, as the released code's loop, and phase-synchronous
/// — each measured from the servers' own accounting (slot-busy time over slots × first request to last response).
/// </summary>
internal sealed partial class Benchmarks
{
    private const int MagicoreServers = 2;
    private const int MagicoreSlots = 32;

    /// <summary>
    /// The magicore benchmark's problem count when set (<c>--problems N</c>); else 192, 96 with --quick. A job's fixed costs
    /// (the drain before the dataset barrier, the last hard problems' review and refinement) do not grow with the dataset,
    /// so its busy fraction does, and so does the phase-synchronous schedule's (docs/performance.md has the sizes measured).
    /// </summary>
    public int? MagicoreProblems { get; init; }

    /// <summary>How the magicore runs draw their k chains (<c>--draw</c>): split (the default here) or together.</summary>
    public MagicoreDraw MagicoreDraw { get; init; } = MagicoreDraw.Split;

    /// <summary>
    /// Whether the simulated servers' slots are sequences (<c>--slots sequence</c>, the default): a draw's k chains hold k
    /// slots, as a vLLM server counts them against its sequence limit; else each request holds one (<c>--slots request</c>).
    /// </summary>
    public bool SlotPerChoice { get; init; } = true;

    /// <summary>
    /// Whether the two reference schedules pipeline each chain's review into its refinement as the job does
    /// (<c>--pipelined-references</c>) instead of sending a hard iteration's reviews and refinements as two batches.
    /// </summary>
    public bool PipelinedReferences { get; init; }

    private async Task<Dictionary<string, double>> MagicoreAsync()
    {
        var problems = SyntheticProblems.Generate(MagicoreProblems ?? (quick ? 96 : 192), seed: 23, minSteps: 8, maxSteps: 12).ToArray();
        // Code mode, as the released code runs (its statistics come from iteration 0, so the job streams after the first barrier).
        var options = ImmutableDictionary<string, string>.Empty.Add("mode", "code");
        if (MagicoreDraw == MagicoreDraw.Split)
        {
            // Each problem's statistics chain first: the job works ahead of the barrier (docs/performance.md).
            options = options.Add("draw", "split");
        }

        var spec = StrategyDefaults.Create(StrategyNames.Magicore, k: 8, rounds: 3, seed: 1, options: options);
        log.WriteLine($"   {problems.Length} problems, draw {MagicoreDraw.ToString().ToLowerInvariant()}, a slot per {(SlotPerChoice ? "sequence" : "request")}");
        log.WriteLine($"   references: {(PipelinedReferences ? "each chain's refinement as soon as its review returns, as the job does" : "a hard iteration's reviews as one batch, then its refinements as one batch")}");
        await using var fleet = await SimFleet.StartAsync(MagicoreServers, MagicoreSlots, MagicoreLatency(MagicoreSlots, SlotPerChoice));
        var gate = new ReviewBatchGate();
        await using var cluster = await BenchCluster.StartAsync(MagicoreServers, LeastLoaded, fleet.SiloSettings, host => host.Services.AddSingleton<IOutgoingGrainCallFilter>(gate));
        var batches = PipelinedReferences ? null : gate;
        await fleet.WarmAsync(cluster, spec, batches);

        var sync = await fleet.MeasureAsync(() => PhaseSynchronousAsync(cluster, "mc-sync", spec, problems, batches));
        log.WriteLine($"   phase-synchronous: {sync}");
        var job = await fleet.MeasureAsync(() => RunJobAsync(cluster, "mc-job", spec, problems));
        log.WriteLine($"   job:               {job}");
        var released = await fleet.MeasureAsync(() => ReleasedLoopAsync(cluster, "mc-released", spec, problems, batches));
        log.WriteLine($"   released loop:     {released}");

        var differ = problems.Count(p => job.Answers[p.Id] != sync.Answers[p.Id]);
        var differReleased = problems.Count(p => released.Answers[p.Id] != sync.Answers[p.Id]);
        log.WriteLine($"   answers differing from the phase-synchronous schedule: job {differ}, released loop {differReleased} of {problems.Length}");
        if (batches is not null)
        {
            // Every refinement of the references waited for its batch's reviews; one sent after its batch was released
            // would make a reference something other than two batches per hard iteration.
            log.WriteLine($"   refinements held for their batch of reviews: {batches.Held}, sent after their batch was released: {batches.Late}");
            if (batches.Late > 0)
            {
                throw new InvalidOperationException($"{batches.Late} refinements of the reference schedules missed their batch");
            }
        }

        return new()
        {
            ["magicore_job_busy_fraction"] = Math.Round(job.BusyFraction, 4),
            ["magicore_released_loop_busy_fraction"] = Math.Round(released.BusyFraction, 4),
            ["magicore_phase_sync_busy_fraction"] = Math.Round(sync.BusyFraction, 4),
            // Same work, so the throughput ratio is the inverse ratio of the windows.
            ["magicore_job_over_released_loop"] = Math.Round(released.Window.TotalSeconds / job.Window.TotalSeconds, 3),
            ["magicore_job_over_phase_sync"] = Math.Round(sync.Window.TotalSeconds / job.Window.TotalSeconds, 3),
            ["magicore_streaming_barrier_identical"] = differ == 0 && differReleased == 0 ? 1 : 0,
        };
    }

    private static readonly Dictionary<string, string?> LeastLoaded = new(Common) { ["Agents:Gpu:Policy"] = nameof(RoutingPolicy.LeastLoaded) };

    // Prefill and decode rates scaled down from a GPU server's seconds: a solver draw (k chains of an 8–12-step problem,
    // decoded in one batch) takes about 0.3 s and a review or a refinement about 0.8 s, so that three schedules of the
    // same work fit in a couple of minutes. With slotPerChoice the slots are sequences, as on a vLLM server: a draw's k
    // chains hold k slots, each until its own last token.
    private static SimulatedLatencyOptions MagicoreLatency(int slots, bool slotPerChoice) =>
        new() { MaxConcurrency = slots, DecodeTokensPerSecond = 400, PrefillTokensPerSecond = 20_000, SlotPerChoice = slotPerChoice };

    // The job grain drives the whole batch (every problem in flight; the pump owns phases and the dataset barrier).
    private static async Task<IReadOnlyDictionary<string, string?>> RunJobAsync(BenchCluster cluster, string id, StrategySpec spec, Problem[] problems)
    {
        var job = cluster.Client.GetGrain<IBatchJobGrain>(id);
        await job.CreateAsync(new JobSpec(id, spec, Concurrency: problems.Length, MaxAttempts: 2));
        await job.AddProblemsAsync(0, [.. problems]);
        await job.StartAsync();
        var progress = await Eventually.UntilAsync(job.GetProgressAsync, p => p.State != "running" && p.State != "created", TimeSpan.FromMinutes(5), $"job {id} finished", TimeSpan.FromMilliseconds(20));
        if (progress.Failed > 0)
        {
            throw new InvalidOperationException($"job {id}: {progress.Failed} problems failed");
        }

        var answers = new Dictionary<string, string?>(StringComparer.Ordinal);
        for (var from = 0; ;)
        {
            var page = await job.GetResultsInInputOrderAsync(from, 500);
            foreach (var result in page.Results)
            {
                answers[result.ProblemId] = result.Answer;
            }

            if (page.Finished)
            {
                return answers;
            }

            from = page.Next;
        }
    }

    // The strongest simple schedule: each phase one dataset-wide batch, the barrier after it. With batches, a hard
    // iteration is two phases (every hard problem's reviews, then every refinement), as over a batch API. With a split
    // draw the statistics chains are the first batch, and the rest of the draw (which needs no statistics of its own)
    // runs back to back with the first iteration, one barrier fewer.
    private static async Task<IReadOnlyDictionary<string, string?>> PhaseSynchronousAsync(
        BenchCluster cluster, string id, StrategySpec spec, Problem[] problems, ReviewBatchGate? batches)
    {
        var computed = new Dictionary<int, DatasetStats>();
        PhaseResult[] results = [];
        var drawPhases = MagicoreRunOptions.DrawPhases(spec);
        for (var from = 0; from < RunStrategiesPhases(spec);)
        {
            var to = from == 0 || from >= drawPhases ? from : from + 1;
            results = await PhasesAsync(cluster, id, spec, problems, from, to, computed, batches);
            computed[to + 1] = PhaseStatistics.AtBarrier([[.. results.Select(r => r.BarrierValue ?? 0)]]).Stats;
            from = to + 1;
        }

        return Answers(results);
    }

    // The released code's loop: the draw as one dataset-wide batch (with a split draw, the statistics chains, then the
    // rest), then each iteration the problems one after another (a hard one sends its k reviewer prompts as one batch,
    // then its k refiner prompts, then scores; an easy one costs nothing on the GPU). Without batches each chain's
    // refinement follows its own review, as in the job.
    private static async Task<IReadOnlyDictionary<string, string?>> ReleasedLoopAsync(
        BenchCluster cluster, string id, StrategySpec spec, Problem[] problems, ReviewBatchGate? batches)
    {
        var computed = new Dictionary<int, DatasetStats>();
        PhaseResult[] results = [];
        var drawPhases = MagicoreRunOptions.DrawPhases(spec);
        for (var phase = 0; phase < drawPhases; phase++)
        {
            results = await PhasesAsync(cluster, id, spec, problems, phase, phase, computed, batches: null);
            computed[phase + 1] = PhaseStatistics.AtBarrier([[.. results.Select(r => r.BarrierValue ?? 0)]]).Stats;
        }

        for (var phase = drawPhases; phase < RunStrategiesPhases(spec); phase++)
        {
            for (var i = 0; i < problems.Length; i++)
            {
                results[i] = (await PhasesAsync(cluster, id, spec, [problems[i]], phase, phase, computed, batches))[0];
            }

            computed[phase + 1] = PhaseStatistics.AtBarrier([[.. results.Select(r => r.BarrierValue ?? 0)]]).Stats;
        }

        return Answers(results);
    }

    private static int RunStrategiesPhases(StrategySpec spec) => StrategyCatalog.Phases(spec);

    // Phases from..to of every given problem at once (each problem runs them back to back), as one batch when batches is
    // set; each phase runs with its statistics, or the first's (as a job's stream does).
    private static Task<PhaseResult[]> PhasesAsync(
        BenchCluster cluster, string id, StrategySpec spec, IReadOnlyList<Problem> problems, int from, int to,
        IReadOnlyDictionary<int, DatasetStats> computed, ReviewBatchGate? batches)
    {
        var runs = problems.Select(p => ($"{id}/{p.Id}", (Func<Task<PhaseResult>>)(async () =>
        {
            PhaseResult? result = null;
            for (var phase = from; phase <= to; phase++)
            {
                result = await RunPhaseAsync(cluster, id, spec, p, phase, PhaseStatistics.InStream(spec, phase, from, computed));
            }

            return result!;
        }))).ToArray();
        return batches is null ? Task.WhenAll(runs.Select(r => r.Item2())) : batches.BatchAsync(runs);
    }

    private static Task<PhaseResult> RunPhaseAsync(BenchCluster cluster, string id, StrategySpec spec, Problem problem, int phase, DatasetStats? stats) =>
        cluster.Client.GetGrain<IProblemRunGrain>($"{id}/{problem.Id}").RunPhaseAsync(new RunRequest(id, problem, spec, phase, stats));

    private static Dictionary<string, string?> Answers(PhaseResult[] results) =>
        results.ToDictionary(r => r.ProblemId, r => r.Final?.Status == "ok" ? r.Final.Answer : throw new InvalidOperationException($"{r.ProblemId}: {r.Final?.Error ?? "no result"}"), StringComparer.Ordinal);

    /// <summary>What one schedule cost on the servers.</summary>
    private sealed record Schedule(
        TimeSpan Window, double BusyFraction, double SlotBusySeconds, int Requests, double HostCpu, IReadOnlyDictionary<string, string?> Answers, string Profile)
    {
        public override string ToString() => string.Create(CultureInfo.InvariantCulture,
            $"busy fraction {BusyFraction:F3}, {Window.TotalSeconds:F2} s first request to last response, {SlotBusySeconds:F1} slot-seconds, {Requests} requests, host CPU {HostCpu:P0} of {Environment.ProcessorCount} cores; busy slots by tenth of the run: {Profile}");
    }

    /// <summary>N simulated GPU servers with the latency model on; measures a schedule by their own accounting.</summary>
    private sealed class SimFleet : IAsyncDisposable
    {
        private readonly List<SimServer> _servers = [];
        private readonly List<SimulatedLatency> _latencies = [];
        private readonly HttpClient _http = new();

        private SimFleet(int slots) => Slots = slots;

        public int Slots { get; }

        public static async Task<SimFleet> StartAsync(int count, int slots, SimulatedLatencyOptions latency)
        {
            var fleet = new SimFleet(slots);
            for (var i = 0; i < count; i++)
            {
                var l = new SimulatedLatency(latency);
                fleet._latencies.Add(l);
                fleet._servers.Add(await SimServer.StartAsync(new SimServerOptions(), SimulatedBackend.Create(latency: l)));
            }

            return fleet;
        }

        /// <summary>Gpu silo i (1-based) serves model <c>sim</c> from server i with the server's slots as its capacity.</summary>
        public Dictionary<string, string?> SiloSettings(int silo) => new()
        {
            ["Orleans:Metadata:models"] = "sim",
            ["Orleans:Metadata:model.sim"] = _servers[silo - 1].ModelSpec,
            ["Orleans:Metadata:capacity.sim"] = Slots.ToString(CultureInfo.InvariantCulture),
            ["Orleans:Metadata:queue.sim"] = "100000",
        };

        /// <summary>A small job of the same strategy through every replica, so connections, grains and JIT are warm before measuring.</summary>
        public async Task WarmAsync(BenchCluster cluster, StrategySpec spec, ReviewBatchGate? batches)
        {
            await RunJobAsync(cluster, "mc-warm", spec with { Seed = 5 }, [.. SyntheticProblems.Generate(_servers.Count * 16, seed: 99, minSteps: 8, maxSteps: 12)]);
            await PhaseSynchronousAsync(cluster, "mc-warm-sync", spec with { Seed = 6 }, [.. SyntheticProblems.Generate(_servers.Count * 16, seed: 98, minSteps: 8, maxSteps: 12)], batches);
        }

        public async Task<Schedule> MeasureAsync(Func<Task<IReadOnlyDictionary<string, string?>>> run)
        {
            foreach (var l in _latencies)
            {
                l.ResetWindow();
            }

            var before = await Task.WhenAll(_servers.Select(StatsAsync));
            var cpu = Process.GetCurrentProcess().TotalProcessorTime;
            var stopwatch = Stopwatch.StartNew();
            // Busy slots sampled every 20 ms: where in the window the slots stood idle (printed by tenth of the run).
            using var stop = new CancellationTokenSource();
            var samples = new List<int>();
            var sampler = Task.Run(async () =>
            {
                using var tick = new PeriodicTimer(TimeSpan.FromMilliseconds(20));
                while (await tick.WaitForNextTickAsync(stop.Token).AsTask().ContinueWith(t => !t.IsCanceled && t.Result, TaskScheduler.Default))
                {
                    samples.Add(_latencies.Sum(l => l.Active));
                }
            });
            var answers = await run();
            await stop.CancelAsync();
            await sampler;
            var hostCpu = (Process.GetCurrentProcess().TotalProcessorTime - cpu) / stopwatch.Elapsed / Environment.ProcessorCount;
            var after = await Task.WhenAll(_servers.Select(StatsAsync));
            var first = after.Min(s => s.GetProperty("window_first_started_unix_ms").GetDouble());
            var last = after.Max(s => s.GetProperty("window_last_finished_unix_ms").GetDouble());
            var busyMs = after.Zip(before, (a, b) => a.GetProperty("slot_busy_ms").GetDouble() - b.GetProperty("slot_busy_ms").GetDouble()).Sum();
            var requests = after.Zip(before, (a, b) => a.GetProperty("served").GetInt32() - b.GetProperty("served").GetInt32()).Sum();
            var window = TimeSpan.FromMilliseconds(last - first);
            return new Schedule(window, busyMs / (Slots * _servers.Count * window.TotalMilliseconds), busyMs / 1000, requests, hostCpu, answers, Profile(samples));
        }

        // Mean busy slots in each tenth of the sampled run, e.g. "64 64 61 ... 12".
        private static string Profile(List<int> samples) => samples.Count < 10
            ? "-"
            : string.Join(' ', Enumerable.Range(0, 10).Select(i => samples[(i * samples.Count / 10)..((i + 1) * samples.Count / 10)].Average().ToString("F0", CultureInfo.InvariantCulture)));

        public async ValueTask DisposeAsync()
        {
            _http.Dispose();
            foreach (var server in _servers)
            {
                await server.DisposeAsync();
            }

            foreach (var l in _latencies)
            {
                l.Dispose();
            }
        }

        private async Task<JsonElement> StatsAsync(SimServer server)
        {
            using var stats = JsonDocument.Parse(await _http.GetStringAsync(new Uri(server.BaseAddress, "stats")));
            return stats.RootElement.Clone();
        }
    }
}
