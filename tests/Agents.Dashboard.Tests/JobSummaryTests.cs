using Agents.Client;
using Agents.Contracts.Jobs;
using Agents.Dashboard.Services;

namespace Agents.Dashboard.Tests;

public sealed class JobSummaryTests
{
    private static OutputRow Row(string id, bool? correct, string status = "ok", int rounds = 0, long tokens = 100) =>
        new(id, "magicore", "1", "1", correct, status, null, 4, tokens, 0, rounds, 10, 2, 0, "", "", "job",
            new Dictionary<string, int>(), [], [], [], new Dictionary<string, string>());

    private static JobProgress Progress(int total, int completed, string state = "running") =>
        new(total, completed, 1, 0, 0, state, 1, 1, completed, 2, []);

    [Fact]
    public void From_HalfDone_EtaIsTheElapsedTimeAgainAndAccuracyCountsGradedOnly()
    {
        OutputRow[] rows = [Row("a", true), Row("b", false), Row("c", null, "failed")];

        var summary = JobSummary.From(Progress(6, 3), rows, TimeSpan.FromSeconds(30), finished: false);

        Assert.Equal(TimeSpan.FromSeconds(30), summary.Eta);
        Assert.Equal(0.5, summary.Accuracy);
        Assert.Equal(10.0, summary.TokensPerSecond);
        Assert.Equal(0.5, summary.Fraction);
        Assert.Equal("50.0%", JobSummary.Percent(summary.Accuracy));
    }

    [Fact]
    public void From_NothingDone_HasNoEtaNorAccuracy()
    {
        var summary = JobSummary.From(Progress(6, 0), [], TimeSpan.FromSeconds(5), finished: false);

        Assert.Null(summary.Eta);
        Assert.Null(summary.Accuracy);
        Assert.Equal("-", JobSummary.FormatEta(summary.Eta));
    }

    [Fact]
    public void Filter_EachKind_KeepsItsRows()
    {
        OutputRow[] rows = [Row("a", true, rounds: 1), Row("b", false), Row("c", null, "failed"), Row("d", true)];

        Assert.Equal(["a", "d"], JobSummary.Filter(rows, ResultFilter.Correct).Select(r => r.Id));
        Assert.Equal(["b"], JobSummary.Filter(rows, ResultFilter.Incorrect).Select(r => r.Id));
        Assert.Equal(["c"], JobSummary.Filter(rows, ResultFilter.Failed).Select(r => r.Id));
        Assert.Equal(["a"], JobSummary.Filter(rows, ResultFilter.Refined).Select(r => r.Id));
        Assert.Equal(4, JobSummary.Filter(rows, ResultFilter.All).Count());
    }

    [Fact]
    public void From_Rows_TotalsAreTheCliBatchSummary()
    {
        OutputRow[] rows = [Row("a", true, tokens: 100), Row("b", false, tokens: 300), Row("c", null, "failed")];

        var summary = JobSummary.From(Progress(3, 3, "completed"), rows, TimeSpan.FromSeconds(2), finished: true);
        var cli = BatchSummary.From(rows, "", "default", "host", "", 2, 3, 2, new Dictionary<string, string>());

        Assert.Equal(cli with { Switches = summary.Totals.Switches }, summary.Totals);
        Assert.Contains(("samples per problem", "4.00"), summary.Rows());
        Assert.Contains(("accuracy", "50.0% (1/2)"), summary.Rows());
    }

    [Theory]
    [InlineData(0.4, "0 s")]
    [InlineData(42, "42 s")]
    [InlineData(125, "2 min 5 s")]
    [InlineData(7320, "2 h 2 min")]
    public void FormatEta_Durations(double seconds, string expected) => Assert.Equal(expected, JobSummary.FormatEta(TimeSpan.FromSeconds(seconds)));
}
