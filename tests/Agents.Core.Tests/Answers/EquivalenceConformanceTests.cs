using System.Text.Json;
using Agents.Core.Answers;
using Xunit.Abstractions;

namespace Agents.Core.Tests.Answers;

/// <summary>
/// Runs equivalence-cases.jsonl (cases from Math-Verify, hendrycks/math and lm-evaluation-harness test suites) under each
/// mode, prints agreement per source, and holds each mode to a floor that may only rise.
/// </summary>
public sealed class EquivalenceConformanceTests(ITestOutputHelper output)
{
    // Floors: the agreement reached when the floor was last raised. Raise them when the graders improve; never lower.
    private const int NumericFloor = 109;
    private const int HendrycksFloor = 71;
    private const int Prm800kFloor = 88;

    [SharedDataFact("equivalence-cases.jsonl")]
    public void EquivalenceCases_EachMode_AgreementAtLeastFloor()
    {
        var rows = DatasetGradingTests.ReadJsonl("equivalence-cases.jsonl");
        var totals = new Dictionary<EquivalenceMode, int>();
        var perSource = new SortedDictionary<string, (int Cases, Dictionary<EquivalenceMode, int> Agree)>(StringComparer.Ordinal);
        foreach (var row in rows)
        {
            var source = Path.GetFileNameWithoutExtension(row.GetProperty("source").GetString()!);
            var pred = Prepare(row.GetProperty("pred").GetString()!);
            var gold = Prepare(row.GetProperty("gold").GetString()!);
            var expected = row.GetProperty("equal").GetBoolean();
            if (!perSource.TryGetValue(source, out var entry))
            {
                entry = (0, []);
            }

            entry.Cases++;
            foreach (var mode in Enum.GetValues<EquivalenceMode>())
            {
                var agrees = AnswerEquivalence.AreEquivalent(pred, gold, mode) == expected;
                if (agrees)
                {
                    entry.Agree[mode] = entry.Agree.GetValueOrDefault(mode) + 1;
                    totals[mode] = totals.GetValueOrDefault(mode) + 1;
                }
                else if (Environment.GetEnvironmentVariable("AGENTS_SHOW_DISAGREEMENTS") == "1")
                {
                    output.WriteLine($"  [{EquivalenceModes.Name(mode)}] expected {expected}: [{pred}] vs [{gold}] ({source})");
                }
            }

            perSource[source] = entry;
        }

        output.WriteLine($"{"source",-28} {"cases",5} {"numeric",8} {"hendrycks",10} {"prm800k",8}");
        foreach (var (source, (cases, agree)) in perSource)
        {
            output.WriteLine($"{source,-28} {cases,5} {agree.GetValueOrDefault(EquivalenceMode.Numeric),8} "
                + $"{agree.GetValueOrDefault(EquivalenceMode.Hendrycks),10} {agree.GetValueOrDefault(EquivalenceMode.Prm800k),8}");
        }

        output.WriteLine($"{"total",-28} {rows.Count,5} {totals.GetValueOrDefault(EquivalenceMode.Numeric),8} "
            + $"{totals.GetValueOrDefault(EquivalenceMode.Hendrycks),10} {totals.GetValueOrDefault(EquivalenceMode.Prm800k),8}");
        Assert.True(totals.GetValueOrDefault(EquivalenceMode.Numeric) >= NumericFloor, "numeric agreement fell below its floor");
        Assert.True(totals.GetValueOrDefault(EquivalenceMode.Hendrycks) >= HendrycksFloor, "hendrycks agreement fell below its floor");
        Assert.True(totals.GetValueOrDefault(EquivalenceMode.Prm800k) >= Prm800kFloor, "prm800k agreement fell below its floor");
    }

    /// <summary>Whole responses and <c>$…$</c> answers go through extraction first; bare answers are graded as they are.</summary>
    private static string Prepare(string text) =>
        text.Contains("\\boxed", StringComparison.Ordinal) || text.Contains('$', StringComparison.Ordinal)
            ? AnswerExtractor.Extract(text) ?? AnswerExtractor.LastMath(text) ?? text
            : text;
}
