using System.Globalization;
using System.Text.Json;
using Agents.Core.Solving;

namespace Agents.Core.Simulation;

/// <summary>
/// ProcessBench-shaped items in the simulated world's language: a synthetic problem, a simulated solver's chain (with its
/// slips) as the steps, and the label = the first wrong step by <see cref="SyntheticProblem.CheckSteps"/> (−1 when all
/// are right). The simulated critic reads these, so a critic evaluation on them is meaningful (on the real ProcessBench
/// files the simulated critic can only answer invalid).
/// </summary>
public static class SyntheticProcessBench
{
    /// <summary>The subset of items with 2–4 steps.</summary>
    public const string ShortSubset = "synth-short";

    /// <summary>The subset of items with 5–8 steps.</summary>
    public const string LongSubset = "synth-long";

    /// <summary>
    /// <paramref name="count"/> items, alternating between the short and the long subset and between erroneous and correct
    /// solutions (each drawn from the simulated solver at temperature 1.2 until it has the wanted kind; a problem whose
    /// draws never have it keeps the last draw). Deterministic by <paramref name="seed"/>.
    /// </summary>
    public static ImmutableArray<Problem> Generate(int count, long seed, SimulationOptions? options = null)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(count);
        var model = new SimulatedModel(options);
        var items = ImmutableArray.CreateBuilder<Problem>(count);
        for (var i = 0; i < count; i++)
        {
            var isShort = i % 2 == 0;
            var wantError = i / 2 % 2 == 0;
            var problem = isShort ? SyntheticProblems.GenerateOne(seed, i, 2, 4) : SyntheticProblems.GenerateOne(seed, i, 5, 8);
            ImmutableArray<string> steps = [];
            var label = -1;
            for (var draw = 0; draw < 20; draw++)
            {
                var chain = model.Solve(problem.Question, 1.2, SampleSeed.ForChoice(seed, (i * 100) + draw));
                steps = [.. SolutionParser.Parse(chain).Steps.Select(s => s.Text)];
                var verdicts = problem.CheckSteps(steps);
                label = Enumerable.Range(0, verdicts.Count).FirstOrDefault(j => !verdicts[j], -1);
                if (label >= 0 == wantError)
                {
                    break;
                }
            }

            var id = string.Create(CultureInfo.InvariantCulture, $"{(isShort ? ShortSubset : LongSubset)}-{i}");
            items.Add(new Problem(id, problem.Question, problem.Answer.ToString(CultureInfo.InvariantCulture), "processbench", i + 1, steps, label));
        }

        return items.MoveToImmutable();
    }

    /// <summary>One item as a ProcessBench JSON row: id, problem, steps, label, final_answer_correct (the chain's answer equals the gold).</summary>
    public static string ToJson(Problem item)
    {
        ArgumentNullException.ThrowIfNull(item);
        return JsonSerializer.Serialize(new Dictionary<string, object?>
        {
            ["id"] = item.Id,
            ["problem"] = item.Question,
            ["steps"] = item.Steps,
            ["label"] = item.FirstErrorStep ?? -1,
            ["final_answer_correct"] = Answers.AnswerExtractor.Extract(string.Join("\n", item.Steps)) == item.Gold,
        });
    }
}
