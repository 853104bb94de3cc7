using System.Globalization;
using Agents.Core.Simulation;

namespace Agents.Inference.Tests.Rewards;

/// <summary>Chains written by hand for synthetic problems: all steps right, or one step with a wrong result.</summary>
internal static class SyntheticChains
{
    public static SyntheticProblem Problem(int index) => SyntheticProblems.GenerateOne(2024, index, minSteps: 3, maxSteps: 6);

    /// <summary>The steps, each "Step n: …"; step <paramref name="wrongStep"/> (if any) states a result off by 7.</summary>
    public static List<string> Steps(SyntheticProblem problem, int wrongStep = -1)
    {
        var steps = new List<string>();
        for (var i = 0; i < problem.Steps; i++)
        {
            var text = problem.CorrectStep(i);
            if (i == wrongStep)
            {
                var value = problem.Values[i + 1].ToString(CultureInfo.InvariantCulture);
                var wrong = (problem.Values[i + 1] + 7).ToString(CultureInfo.InvariantCulture);
                Assert.EndsWith($"= {value}.", text, StringComparison.Ordinal);
                text = text[..^(value.Length + 1)] + wrong + ".";
            }

            steps.Add($"Step {i + 1}: {text}");
        }

        return steps;
    }

    /// <summary>The chain text: the steps, then the boxed answer (omitted when <paramref name="answer"/> is null).</summary>
    public static string Chain(IEnumerable<string> steps, long? answer) =>
        string.Join("\n", steps) + (answer is { } a ? $"\nThe answer is \\boxed{{{a.ToString(CultureInfo.InvariantCulture)}}}." : "\nSo that is the count.");
}
