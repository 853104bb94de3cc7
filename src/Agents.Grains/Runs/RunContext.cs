using Agents.Contracts.Refining;
using Agents.Core.Solving;
using Agents.Inference.Backends;
using Agents.Inference.Telemetry;

namespace Agents.Grains.Runs;

/// <summary>
/// What a strategy sees of its run: the problem and settings, memoized agent calls (a call whose result is in the
/// run's state is never made again, so a reactivated run replays finished work for free), the transcript and
/// checkpoints.
/// </summary>
internal sealed class RunContext(
    ProblemRunState state, RunRequest request, IGrainFactory grains, TimeProvider time, Func<Task> checkpoint)
{
    /// <summary>The problem.</summary>
    public Problem Problem => request.Problem;

    /// <summary>The problem's 0-based position in the job's input, or -1 outside a job.</summary>
    public int Index => request.Index;

    /// <summary>The job (run) id.</summary>
    public string JobId => request.JobId;

    /// <summary>The strategy settings.</summary>
    public StrategySpec Spec => request.Strategy;

    /// <summary>Grain factory for agent calls.</summary>
    public IGrainFactory Grains => grains;

    /// <summary>Barrier statistics handed to each phase so far.</summary>
    public IReadOnlyDictionary<int, DatasetStats> PhaseStats => state.PhaseStats;

    /// <summary>Runs an agent call once: returns the recorded value when the step is in the run's state.</summary>
    public Task<T> StepAsync<T>(string key, string role, int round, Func<Task<T>> call, Func<T, TokenUsage> usage, Action<T>? onFresh = null)
        where T : class =>
        StepCoreAsync(key, role, round, call, v => ImmutableDictionary<string, TokenUsage>.Empty.Add(role, usage(v)), onFresh);

    /// <summary>Runs an agent call once, booking its usage to several ledger roles (the scorer's ORM and PRM passes).</summary>
    public Task<T> StepAsync<T>(
        string key, int round, Func<Task<T>> call, Func<T, ImmutableDictionary<string, TokenUsage>> usageByRole, Action<T>? onFresh = null)
        where T : class =>
        StepCoreAsync(key, key.Split('/', 2)[0], round, call, usageByRole, onFresh);

    private async Task<T> StepCoreAsync<T>(
        string key, string role, int round, Func<Task<T>> call, Func<T, ImmutableDictionary<string, TokenUsage>> usageByRole, Action<T>? onFresh)
        where T : class
    {
        if (state.Steps.TryGetValue(key, out var done) && done.Value is T recorded)
        {
            return recorded;
        }

        // A step's span parents the agent grain's model-call spans (Orleans carries the trace context across the call).
        using var span = AgentsTelemetry.Source.StartActivity($"step {role}");
        // The run's session key travels with the agent call (Orleans request context) to its model calls, which send it as
        // a workflow hint when the backend is configured to (Agents:Models:Hints).
        RequestContext.Set(WorkflowHints.Property, WorkflowHints.SessionKeyFor(JobId, Problem.Id));
        span?.SetTag(TagNames.Role, role);
        span?.SetTag(TagNames.Step, key);
        span?.SetTag(TagNames.Round, round);
        var value = await call();
        state.Steps[key] = new RunStep { Round = round, Usage = usageByRole(value), Value = value };
        onFresh?.Invoke(value);
        return value;
    }

    /// <summary>
    /// Books usage to the ledger once under <paramref name="key"/> without making a call: a pass the reference code runs
    /// separately whose result this run reuses (MAgICoRe code mode's second PRM pass over refined chains).
    /// </summary>
    public void Book(string key, int round, string role, TokenUsage usage)
    {
        if (!state.Steps.ContainsKey(key))
        {
            state.Steps[key] = new RunStep { Round = round, Usage = ImmutableDictionary<string, TokenUsage>.Empty.Add(role, usage) };
        }
    }

    /// <summary>The recorded value of a step, or null when it has not run.</summary>
    public T? Peek<T>(string key)
        where T : class => state.Steps.TryGetValue(key, out var done) ? done.Value as T : null;

    /// <summary>Adds an agent message to the transcript, with its machine-readable data (Agents.Core's TraceData) if any.</summary>
    public void Record(string from, string to, string kind, int round, string text, TokenUsage? usage = null, string? data = null) =>
        state.Transcript.Add(new TranscriptEntry(
            state.Transcript.Count, from, to, kind, text, usage?.PromptTokens ?? 0, usage?.CompletionTokens ?? 0, time.GetUtcNow(), round, data));

    /// <summary>Persists the run's state (finished steps survive a lost silo).</summary>
    public Task CheckpointAsync() => checkpoint();

    /// <summary>The seed of one call, from (--seed, problem, role, round, index).</summary>
    public long Seed(string role, int round, int index) =>
        SampleSeed.ForChoice(SampleSeed.Derive("", Problem.Id, role, round, Spec.Seed), index);

    /// <summary>Model settings of one call.</summary>
    public ModelCall Call(string role, int round, int index, double temperature, int maxTokens, int minTokens = 0) =>
        new(Spec.Model, temperature, Spec.TopP, maxTokens, Seed(role, round, index), minTokens);

    /// <summary>Every call made so far, by role and round.</summary>
    public ImmutableArray<LedgerLine> Ledger() =>
    [
        .. state.Steps.Values
            .SelectMany(s => s.Usage.Select(u => (Role: u.Key, s.Round, Usage: u.Value)))
            .GroupBy(s => (s.Role, s.Round))
            .OrderBy(g => g.Key.Round).ThenBy(g => g.Key.Role, StringComparer.Ordinal)
            .Select(g => new LedgerLine(g.Key.Role, g.Key.Round, g.Aggregate(TokenUsage.None, (sum, s) => sum + s.Usage))),
    ];
}

