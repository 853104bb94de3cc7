using System.Text.Json;
using System.Text.Json.Serialization;
using Agents.Contracts.Solving;

namespace Agents.Contracts.Runs;

/// <summary>Which method to run and with what settings; recorded in every result and summary.</summary>
/// <param name="Name">Strategy name: <c>cot</c>, <c>sc</c>, ...</param>
/// <param name="K">Samples per problem (1 for <c>cot</c>).</param>
/// <param name="Rounds">Maximum refinement rounds for iterative strategies.</param>
/// <param name="Temperature">Sampling temperature for sampled calls.</param>
/// <param name="TopP">Nucleus sampling mass.</param>
/// <param name="MaxTokens">Completion token cap per sample.</param>
/// <param name="Seed">Run seed; with the job id, problem id, role, round and index it fixes every request.</param>
/// <param name="Model">Model spec; empty = the silo's configured default.</param>
/// <param name="VoteKey"><c>raw</c> or <c>normalized</c> grouping of answers in votes.</param>
/// <param name="DropEmpty">Whether chains without an answer are dropped before a plain vote.</param>
/// <param name="Equivalence">Grading mode: <c>math-verify</c> (the default), <c>numeric</c>, <c>hendrycks</c> or <c>prm800k</c>.</param>
/// <param name="Reward">Reward model spec (<c>sim</c>, <c>http:URL</c>, <c>judge:MODEL</c>); empty = the silo's default.</param>
/// <param name="Options">Method switches (e.g. <c>mode=paper</c>, <c>mu</c>, <c>sigma</c>), recorded in every summary.</param>
[GenerateSerializer, Immutable, Alias("agents.strategy-spec.v1")]
public sealed record StrategySpec(
    [property: Id(0)] string Name,
    [property: Id(1)] int K,
    [property: Id(2)] int Rounds,
    [property: Id(3)] double Temperature,
    [property: Id(4)] double TopP,
    [property: Id(5)] int MaxTokens,
    [property: Id(6)] long Seed,
    [property: Id(7)] string Model,
    [property: Id(8)] string VoteKey,
    [property: Id(9)] bool DropEmpty,
    [property: Id(10)] string Equivalence,
    [property: Id(11)] string Reward,
    [property: Id(12)] ImmutableDictionary<string, string> Options);

/// <summary>One agent message of a run, as the trace command shows it.</summary>
/// <param name="Seq">Order within the run.</param>
/// <param name="From">Sender role (<c>run</c>, <c>solver</c>, ...).</param>
/// <param name="To">Receiver role.</param>
/// <param name="Kind">Message kind (<c>solve-request</c>, <c>sample</c>, <c>vote</c>, ...).</param>
/// <param name="Text">The message text (prompt, completion, decision).</param>
/// <param name="PromptTokens">Prompt tokens attributed to the message.</param>
/// <param name="CompletionTokens">Completion tokens attributed to the message.</param>
/// <param name="At">When it was recorded.</param>
/// <param name="Round">Method round the message belongs to (0 = the first draw).</param>
/// <param name="Data">
/// Optional machine-readable content as a compact JSON object (scores, classification, decision, instruction, verdict);
/// JSON writers emit it as an object, not a string.
/// </param>
[GenerateSerializer, Immutable, Alias("agents.transcript-entry.v1")]
public sealed record TranscriptEntry(
    [property: Id(0)] int Seq,
    [property: Id(1)] string From,
    [property: Id(2)] string To,
    [property: Id(3)] string Kind,
    [property: Id(4)] string Text,
    [property: Id(5)] long PromptTokens,
    [property: Id(6)] long CompletionTokens,
    [property: Id(7)] DateTimeOffset At,
    [property: Id(8)] int Round,
    [property: Id(9), JsonConverter(typeof(RawJsonObjectConverter))] string? Data = null);

/// <summary>Writes a string that holds a JSON object as that object, and reads any JSON value back as its raw text.</summary>
public sealed class RawJsonObjectConverter : JsonConverter<string?>
{
    /// <inheritdoc />
    public override bool HandleNull => true;

    /// <inheritdoc />
    public override string? Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options)
    {
        if (reader.TokenType == JsonTokenType.Null)
        {
            return null;
        }

        using var document = JsonDocument.ParseValue(ref reader);
        return document.RootElement.GetRawText();
    }

    /// <inheritdoc />
    public override void Write(Utf8JsonWriter writer, string? value, JsonSerializerOptions options)
    {
        ArgumentNullException.ThrowIfNull(writer);
        if (value is null)
        {
            writer.WriteNullValue();
        }
        else
        {
            writer.WriteRawValue(value);
        }
    }
}

