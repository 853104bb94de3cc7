using Agents.Client.Experiments;

namespace Agents.Cluster.Tests.Cli;

/// <summary>The experiment logic the CLI and the dashboard share: validation, order, budget matching, summary.</summary>
public sealed class ExperimentPlanTests
{
    [Theory]
    [InlineData(new[] { " ", "" }, "lists no strategy")]
    [InlineData(new[] { "cot", "sc", "cot" }, "strategy 'cot' is listed twice")]
    [InlineData(new[] { "cot", "nope" }, "nope")]
    public void Create_BadStrategies_RefusesBeforeAnythingRuns(string[] strategies, string expected)
    {
        var error = Assert.Throws<ArgumentException>(() => ExperimentPlan.Create(strategies, [], matchBudget: false));

        Assert.Contains(expected, error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Create_OptionNoStrategyTakes_NamesIt()
    {
        var error = Assert.Throws<ArgumentException>(() => ExperimentPlan.Create(["cot", "sc"], ["bogus=1"], matchBudget: false));

        Assert.StartsWith("option 'bogus' applies to none of cot, sc", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Create_MatchBudgetWithoutMagicore_WarnsAndRunsUnmatched()
    {
        var plan = ExperimentPlan.Create(["sc", "cot"], [], matchBudget: true);

        Assert.False(plan.MatchBudget);
        Assert.Equal(["sc", "cot"], plan.Strategies);
        Assert.Contains("needs magicore", plan.Warning, StringComparison.Ordinal);
    }

    [Fact]
    public async Task RunAsync_MatchBudget_MagicoreFirstThenScAtItsMeanAndSelfRefineCalibrated()
    {
        var plan = ExperimentPlan.Create(["sc", "self-refine", "magicore"], [], matchBudget: true);
        var asked = new List<ExperimentStep>();
        // MAgICoRe spends 5.5 generations per problem; one Self-Refine run spends 2.
        var samples = new Dictionary<string, int[]> { ["magicore"] = [5, 6], ["sc"] = [6, 6], ["calibration-self-refine"] = [2, 2], ["results-self-refine"] = [6, 6] };

        var summary = await plan.RunAsync("data.jsonl", "sim", 3, (step, _) =>
        {
            asked.Add(step);
            var key = step.Strategy == "self-refine" ? step.Name : step.Strategy;
            return Task.FromResult<StepOutcome?>(Outcome(step.Strategy, samples[key]));
        }, null, CancellationToken.None);

        Assert.Equal(
            [new ExperimentStep("magicore", null), new ExperimentStep("sc", 6), new ExperimentStep("self-refine", 1, true), new ExperimentStep("self-refine", 3)],
            asked);
        Assert.NotNull(summary);
        Assert.Equal(["magicore", "sc", "self-refine"], summary.Results.Select(r => r.Strategy));
        var budget = summary.MatchBudget!;
        Assert.Equal(("magicore", 5.5, 6, (int?)3, (double?)2.0), (budget.MatchedTo, budget.GenerationsPerProblem, budget.K, budget.SelfRefineRuns, budget.SelfRefineGenerationsPerRun));
        Assert.Equal(["sc"], budget.Strategies);
        Assert.Equal((2, 3L), (summary.Problems, summary.Seed));
    }

    [Fact]
    public async Task RunAsync_StepFails_StopsThereWithoutSummary()
    {
        var plan = ExperimentPlan.Create(["cot", "sc", "magicore"], [], matchBudget: false);
        var asked = new List<string>();
        var seen = new List<string>();

        var summary = await plan.RunAsync("data.jsonl", "sim", 0, (step, _) =>
        {
            asked.Add(step.Strategy);
            return Task.FromResult(step.Strategy == "sc" ? null : Outcome(step.Strategy, [1, 1]));
        }, r => seen.Add(r.Strategy), CancellationToken.None);

        Assert.Null(summary);
        Assert.Equal(["cot", "sc"], asked);
        Assert.Equal(["cot"], seen);
    }

    private static StepOutcome Outcome(string strategy, int[] samples)
    {
        var rows = samples.Select((s, i) => new OutputRow(
            $"p{i}", strategy, "1", "1", true, "ok", null, s, 10, 5, 0, 1, s, 0, "", "", "job", new Dictionary<string, int>(), ["1"], [true], [],
            new Dictionary<string, string>())).ToList();
        return new StepOutcome(rows, BatchSummary.From(rows, strategy, "sim", "test", "job", 0, rows.Count, 1, new Dictionary<string, string>()), "job", null);
    }
}
