using System.Diagnostics;
using Agents.Core.Strategies;
using Agents.Grains.Solving;

namespace Agents.Grains.Runs;

/// <summary>
/// One problem's run: asks the Solver for samples, decides with the strategy's rule from Agents.Core, grades,
/// and records every agent message in the transcript. It checkpoints after the draw, so a reactivated run does
/// not pay for the samples again, and it answers a repeated request with the recorded result. Runs are placed
/// at random: activation-count placement sees stale statistics during a burst and piles a batch onto the job's silo.
/// </summary>
[Orleans.Placement.RandomPlacement]
public sealed partial class ProblemRunGrain(
    [PersistentState("run", StorageNames.Agents)] IPersistentState<ProblemRunState> state,
    TimeProvider time,
    ILogger<ProblemRunGrain> logger) : Grain, IProblemRunGrain
{
    private const string RunRole = "run";

    public async Task<RunResult> RunAsync(RunRequest request, CancellationToken cancellationToken)
    {
        if (state.State.Result is { } done)
        {
            return done;
        }

        var started = Stopwatch.GetTimestamp();
        var spec = request.Strategy;
        var problem = request.Problem;
        var draw = state.State.Draw;
        if (draw is null)
        {
            // Seeds come from (--seed, problem, role, round, index), not from the job id: the same batch under another
            // model spec or job asks exactly the same questions.
            var solveRequest = new SolveRequest(
                RunId: "", problem.Id, problem.Question, spec.K, spec.Temperature, spec.TopP, spec.MaxTokens,
                spec.Model, Round: 0, spec.Seed);
            Record(RunRole, SolverGrain.Role, "solve-request", $"k={spec.K} temperature={spec.Temperature}\n{problem.Question}", 0, 0);
            draw = await GrainFactory.GetGrain<ISolverGrain>(0).SolveAsync(solveRequest, cancellationToken);
            RecordSamples(draw);
            state.State.Draw = draw;
            await state.WriteStateAsync(cancellationToken);
        }

        var decision = StrategyDecisions.Decide(spec, [.. draw.Samples.Select(s => s.Solution)]);
        var correct = StrategyDecisions.Grade(decision.Answer, problem.Gold, spec.Equivalence);
        Record(RunRole, RunRole, "decision", decision.Explanation, 0, 0);
        var result = new RunResult(
            problem.Id, spec.Name, decision.Answer, problem.Gold, correct, "ok", null, draw.Usage, Rounds: 0,
            (long)Stopwatch.GetElapsedTime(started).TotalMilliseconds, draw.SamplingMethod, RuntimeIdentity, problem.Line);
        state.State.Result = result;
        await state.WriteStateAsync(cancellationToken);
        LogFinished(logger, problem.Id, decision.Answer, correct);
        return result;
    }

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

    private void RecordSamples(SolveResult draw)
    {
        // With n choices per request the backend reports usage for the request, so tokens go on the first sample.
        for (var i = 0; i < draw.Samples.Length; i++)
        {
            var first = i == 0;
            Record(SolverGrain.Role, RunRole, "sample", draw.Samples[i].Solution.Text,
                first ? draw.Usage.PromptTokens : 0, first ? draw.Usage.CompletionTokens : 0);
        }
    }

    private void Record(string from, string to, string kind, string text, long promptTokens, long completionTokens) =>
        state.State.Transcript.Add(new TranscriptEntry(
            state.State.Transcript.Count, from, to, kind, text, promptTokens, completionTokens, time.GetUtcNow()));

    [LoggerMessage(Level = LogLevel.Debug, Message = "Run {ProblemId} answered {Answer} (correct: {Correct})")]
    private static partial void LogFinished(ILogger logger, string problemId, string? answer, bool? correct);
}

/// <summary>A run's persisted state: the checkpointed draw, the transcript and the final result.</summary>
[GenerateSerializer, Alias("agents.problem-run-state.v1")]
public sealed class ProblemRunState
{
    /// <summary>The Solver's samples, once drawn.</summary>
    [Id(0)] public SolveResult? Draw { get; set; }

    /// <summary>Every agent message in order.</summary>
    [Id(1)] public List<TranscriptEntry> Transcript { get; set; } = [];

    /// <summary>The final result, once decided.</summary>
    [Id(2)] public RunResult? Result { get; set; }
}
