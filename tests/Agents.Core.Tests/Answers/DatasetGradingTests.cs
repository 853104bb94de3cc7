using System.Text.Json;
using Agents.Core.Answers;
using Agents.Testing;
using Xunit.Abstractions;

namespace Agents.Core.Tests.Answers;

/// <summary>Every reference solution in the shared datasets must grade as correct against its own gold answer.</summary>
public sealed class DatasetGradingTests(ITestOutputHelper output)
{
    [SharedDataFact("gsm8k_test.jsonl")]
    public void Gsm8kReferenceSolutions_ExtractedAnswer_EqualsGoldUnderEveryMode()
    {
        var rows = ReadJsonl("gsm8k_test.jsonl");
        var failures = new Dictionary<EquivalenceMode, List<int>>();
        foreach (var mode in Enum.GetValues<EquivalenceMode>())
        {
            failures[mode] = [];
        }

        for (var i = 0; i < rows.Count; i++)
        {
            var answer = rows[i].GetProperty("answer").GetString()!;
            var gold = AnswerExtractor.Gsm8kGold(answer);
            var predicted = AnswerExtractor.Extract(answer);
            foreach (var mode in Enum.GetValues<EquivalenceMode>())
            {
                if (!AnswerEquivalence.AreEquivalent(predicted, gold, mode))
                {
                    failures[mode].Add(i);
                }
            }
        }

        foreach (var (mode, failed) in failures)
        {
            output.WriteLine($"{EquivalenceModes.Name(mode)}: {rows.Count - failed.Count}/{rows.Count}; failing rows: {string.Join(", ", failed.Take(20))}");
        }

        Assert.Equal(1319, rows.Count);
        Assert.All(failures.Values, failed => Assert.Empty(failed));
    }

    [SharedDataFact("math500_test.jsonl")]
    public void Math500ReferenceSolutions_LastBoxed_EqualsAnswerUnderEveryMode()
    {
        var rows = ReadJsonl("math500_test.jsonl");
        var failures = new Dictionary<EquivalenceMode, List<string>>();
        foreach (var mode in Enum.GetValues<EquivalenceMode>())
        {
            failures[mode] = [];
        }

        foreach (var row in rows)
        {
            var boxed = AnswerExtractor.LastBoxed(row.GetProperty("solution").GetString()!);
            var gold = row.GetProperty("answer").GetString()!;
            foreach (var mode in Enum.GetValues<EquivalenceMode>())
            {
                if (!AnswerEquivalence.AreEquivalent(boxed, gold, mode))
                {
                    failures[mode].Add($"{row.GetProperty("unique_id").GetString()} [{boxed}] vs [{gold}]");
                }
            }
        }

        foreach (var (mode, failed) in failures)
        {
            output.WriteLine($"{EquivalenceModes.Name(mode)}: {rows.Count - failed.Count}/{rows.Count}");
            foreach (var f in failed)
            {
                output.WriteLine("  " + f);
            }
        }

        Assert.Equal(500, rows.Count);
        Assert.All(failures.Values, failed => Assert.Empty(failed));
    }

    internal static List<JsonElement> ReadJsonl(string fileName)
    {
        var path = SharedData.Dataset(fileName)!;
        return [.. File.ReadLines(path).Where(l => l.Length > 0).Select(l => JsonDocument.Parse(l).RootElement.Clone())];
    }
}