/// <summary>One finished agent call in a run's state.</summary>
[GenerateSerializer, Alias("agents.run-step.v1")]
public sealed class RunStep
{
    /// <summary>The method round.</summary>
    [Id(1)] public int Round { get; set; }

    /// <summary>What the call cost, by ledger role (solver, reviewer, refiner, orm, prm, ...).</summary>
    [Id(2)] public ImmutableDictionary<string, TokenUsage> Usage { get; set; } = ImmutableDictionary<string, TokenUsage>.Empty;

    /// <summary>The call's result (a wire record: SolveResult, AgentReply, ScoreResult).</summary>
    [Id(3)] public object? Value { get; set; }
}

/// <summary>A strategy's result, before grading.</summary>
/// <param name="Answer">The final answer.</param>
/// <param name="Rounds">Refinement rounds performed.</param>
/// <param name="RoundAnswers">The answer after each round (index 0 = before refinement).</param>
/// <param name="Details">Method details for the row.</param>
/// <param name="SamplingMethod">How the solver's k samples were requested.</param>
internal sealed record StrategyOutcome(
    string? Answer, int Rounds, ImmutableArray<string?> RoundAnswers, ImmutableDictionary<string, string> Details, string SamplingMethod);

/// <summary>What one phase produced: the barrier value for the job and, after the last phase, the outcome.</summary>
internal sealed record PhaseOutcome(double? BarrierValue, StrategyOutcome? Final);

/// <summary>
/// A method's loop over agent grains, registered as a keyed service under its strategy name; the decision rules it
/// applies live in Agents.Core, its options and phase count in <see cref="Core.Strategies.StrategyCatalog"/>.
/// </summary>
internal interface IRunStrategy
{
    /// <summary>Runs phases 0..<paramref name="phase"/> (earlier phases replay from memoized steps).</summary>
    Task<PhaseOutcome> RunAsync(RunContext context, int phase, CancellationToken cancellationToken);
}