/// <summary>The outcome of one problem's run: the output row of a batch.</summary>
/// <param name="ProblemId">The problem id.</param>
/// <param name="Strategy">The strategy name.</param>
/// <param name="Answer">The final answer, or null.</param>
/// <param name="Gold">The gold answer, or null.</param>
/// <param name="Correct">Whether the answer matches the gold under the run's equivalence mode; null without gold.</param>
/// <param name="Status"><c>ok</c> or <c>failed</c>.</param>
/// <param name="Error">Why the run failed, or null.</param>
/// <param name="Usage">Calls, samples and tokens of the whole run.</param>
/// <param name="Rounds">Refinement rounds performed (0 for non-iterative strategies).</param>
/// <param name="LatencyMs">Wall time of the run in milliseconds.</param>
/// <param name="SamplingMethod"><c>n</c> or <c>parallel</c> (how k samples were requested).</param>
/// <param name="Silo">The silo that ran the problem.</param>
/// <param name="Line">The input line of the problem (for ordering exports).</param>
/// <param name="Ledger">Every model and reward call by role and round.</param>
/// <param name="RoundAnswers">The answer after each round (index 0 = before any refinement or reflection).</param>
/// <param name="RoundCorrect">Whether each round's answer is correct; null entries without gold.</param>
/// <param name="Details">Method details for the row (classification, decisions, statistics source).</param>
[GenerateSerializer, Immutable, Alias("agents.run-result.v1")]
public sealed record RunResult(
    [property: Id(0)] string ProblemId,
    [property: Id(1)] string Strategy,
    [property: Id(2)] string? Answer,
    [property: Id(3)] string? Gold,
    [property: Id(4)] bool? Correct,
    [property: Id(5)] string Status,
    [property: Id(6)] string? Error,
    [property: Id(7)] TokenUsage Usage,
    [property: Id(8)] int Rounds,
    [property: Id(9)] long LatencyMs,
    [property: Id(10)] string SamplingMethod,
    [property: Id(11)] string Silo,
    [property: Id(12)] int Line,
    [property: Id(13)] ImmutableArray<LedgerLine> Ledger,
    [property: Id(14)] ImmutableArray<string?> RoundAnswers,
    [property: Id(15)] ImmutableArray<bool?> RoundCorrect,
    [property: Id(16)] ImmutableDictionary<string, string> Details);

/// <summary>Calls of one role in one round.</summary>
/// <param name="Role">solver, reviewer, refiner, orm, prm, ...</param>
/// <param name="Round">Method round (0 = the first draw).</param>
/// <param name="Usage">Calls, samples and tokens.</param>
[GenerateSerializer, Immutable, Alias("agents.ledger-line.v1")]
public sealed record LedgerLine(
    [property: Id(0)] string Role,
    [property: Id(1)] int Round,
    [property: Id(2)] TokenUsage Usage);

/// <summary>Dataset statistics handed to a run at a barrier (MAgICoRe's μ and σ).</summary>
/// <param name="Mean">μ.</param>
/// <param name="StdDev">σ (population).</param>
/// <param name="Source">Where they came from: <c>dataset</c>, <c>options</c> or <c>calibration</c>.</param>
[GenerateSerializer, Immutable, Alias("agents.dataset-stats.v1")]
public sealed record DatasetStats(
    [property: Id(0)] double Mean,
    [property: Id(1)] double StdDev,
    [property: Id(2)] string Source);

/// <summary>What one phase of a multi-phase run reports to its job.</summary>
/// <param name="ProblemId">The problem.</param>
/// <param name="Phase">The phase just finished.</param>
/// <param name="BarrierValue">The value the next barrier aggregates (MAgICoRe: c of the pool's first chain), or null.</param>
/// <param name="Final">The run's result once its last phase is done, else null.</param>
[GenerateSerializer, Immutable, Alias("agents.phase-result.v1")]
public sealed record PhaseResult(
    [property: Id(0)] string ProblemId,
    [property: Id(1)] int Phase,
    [property: Id(2)] double? BarrierValue,
    [property: Id(3)] RunResult? Final);

/// <summary>Run one problem with one strategy.</summary>
/// <param name="JobId">The job (run) id; part of every seed.</param>
/// <param name="Problem">The problem.</param>
/// <param name="Strategy">The strategy and its settings.</param>
/// <param name="Phase">The phase to run (0 for single-phase strategies).</param>
/// <param name="Stats">Barrier statistics for this phase, when the strategy needs them.</param>
/// <param name="Index">The problem's 0-based position in the job's input, or -1 outside a job (IoRT's shared-growing memory orders by it).</param>
[GenerateSerializer, Immutable, Alias("agents.run-request.v1")]
public sealed record RunRequest(
    [property: Id(0)] string JobId,
    [property: Id(1)] Agents.Contracts.Problems.Problem Problem,
    [property: Id(2)] StrategySpec Strategy,
    [property: Id(3)] int Phase,
    [property: Id(4)] DatasetStats? Stats,
    [property: Id(5)] int Index = -1)
{
    /// <summary>A single-phase request.</summary>
    public RunRequest(string jobId, Agents.Contracts.Problems.Problem problem, StrategySpec strategy)
        : this(jobId, problem, strategy, 0, null)
    {
    }
}
