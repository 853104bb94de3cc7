using System.Diagnostics;
using System.Text.Json;
using Agents.Cli.Batch;
using Agents.Core.Simulation;
using Spectre.Console;
using Xunit.Abstractions;

namespace Agents.Cluster.Tests.Cli;

/// <summary>
/// <c>agents batch --strategy magicore --mode code</c> against the released loop: the chain scores each run recorded in
/// its transcript are replayed through <see cref="RefinePy"/>, and every classification and every reported answer must
/// equal the ones the run grains recorded (docs/algorithms.md, "Checking code mode against the released loop").
/// </summary>
public sealed class MagicoreConformanceTests(ITestOutputHelper output)
{
    private const int Problems = 200;
    private const int K = 8;
    private const int Iterations = 3;

    [Fact]
    public async Task CodeMode_200SyntheticProblems_EveryClassificationAndReportedAnswerMatchRefinePy()
    {
        var dir = Directory.CreateTempSubdirectory("agents-conformance-");
        try
        {
            var input = Path.Combine(dir.FullName, "synth.jsonl");
            var results = Path.Combine(dir.FullName, "r.jsonl");
            await File.WriteAllLinesAsync(input, SyntheticProblems.Generate(Problems, 12, minSteps: 8, maxSteps: 12)
                .Select(p => JsonSerializer.Serialize(new { id = p.Id, question = p.Question, answer = p.Gold })));
            var console = AnsiConsole.Create(new AnsiConsoleSettings { Out = new AnsiConsoleOutput(TextWriter.Null), Interactive = InteractionSupport.No });
            var clock = Stopwatch.StartNew();
            var exit = await new BatchRunner(console, TextWriter.Null).RunAsync(
                new BatchSettings(input, "magicore", results, K: K, Rounds: Iterations, Mode: "code"), CancellationToken.None);
            Assert.Equal(ExitCodes.Ok, exit);

            var runs = File.ReadLines(ResumableOutput.SidePath(results, ".transcripts.jsonl")).Select(Recorded.Parse).OrderBy(r => r.Id, StringComparer.Ordinal).ToList();
            Assert.Equal(Problems, runs.Count);
            var (mean, std, replayed) = RefinePy.Run([.. runs.Select(r => r.Chains)], K, Iterations);

            var identical = 0;
            var differences = new List<string>();
            foreach (var (run, py) in runs.Zip(replayed))
            {
                var diff = Compare(run, py, mean, std);
                if (diff is null)
                {
                    identical++;
                }
                else
                {
                    differences.Add($"{run.Id}: {diff}");
                }
            }

            var hardByIteration = Enumerable.Range(1, Iterations).Select(t => runs.Count(r => r.Hard[t])).ToList();
            output.WriteLine($"figure: magicore code conformance {identical}/{Problems} identical");
            output.WriteLine($"hard problems per iteration: {string.Join(", ", hardByIteration)}; batch and replay took {clock.Elapsed.TotalSeconds:F1} s");
            foreach (var d in differences.Take(10))
            {
                output.WriteLine(d);
            }

            // The comparison means something only if problems were refined, then classified on their refined chains (and
            // reported as those stand) and then reverted to iteration 0's chains and refined again.
            Assert.True(hardByIteration[0] > 0);
            Assert.Contains(runs, r => r.Hard[1] && !r.Hard[2] && r.Hard[3]);
            Assert.Equal(Problems, identical);
        }
        finally
        {
            dir.Delete(recursive: true);
        }
    }

    private static string? Compare(Recorded run, PyResult py, double mean, double std)
    {
        if (!Close(run.Mu, mean) || !Close(run.Sigma, std))
        {
            return $"statistics ({run.Mu}, {run.Sigma}) vs ({mean}, {std})";
        }

        if (run.Majority != py.Majority)
        {
            return $"majority '{run.Majority}' vs '{py.Majority}'";
        }

        for (var t = 1; t <= Iterations; t++)
        {
            var expected = py.Iterations[t - 1];
            if (!expected.Replayed)
            {
                return $"iteration {t}: the released loop refines, the run did not record refined chains";
            }

            if ((run.Hard[t], run.Cond1[t]) != (expected.NeedRefinement, expected.Cond1))
            {
                return $"iteration {t}: hard={run.Hard[t]} cond1={run.Cond1[t]} vs need_refinement={expected.NeedRefinement} cond1={expected.Cond1}";
            }

            if (run.Answers[t] != expected.Answer)
            {
                return $"iteration {t}: reported '{run.Answers[t]}' vs '{expected.Answer}'";
            }
        }

        return null;
    }

    private static bool Close(double a, double b) => Math.Abs(a - b) <= 1e-9 * Math.Max(1, Math.Abs(b));

    /// <summary>What one run's transcript says, read from the messages' <c>data</c> objects only.</summary>
    private sealed record Recorded(
        string Id, PyProblem Chains, string? Majority, double Mu, double Sigma,
        Dictionary<int, bool> Hard, Dictionary<int, bool> Cond1, Dictionary<int, string?> Answers)
    {
        public static Recorded Parse(string line)
        {
            using var document = JsonDocument.Parse(line);
            var id = document.RootElement.GetProperty("problem_id").GetString()!;
            var chains = new Dictionary<int, IReadOnlyList<PyChain>>();
            var hard = new Dictionary<int, bool>();
            var cond1 = new Dictionary<int, bool>();
            var answers = new Dictionary<int, string?>();
            string? majority = null;
            double mu = double.NaN, sigma = double.NaN;
            foreach (var message in document.RootElement.GetProperty("messages").EnumerateArray())
            {
                if (message.GetProperty("data") is not { ValueKind: JsonValueKind.Object } data)
                {
                    continue;
                }

                var round = message.GetProperty("round").GetInt32();
                if (data.TryGetProperty("scores", out var scores))
                {
                    chains.Add(round, [.. scores.GetProperty("chains").EnumerateArray().Select(c => new PyChain(
                        c.GetProperty("answer").GetString(), c.GetProperty("orm").GetDouble(), [.. c.GetProperty("prm").EnumerateArray().Select(p => p.GetDouble())]))]);
                }
                else if (data.TryGetProperty("classification", out var classification))
                {
                    var t = classification.GetProperty("iteration").GetInt32();
                    hard.Add(t, classification.GetProperty("hard").GetBoolean());
                    cond1.Add(t, classification.GetProperty("cond1").GetBoolean());
                    if (t == 1)
                    {
                        majority = classification.GetProperty("majority").GetString();
                        mu = classification.GetProperty("mu").GetDouble();
                        sigma = classification.GetProperty("sigma").GetDouble();
                    }
                }
                else if (data.TryGetProperty("decision", out var decision))
                {
                    answers.Add(round, decision.GetProperty("answer").GetString());
                }
            }

            var refined = chains.Where(c => c.Key > 0).ToDictionary(c => c.Key, c => c.Value);
            return new Recorded(id, new PyProblem(id, chains[0], refined), majority, mu, sigma, hard, cond1, answers);
        }
    }
}
