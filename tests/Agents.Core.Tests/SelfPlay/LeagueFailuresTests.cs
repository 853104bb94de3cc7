using Agents.Core.SelfPlay;

namespace Agents.Core.Tests.SelfPlay;

public sealed class LeagueFailuresTests
{
    [Theory]
    [InlineData(1, 2, false)]
    [InlineData(2, 2, true)]
    [InlineData(5, 5, true)]
    public void GivenUp_Attempts_AtMaxGameAttempts(int attempts, int max, bool expected) =>
        Assert.Equal(expected, LeagueFailures.GivenUp(attempts, SpcOptions.Default with { MaxGameAttempts = max }));

    [Fact]
    public void AutoPauseReason_StreakReachesLimit_SaysHowManyAndTheLastError()
    {
        var options = SpcOptions.Default with { MaxGameAttempts = 1, MaxConsecutiveFailedGames = 3 };

        Assert.Null(LeagueFailures.AutoPauseReason(2, options, "HttpRequestException: refused"));
        Assert.Equal(
            "3 games in a row failed after 1 attempt(s) each; last error: HttpRequestException: refused",
            LeagueFailures.AutoPauseReason(3, options, "HttpRequestException: refused"));
        Assert.StartsWith("4 games in a row", LeagueFailures.AutoPauseReason(4, options, "x"), StringComparison.Ordinal);
    }

    [Fact]
    public void AutoPauseReason_LimitZero_NeverPauses() =>
        Assert.Null(LeagueFailures.AutoPauseReason(1000, SpcOptions.Default with { MaxConsecutiveFailedGames = 0 }, "x"));

    [Fact]
    public void ErrorText_Exception_TypeNameAndMessage() =>
        Assert.Equal("TimeoutException: slow backend", LeagueFailures.ErrorText(new TimeoutException("slow backend")));

    [Theory]
    [InlineData(0, 0)]
    [InlineData(1, 100)]
    [InlineData(37, 3700)]
    [InlineData(100, 10_000)]
    [InlineData(5000, 10_000)]
    public void Backoff_ConsecutiveFailures_100MsEachCappedAt10s(int failures, int milliseconds) =>
        Assert.Equal(TimeSpan.FromMilliseconds(milliseconds), LeagueFailures.Backoff(failures));
}
