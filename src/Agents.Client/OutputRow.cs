using System.Text.Json;
using System.Text.Json.Serialization;
using Agents.Contracts.Runs;

namespace Agents.Client;

/// <summary>One line of a batch's output JSONL (the ARCHITECTURE output contract, snake_case).</summary>
public sealed record OutputRow(
    string Id,
    string Strategy,
    string? Answer,
    string? Gold,
    bool? Correct,
    string Status,
    string? Error,
    int Samples,
    long PromptTokens,
    long CompletionTokens,
    int Rounds,
    long LatencyMs,
    int Calls,
    int Retries,
    string Sampling,
    string Silo,
    string Job,
    IReadOnlyDictionary<string, int> CallsByRole,
    IReadOnlyList<string?> RoundAnswers,
    IReadOnlyList<bool?> RoundCorrect,
    IReadOnlyList<LedgerRow> Ledger,
    IReadOnlyDictionary<string, string> Details)
{
    /// <summary>JSON settings shared by every file the CLI writes.</summary>
    public static readonly JsonSerializerOptions Json = new()
    {
        PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower,
        DefaultIgnoreCondition = JsonIgnoreCondition.Never,
        Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
    };

    /// <summary>The row for a run result.</summary>
    public static OutputRow From(RunResult r, string jobId) => new(
        r.ProblemId, r.Strategy, r.Answer, r.Gold, r.Correct, r.Status, r.Error, r.Usage.Samples, r.Usage.PromptTokens,
        r.Usage.CompletionTokens, r.Rounds, r.LatencyMs, r.Usage.Calls, r.Usage.Retries, r.SamplingMethod, r.Silo, jobId,
        r.Ledger.GroupBy(l => l.Role).ToDictionary(g => g.Key, g => g.Sum(l => l.Usage.Calls), StringComparer.Ordinal),
        r.RoundAnswers, r.RoundCorrect,
        [.. r.Ledger.Select(l => new LedgerRow(l.Role, l.Round, l.Usage.Calls, l.Usage.Samples, l.Usage.PromptTokens, l.Usage.CompletionTokens))],
        r.Details);
}

/// <summary>One ledger line of an output row: calls, samples and tokens of a role in a round.</summary>
public sealed record LedgerRow(string Role, int Round, int Calls, int Samples, long PromptTokens, long CompletionTokens);

/// <summary>Reads and appends the output JSONL; a rerun resumes by skipping the ids already there.</summary>
public static class OutputFile
{
    /// <summary>Rows already written; a torn last line (the process died mid-write) is cut off first.</summary>
    public static List<OutputRow> ReadAndRepair(string path)
    {
        var rows = new List<OutputRow>();
        if (!File.Exists(path))
        {
            return rows;
        }

        var text = File.ReadAllText(path);
        var keep = text.Length;
        if (text.Length > 0 && text[^1] != '\n')
        {
            keep = text.LastIndexOf('\n') + 1;
            File.WriteAllText(path, text[..keep]);
        }

        var lineNumber = 0;
        foreach (var line in text[..keep].Split('\n'))
        {
            lineNumber++;
            if (line.Length == 0)
            {
                continue;
            }

            try
            {
                rows.Add(JsonSerializer.Deserialize<OutputRow>(line, OutputRow.Json)
                    ?? throw new JsonException("null row"));
            }
            catch (JsonException ex)
            {
                throw new InvalidDataException($"{path}:{lineNumber}: existing output row is not valid ({ex.Message}); move the file away or fix it", ex);
            }
        }

        return rows;
    }
}
