using Agents.Core.Jobs;

namespace Agents.Core.Tests.Jobs;

public sealed class DriverRulesTests
{
    private static readonly DateTimeOffset At = new(2026, 12, 2, 23, 1, 5, TimeSpan.Zero);

    [Fact]
    public void Backoff_DoublesThePeriodPerFailureUpToTenSeconds()
    {
        var period = TimeSpan.FromMilliseconds(250);
        Assert.Equal(
            [250, 500, 1000, 2000, 4000, 8000, 10_000, 10_000],
            Enumerable.Range(1, 8).Select(n => DriverRules.Backoff(n, period).TotalMilliseconds));
        Assert.Equal(TimeSpan.FromSeconds(10), DriverRules.Backoff(1000, period));
        Assert.Equal(period, DriverRules.Backoff(0, period));
    }

    [Fact]
    public void Describe_TimeTypeFirstLineAndAction()
    {
        var text = DriverRules.Describe(At, new IOException("store unreachable\n   at Somewhere()"), "restarting in 0.5 s");

        Assert.Equal("2026-12-02T23:01:05Z IOException: store unreachable (restarting in 0.5 s)", text);
    }

    [Theory]
    [InlineData(3_600, 3_600)]        // an hour ahead: then
    [InlineData(86_400, 86_400)]      // a day ahead: then
    [InlineData(10 * 86_400, 86_400)] // further: a day at a time
    [InlineData(-60, 0)]              // already past: at once
    public void WakeDelay_UntilTheTimeAtMostADay(int secondsAhead, int delaySeconds) =>
        Assert.Equal(TimeSpan.FromSeconds(delaySeconds), DriverRules.WakeDelay(At.AddSeconds(secondsAhead), At));

    [Theory]
    [InlineData(true, 0, 86_400, true)]        // exported: at once
    [InlineData(false, 3_600, 86_400, false)]  // an hour of a day's retention
    [InlineData(false, 86_400, 86_400, true)]  // the day has passed
    [InlineData(false, 0, 0, true)]            // zero retention: on finishing
    public void StepsDue_ExportedOrRetentionAgePassed(bool exported, int finishedSecondsAgo, int retentionSeconds, bool due) =>
        Assert.Equal(due, JobRetention.StepsDue(At.AddSeconds(-finishedSecondsAgo), exported, At, TimeSpan.FromSeconds(retentionSeconds)));

    [Fact]
    public void StepsDue_FinishedBeforeTheTimeWasRecorded_Due() =>
        Assert.True(JobRetention.StepsDue(null, exported: false, At, TimeSpan.FromDays(1)));
}
