using System.Text;
using System.Text.Json;
using Agents.Core.Magicore;

namespace Agents.Core.Tracing;

/// <summary>
/// The machine-readable <c>data</c> objects of transcript messages (docs/algorithms.md, "Traces"): compact JSON with one
/// top-level key naming what it holds (<c>scores</c>, <c>classification</c>, <c>decision</c>, <c>instruction</c>,
/// <c>verdict</c>). Numbers are written at full precision (shortest round-trip form); a NaN or infinite value is null.
/// </summary>
public static class TraceData
{
    /// <summary>Key of the reward scores of a set of chains.</summary>
    public const string ScoresKey = "scores";

    /// <summary>Key of a MAgICoRe difficulty classification.</summary>
    public const string ClassificationKey = "classification";

    /// <summary>Key of a reported answer.</summary>
    public const string DecisionKey = "decision";

    /// <summary>Key of an IoRT instruction.</summary>
    public const string InstructionKey = "instruction";

    /// <summary>Key of an SPC critic verdict.</summary>
    public const string VerdictKey = "verdict";

    /// <summary>
    /// <c>{"scores": {"chains": [{"answer", "orm", "prm": [...]}]}}</c>: <c>prm</c> holds the step scores whose product
    /// is the chain's PRM score, or <c>[0]</c> when that score is 0 because the chain has no answer (the PRM is skipped)
    /// or no step score, as the released code stores it.
    /// </summary>
    public static string Scores(IEnumerable<ScoredChain> chains)
    {
        ArgumentNullException.ThrowIfNull(chains);
        return Write(ScoresKey, w =>
        {
            w.WriteStartArray("chains");
            foreach (var chain in chains)
            {
                w.WriteStartObject();
                WriteAnswer(w, "answer", chain.Answer);
                WriteNumber(w, "orm", chain.Orm);
                w.WriteStartArray("prm");
                if (chain.HasAnswer && !chain.StepScores.IsDefaultOrEmpty)
                {
                    foreach (var p in chain.StepScores)
                    {
                        WriteNumberValue(w, p);
                    }
                }
                else
                {
                    w.WriteNumberValue(0);
                }

                w.WriteEndArray();
                w.WriteEndObject();
            }

            w.WriteEndArray();
        });
    }

    /// <summary>
    /// <c>{"classification": {"iteration", "hard", "majority", "q", "cond1", "conf_orm", "conf_prm", "mu", "sigma"}}</c>;
    /// <c>q</c> is null when no chain matched the majority.
    /// </summary>
    public static string Classification(int iteration, Classification classification, DatasetStatistics statistics)
    {
        ArgumentNullException.ThrowIfNull(classification);
        ArgumentNullException.ThrowIfNull(statistics);
        return Write(ClassificationKey, w =>
        {
            w.WriteNumber("iteration", iteration);
            w.WriteBoolean("hard", classification.Hard);
            WriteAnswer(w, "majority", classification.Majority);
            WriteNumber(w, "q", classification.Q);
            w.WriteBoolean("cond1", classification.Cond1);
            WriteNumber(w, "conf_orm", classification.ConfidenceOrm);
            WriteNumber(w, "conf_prm", classification.ConfidencePrm);
            WriteNumber(w, "mu", statistics.Mean);
            WriteNumber(w, "sigma", statistics.StdDev);
        });
    }

    /// <summary><c>{"decision": {"answer"}}</c>: the answer a run reports (after a round, or finally).</summary>
    public static string Decision(string? answer) => Write(DecisionKey, w => WriteAnswer(w, "answer", answer));

    /// <summary><c>{"instruction": {"decision": "select|stop|refresh", "agreed"}}</c>.</summary>
    public static string Instruction(string decision, bool agreed)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(decision);
        return Write(InstructionKey, w =>
        {
            w.WriteString("decision", decision);
            w.WriteBoolean("agreed", agreed);
        });
    }

    /// <summary><c>{"verdict": {"step", "verdict": "correct|incorrect|invalid"}}</c>.</summary>
    public static string Verdict(int step, string verdict)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(verdict);
        return Write(VerdictKey, w =>
        {
            w.WriteNumber("step", step);
            w.WriteString("verdict", verdict);
        });
    }

    private static string Write(string key, Action<Utf8JsonWriter> body)
    {
        using var stream = new MemoryStream();
        using (var writer = new Utf8JsonWriter(stream, new JsonWriterOptions { Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping }))
        {
            writer.WriteStartObject();
            writer.WriteStartObject(key);
            body(writer);
            writer.WriteEndObject();
            writer.WriteEndObject();
        }

        return Encoding.UTF8.GetString(stream.ToArray());
    }

    private static void WriteAnswer(Utf8JsonWriter writer, string name, string? answer)
    {
        if (string.IsNullOrWhiteSpace(answer))
        {
            writer.WriteNull(name);
        }
        else
        {
            writer.WriteString(name, answer);
        }
    }

    private static void WriteNumber(Utf8JsonWriter writer, string name, double value)
    {
        writer.WritePropertyName(name);
        WriteNumberValue(writer, value);
    }

    private static void WriteNumberValue(Utf8JsonWriter writer, double value)
    {
        if (double.IsFinite(value))
        {
            writer.WriteNumberValue(value);
        }
        else
        {
            writer.WriteNullValue();
        }
    }
}
