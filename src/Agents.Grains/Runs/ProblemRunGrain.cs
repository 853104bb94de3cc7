using System.Diagnostics;
using Agents.Core.Strategies;
using Agents.Grains.Runs.Strategies;

namespace Agents.Grains.Runs;

/// <summary>
/// One problem's run: drives its strategy (a loop over agent grains whose rules live in Agents.Core), grades the
/// answer and keeps every agent message in the transcript. Each agent call's result is memoized in the run's state and
/// checkpointed after every phase of the method, so a run reactivated on another silo replays finished calls for free;
/// a repeated request gets the recorded result. Runs are placed at random: activation-count placement sees stale
/// statistics during a burst and piles a batch onto the job's silo.
/// </summary>
[Orleans.Placement.RandomPlacement]
public sealed partial class ProblemRunGrain(
    [PersistentState("run", StorageNames.Agents)] IPersistentState<ProblemRunState> state,
    TimeProvider time,
    ILogger<ProblemRunGrain> logger) : Grain, IProblemRunGrain
{
    public async Task<RunResult> RunAsync(RunRequest request, CancellationToken cancellationToken)
    {
        var phases = RunStrategies.Phases(request.Strategy);
        PhaseResult? last = null;
        for (var phase = 0; phase < phases; phase++)
        {
            last = await RunPhaseAsync(request with { Phase = phase, Stats = request.Stats }, cancellationToken);
        }

        return last?.Final ?? throw new InvalidOperationException($"strategy '{request.Strategy.Name}' finished without a result");
    }

    public async Task<int> DropStepsAsync()
    {
        var dropped = state.State.Steps.Count;
        if (dropped > 0 || state.State.Phases.Count > 0)
        {
            state.State.Steps.Clear();
            state.State.Phases.Clear();
            await state.WriteStateAsync();
        }

        DeactivateOnIdle(); // woken only to drop its steps: a finished job's runs need not stay in memory
        return dropped;
    }

    public async Task ClearAsync()
    {
        await state.ClearStateAsync();
        DeactivateOnIdle();
    }

    public async Task<PhaseResult> RunPhaseAsync(RunRequest request, CancellationToken cancellationToken)
    {
        if (state.State.Result is { } done)
        {
            await ConfirmStoredAsync(cancellationToken);
            return new PhaseResult(request.Problem.Id, request.Phase, null, done);
        }

        if (state.State.Phases.TryGetValue(request.Phase, out var finished))
        {
            await ConfirmStoredAsync(cancellationToken);
            return finished;
        }

        var strategy = RunStrategies.For(ServiceProvider, request.Strategy.Name);
        if (request.Stats is { } stats)
        {
            state.State.PhaseStats[request.Phase] = stats;
        }

        using var telemetry = RunTelemetry.Start(request);
        try
        {
            var started = Stopwatch.GetTimestamp();
            var context = new RunContext(state.State, request, GrainFactory, time, () => state.WriteStateAsync(cancellationToken));
            var outcome = await strategy.RunAsync(context, request.Phase, cancellationToken);
            state.State.ElapsedMs += (long)Stopwatch.GetElapsedTime(started).TotalMilliseconds;
            var result = outcome.Final is { } final ? Grade(request, final, context) : null;
            var phaseResult = new PhaseResult(request.Problem.Id, request.Phase, outcome.BarrierValue, result);
            state.State.Phases[request.Phase] = phaseResult;
            state.State.Result = result;
            await state.WriteStateAsync(cancellationToken);
            if (result is not null)
            {
                LogFinished(logger, request.Problem.Id, result.Answer, result.Correct);
                DeactivateOnIdle(); // the result is stored; a 100,000-problem job must not keep every finished run in memory
            }

            telemetry.Finished(result);
            return phaseResult;
        }
        catch (Exception ex)
        {
            telemetry.Failed(ex);
            throw;
        }
    }

    public Task<RunResult?> GetResultAsync() => Task.FromResult(state.State.Result);

    public Task<ImmutableArray<TranscriptEntry>> GetTranscriptAsync() => Task.FromResult(state.State.Transcript.ToImmutableArray());

    public override Task OnActivateAsync(CancellationToken cancellationToken)
    {
        // Finished runs are only read again for transcripts; let them leave memory soon.
        if (state.State.Result is not null)
        {
            DelayDeactivation(TimeSpan.FromMinutes(1));
        }

        return base.OnActivateAsync(cancellationToken);
    }

    // A repeated request (the job reran the problem after a restart or a reload) is answered from state only once the store
    // has that state: if the store went back behind this activation the write conflicts, Orleans replaces the activation,
    // and the job's retry reruns what the store lacks, so the answer it records is also the one the run keeps.
    private Task ConfirmStoredAsync(CancellationToken cancellationToken) => state.WriteStateAsync(cancellationToken);

    private RunResult Grade(RunRequest request, StrategyOutcome outcome, RunContext context)
    {
        var spec = request.Strategy;
        var problem = request.Problem;
        var ledger = context.Ledger();
        var total = ledger.Aggregate(TokenUsage.None, (sum, l) => sum + l.Usage);
        // Reward passes are calls but not samples: a run's samples are its LLM generations (k + 2kr for MAgICoRe).
        total = total with { Samples = ledger.Where(l => l.Role is not (CommonSteps.Orm or CommonSteps.Prm)).Sum(l => l.Usage.Samples) };
        return new RunResult(
            problem.Id, spec.Name, outcome.Answer, problem.Gold, StrategyDecisions.Grade(outcome.Answer, problem.Gold, spec.Equivalence),
            "ok", null, total, outcome.Rounds, state.State.ElapsedMs,
            outcome.SamplingMethod, RuntimeIdentity, problem.Line, ledger, outcome.RoundAnswers,
            [.. outcome.RoundAnswers.Select(a => StrategyDecisions.Grade(a, problem.Gold, spec.Equivalence))], outcome.Details);
    }

    [LoggerMessage(Level = LogLevel.Debug, Message = "Run {ProblemId} answered {Answer} (correct: {Correct})")]
    private static partial void LogFinished(ILogger logger, string problemId, string? answer, bool? correct);
}

