using System.Diagnostics;
using System.Text;
using System.Text.Json;
using Agents.Core.Answers;
using Agents.Core.Grading;
using Agents.Core.Problems;
using Agents.Core.Tests.Answers;
using Agents.Testing;
using Xunit.Abstractions;

namespace Agents.Core.Tests.Grading;

/// <summary>
/// Grading measured through the path <c>agents grade</c> takes (a dataset file and a predictions file read by the
/// product's readers, then <see cref="PredictionGrader.Grade"/>): Math-Verify's own cases, real model-written solutions
/// labelled by people (ProcessBench), and every reference solution of GSM8K and MATH500.
/// </summary>
public sealed class GradingConformanceTests(ITestOutputHelper output) : IDisposable
{
    // Floors: the agreement reached when the floor was last raised. Raise them when grading improves; never lower.
    private const int MathVerifyFloor = 149;
    private const int ProcessBenchFloor = 508;

    private readonly string _dir = Directory.CreateTempSubdirectory("grading-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    [SharedDataFact("equivalence-cases.jsonl")]
    public void EquivalenceCases_AsAgentsGradeReadsThem_AgreeWithEachSourceChecker()
    {
        var rows = DatasetGradingTests.ReadJsonl("equivalence-cases.jsonl");
        var dataset = new List<object>();
        var predictions = new List<object>();
        for (var i = 0; i < rows.Count; i++)
        {
            var row = rows[i];
            var id = $"case-{i}";
            var pred = row.GetProperty("pred").GetString()!;
            dataset.Add(new { id, question = "equivalence case", answer = row.GetProperty("gold").GetString()! });

            // Math-Verify's tests hand the prediction over as a model response; hendrycks and Minerva cases are bare answers.
            predictions.Add(row.GetProperty("checker").GetString() == "math_verify" ? new { id, response = pred } : (object)new { id, answer = pred });
        }

        var totals = new Dictionary<EquivalenceMode, int>();
        var perChecker = new SortedDictionary<string, (int Cases, Dictionary<EquivalenceMode, int> Agree)>(StringComparer.Ordinal);
        foreach (var mode in Enum.GetValues<EquivalenceMode>())
        {
            var report = GradeAsCli(dataset, predictions, mode);
            Assert.Equal(rows.Count, report.Rows.Length);
            for (var i = 0; i < rows.Count; i++)
            {
                var checker = rows[i].GetProperty("checker").GetString()!;
                var expected = rows[i].GetProperty("equal").GetBoolean();
                var entry = perChecker.TryGetValue(checker, out var e) ? e : (0, []);
                if (mode == EquivalenceMode.MathVerify)
                {
                    entry.Cases++;
                }

                var graded = report.Rows[i];
                if (graded.Correct == expected)
                {
                    entry.Agree[mode] = entry.Agree.GetValueOrDefault(mode) + 1;
                    totals[mode] = totals.GetValueOrDefault(mode) + 1;
                }
                else if (mode == EquivalenceMode.MathVerify)
                {
                    output.WriteLine($"  disagree case {i} ({checker}): expected {expected}, got {graded.Correct} by {graded.DecidedBy}; "
                        + $"answer [{Short(graded.Answer)}] ({graded.ExtractedBy}) vs gold [{Short(graded.Gold)}]");
                }

                perChecker[checker] = entry;
            }
        }

        foreach (var (checker, (cases, agree)) in perChecker)
        {
            output.WriteLine($"figure: grading agreement {checker}: {agree.GetValueOrDefault(EquivalenceMode.MathVerify)}/{cases} (math-verify mode); "
                + $"numeric {agree.GetValueOrDefault(EquivalenceMode.Numeric)}, hendrycks {agree.GetValueOrDefault(EquivalenceMode.Hendrycks)}, prm800k {agree.GetValueOrDefault(EquivalenceMode.Prm800k)}");
        }

        var mv = totals.GetValueOrDefault(EquivalenceMode.MathVerify);
        output.WriteLine($"figure: grading agreement all sources: {mv}/{rows.Count} ({100.0 * mv / rows.Count:F1}%) in math-verify mode");
        Assert.True(mv >= MathVerifyFloor, $"math-verify agreement {mv} fell below its floor {MathVerifyFloor}");
    }

    [SharedDataFact("processbench_gsm8k.json", "processbench_math.json", "gsm8k_test.jsonl", "math500_test.jsonl")]
    public void ProcessBenchSolutions_GradedAgainstGold_AgreeWithHumanFinalAnswerLabels()
    {
        var gsm8kGold = DatasetGradingTests.ReadJsonl("gsm8k_test.jsonl")
            .ToDictionary(r => r.GetProperty("question").GetString()!, r => r.GetProperty("answer").GetString()!, StringComparer.Ordinal);
        var mathGold = DatasetGradingTests.ReadJsonl("math500_test.jsonl")
            .ToDictionary(r => r.GetProperty("problem").GetString()!, r => r.GetProperty("answer").GetString()!, StringComparer.Ordinal);
        var dataset = new List<object>();
        var predictions = new List<object>();
        var labels = new List<(string Id, bool Correct)>();
        foreach (var (file, golds) in new[] { ("processbench_gsm8k.json", gsm8kGold), ("processbench_math.json", mathGold) })
        {
            using var doc = JsonDocument.Parse(File.ReadAllText(SharedData.Dataset(file)!));
            foreach (var item in doc.RootElement.EnumerateArray())
            {
                if (!golds.TryGetValue(item.GetProperty("problem").GetString()!, out var gold))
                {
                    continue;
                }

                var id = item.GetProperty("id").GetString()!;
                dataset.Add(new { id, question = item.GetProperty("problem").GetString(), answer = gold });
                predictions.Add(new { id, response = string.Join("\n\n", item.GetProperty("steps").EnumerateArray().Select(s => s.GetString())) });
                labels.Add((id, item.GetProperty("final_answer_correct").GetBoolean()));
            }
        }

        var report = GradeAsCli(dataset, predictions, EquivalenceModes.Default);
        var byId = report.Rows.ToDictionary(r => r.Id, StringComparer.Ordinal);
        var agree = 0;
        foreach (var (id, label) in labels)
        {
            var row = byId[id];
            if (row.Correct == label)
            {
                agree++;
            }
            else
            {
                output.WriteLine($"  disagree {id}: label {label}, graded {row.Correct} by {row.DecidedBy}; answer [{Short(row.Answer)}] ({row.ExtractedBy}) vs gold [{Short(row.Gold)}]");
            }
        }

        output.WriteLine($"figure: grading ProcessBench final_answer_correct agreement {agree}/{labels.Count} ({100.0 * agree / labels.Count:F1}%)");
        Assert.Equal(512, labels.Count);
        Assert.True(agree >= ProcessBenchFloor, $"ProcessBench agreement {agree} fell below its floor {ProcessBenchFloor}");
    }

    [SharedDataFact("gsm8k_test.jsonl")]
    public void Gsm8kReferenceSolutions_DefaultMode_AllCorrect()
    {
        var rows = DatasetGradingTests.ReadJsonl("gsm8k_test.jsonl");
        var dataset = rows.Select((r, i) => (object)new { id = $"g{i}", question = r.GetProperty("question").GetString(), answer = r.GetProperty("answer").GetString() }).ToList();
        var predictions = rows.Select((r, i) => (object)new { id = $"g{i}", response = r.GetProperty("answer").GetString() }).ToList();
        var report = GradeAsCli(dataset, predictions, EquivalenceModes.Default);
        foreach (var row in report.Rows.Where(r => !r.Correct))
        {
            output.WriteLine($"  wrong {row.Id}: [{Short(row.Answer)}] ({row.ExtractedBy}) vs [{row.Gold}] by {row.DecidedBy}");
        }

        output.WriteLine($"figure: grading GSM8K reference solutions {report.Correct}/{report.Rows.Length} in math-verify mode");
        Assert.Equal(1319, report.Rows.Length);
        Assert.Equal(1319, report.Correct);
    }

    [SharedDataFact("math500_test.jsonl")]
    public void Math500ReferenceSolutions_DefaultMode_AllCorrect()
    {
        var rows = DatasetGradingTests.ReadJsonl("math500_test.jsonl");
        var dataset = rows.Select(r => (object)new { id = r.GetProperty("unique_id").GetString(), problem = r.GetProperty("problem").GetString(), answer = r.GetProperty("answer").GetString() }).ToList();
        var predictions = rows.Select(r => (object)new { id = r.GetProperty("unique_id").GetString(), response = r.GetProperty("solution").GetString() }).ToList();
        var report = GradeAsCli(dataset, predictions, EquivalenceModes.Default);
        foreach (var row in report.Rows.Where(r => !r.Correct))
        {
            output.WriteLine($"  wrong {row.Id}: [{Short(row.Answer)}] ({row.ExtractedBy}) vs [{row.Gold}] by {row.DecidedBy}");
        }

        output.WriteLine($"figure: grading MATH500 reference solutions {report.Correct}/{report.Rows.Length} in math-verify mode");
        Assert.Equal(500, report.Rows.Length);
        Assert.Equal(500, report.Correct);
    }

    /// <summary>Writes both files and grades them exactly as <c>agents grade --input … --predictions …</c> does.</summary>
    private GradeReport GradeAsCli(IReadOnlyList<object> datasetRows, IReadOnlyList<object> predictionRows, EquivalenceMode mode)
    {
        var input = Path.Combine(_dir, "dataset.jsonl");
        var preds = Path.Combine(_dir, "predictions.jsonl");
        File.WriteAllLines(input, datasetRows.Select(r => JsonSerializer.Serialize(r)), new UTF8Encoding(false));
        File.WriteAllLines(preds, predictionRows.Select(r => JsonSerializer.Serialize(r)), new UTF8Encoding(false));
        var dataset = DatasetReader.Read(input);
        Assert.Empty(dataset.Errors);
        var (predictions, errors) = PredictionGrader.ReadPredictions(preds);
        Assert.Empty(errors);
        var report = PredictionGrader.Grade(dataset.Problems, predictions, mode);
        Assert.Empty(report.Errors);
        return report;
    }

    private static string Short(string? s) => s is null ? "null" : s.Length <= 120 ? s.ReplaceLineEndings(" ") : s[..117].ReplaceLineEndings(" ") + "...";
}
