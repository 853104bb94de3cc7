using Agents.Client.Experiments;
using Agents.Contracts.SelfPlay;
using Agents.Dashboard.Components.Shared;
using Agents.Dashboard.Services;
using Bunit;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.FluentUI.AspNetCore.Components;

namespace Agents.Dashboard.Tests;

/// <summary>Components with logic of their own, rendered with bUnit.</summary>
public sealed class ComponentTests : IDisposable
{
    private readonly BunitContext _ctx = new();

    public ComponentTests()
    {
        _ctx.Services.AddFluentUIComponents();
        _ctx.JSInterop.Mode = JSRuntimeMode.Loose;
    }

    [Theory]
    [InlineData(0, 0, "0 / 0")]
    [InlineData(7, 20, "7 / 20 (35%)")]
    [InlineData(20, 20, "20 / 20 (100%)")]
    public void ProgressCell_ShowsFiguresInWords(int done, int total, string expected)
    {
        var cut = _ctx.Render<ProgressCell>(p => p.Add(c => c.Done, done).Add(c => c.Total, total).Add(c => c.Label, "Job progress"));

        Assert.Equal(expected, cut.Find("[data-testid=progress-text]").TextContent);
        Assert.Equal("Job progress", cut.Find("fluent-progress-bar").GetAttribute("aria-label"));
    }

    [Fact]
    public void Svg_ChainBars_IsANamedImageWithOneBarPerScore()
    {
        var chain = new ChainScores(2, 0.9, [0.8, 0.1]);

        var cut = _ctx.Render<Svg>(p => p.Add(c => c.Markup, Charts.ChainBars(chain)).Add(c => c.Label, "Chain 2"));

        var figure = cut.Find("figure[role=img]");
        Assert.Equal("Chain 2", figure.GetAttribute("aria-label"));
        Assert.NotNull(cut.Find("figure svg"));
        Assert.Contains("ORM", cut.Markup, StringComparison.Ordinal);
        Assert.Contains("s2", cut.Markup, StringComparison.Ordinal);
    }

    [Fact]
    public void ExperimentTables_OneIterativeStrategy_ComparesAllAndListsTransitionsForItOnly()
    {
        StrategyResult[] results =
        [
            Result("cot", correct: 6, samples: 1, transitions: null),
            Result("magicore", correct: 9, samples: 5.5, transitions: new TransitionCounts(5, 1, 4, 2, 0, 1 / 12.0, 4 / 12.0)),
        ];

        var cut = _ctx.Render<ExperimentTables>(p => p.Add(c => c.Results, results));

        var comparison = cut.FindAll("table[aria-label=Comparison] tbody tr");
        Assert.Equal(["cot", "magicore"], comparison.Select(r => r.GetAttribute("data-strategy")));
        Assert.Equal("50.0% (6/12)", comparison[0].QuerySelectorAll("td")[0].TextContent);
        Assert.Equal("5.50", comparison[1].QuerySelectorAll("td")[1].TextContent);
        Assert.Equal("r0 50.0% · r1 75.0%", comparison[1].QuerySelectorAll("td")[6].TextContent);
        Assert.Equal("", comparison[0].QuerySelectorAll("td")[7].TextContent);
        Assert.Equal("8.3%", comparison[1].QuerySelectorAll("td")[7].TextContent);
        var transitions = cut.FindAll("table[aria-label=Transitions] tbody tr");
        var magicore = Assert.Single(transitions);
        Assert.Equal(["5", "1", "4", "2", "0", "8.3%", "33.3%"], magicore.QuerySelectorAll("td").Select(td => td.TextContent));
    }

    [Fact]
    public void ExperimentTables_NothingFinished_SaysSoInsteadOfEmptyTables()
    {
        var cut = _ctx.Render<ExperimentTables>(p => p.Add(c => c.Results, []));

        Assert.Empty(cut.FindAll("table"));
        Assert.Contains("No strategy has finished yet.", cut.Markup, StringComparison.Ordinal);
    }

    [Fact]
    public void LeagueCharts_ClosedRoundsOnly_SplitCriticAndGeneratorAndDescribeEachRate()
    {
        var status = new LeagueStatus("l", "running", 3, 1, 0, null,
            [Round(1, true, 0.5, 0.75), Round(2, true, 0.625, 0.8), Round(3, false, 0, 0)]);

        var charts = DashboardLeagues.Charts(status);

        Assert.Equal(["Critic accuracy per round", "Generator success per round"], charts.Select(c => c.Title));
        Assert.Equal(["critic accuracy, attacked steps", "critic accuracy, original steps"], charts[0].Series.Select(s => s.Name));
        Assert.Equal([1.0, 2.0], charts[0].Series[0].Rounds);
        Assert.Equal(
            "Critic accuracy per round: critic accuracy, attacked steps round 1 50.0%, round 2 62.5%; critic accuracy, original steps round 1 75.0%, round 2 80.0%",
            DashboardLeagues.Describe(charts[0].Title, charts[0].Series));
        Assert.Equal("Generator success per round: no closed round yet", DashboardLeagues.Describe("Generator success per round", DashboardLeagues.Charts(status with { Rounds = [] })[1].Series));
    }

    private static StrategyResult Result(string strategy, int correct, double samples, TransitionCounts? transitions) => new(
        strategy, 12, correct, correct / 12.0, samples, 100, 80, 20, samples, new Dictionary<string, double>(), 1.5, 0, transitions is not null,
        transitions?.CorrectToIncorrectRate, transitions?.IncorrectToCorrectRate, transitions, transitions is null ? null : [0.5, 0.75],
        null, null, "job", null, new Dictionary<string, string>());

    private static RoundSummary Round(int round, bool closed, double attacked, double original) =>
        new(round, closed, "", "", 4, 4, attacked, original, 0.5, 0.25, 0, 0, 10, 100, 50, 0, 0, 4, 2);

    public void Dispose() => _ctx.Dispose();
}