/// <summary>The strategies run grains drive, as keyed services named after the strategies.</summary>
public static class RunStrategies
{
    /// <summary>Registers every strategy's loop under its name (<see cref="StrategyNames"/>).</summary>
    public static IServiceCollection AddRunStrategies(this IServiceCollection services)
    {
        services.AddKeyedSingleton<IRunStrategy, SamplingStrategy>(StrategyNames.Cot);
        services.AddKeyedSingleton<IRunStrategy, SamplingStrategy>(StrategyNames.SelfConsistency);
        services.AddKeyedSingleton<IRunStrategy>(StrategyNames.BestOfK, new RewardStrategy(weightedVote: false));
        services.AddKeyedSingleton<IRunStrategy>(StrategyNames.RewardVote, new RewardStrategy(weightedVote: true));
        services.AddKeyedSingleton<IRunStrategy, SelfRefineStrategy>(StrategyNames.SelfRefine);
        services.AddKeyedSingleton<IRunStrategy, MagicoreStrategy>(StrategyNames.Magicore);
        services.AddKeyedSingleton<IRunStrategy, IortStrategy>(StrategyNames.Iort);
        services.AddKeyedSingleton<IRunStrategy, SpcSearchStrategy>(StrategyNames.SpcSearch);
        return services;
    }

    /// <summary>Phases of a spec's strategy (1, or T + 1 for MAgICoRe's dataset barriers).</summary>
    public static int Phases(StrategySpec spec) => StrategyCatalog.Phases(spec);

    /// <summary>The loop of a strategy; unknown names fail with the list of runnable ones.</summary>
    internal static IRunStrategy For(IServiceProvider services, string name) =>
        services.GetKeyedService<IRunStrategy>(name)
        ?? throw new ArgumentException(StrategyNames.Validate(name) ?? $"strategy '{name}' has no run implementation");
}

/// <summary>A run's persisted state: memoized agent calls, per-phase outcomes, the transcript and the result.</summary>
[GenerateSerializer, Alias("agents.problem-run-state.v2")]
public sealed class ProblemRunState
{
    /// <summary>Finished agent calls by step key (e.g. <c>solve/0</c>, <c>review/2/17</c>).</summary>
    [Id(0)] public Dictionary<string, RunStep> Steps { get; set; } = [];

    /// <summary>Every agent message in order.</summary>
    [Id(1)] public List<TranscriptEntry> Transcript { get; set; } = [];

    /// <summary>The final result, once decided.</summary>
    [Id(2)] public RunResult? Result { get; set; }

    /// <summary>Finished phases and what they reported.</summary>
    [Id(3)] public Dictionary<int, PhaseResult> Phases { get; set; } = [];

    /// <summary>Barrier statistics handed to each phase.</summary>
    [Id(4)] public Dictionary<int, DatasetStats> PhaseStats { get; set; } = [];

    /// <summary>Wall time spent running phases.</summary>
    [Id(5)] public long ElapsedMs { get; set; }
}
