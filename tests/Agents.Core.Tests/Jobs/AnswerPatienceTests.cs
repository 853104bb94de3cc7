using Agents.Core.Jobs;

namespace Agents.Core.Tests.Jobs;

public sealed class AnswerPatienceTests
{
    [Fact]
    public void WaitAfter_HalfAMinuteDoubledPerRepeatUpToEightMinutes()
    {
        Assert.Equal(
            [30, 60, 120, 240, 480, 480, 480],
            Enumerable.Range(1, 7).Select(n => AnswerPatience.WaitAfter(n).TotalSeconds));
        Assert.Equal(AnswerPatience.LongestWait, AnswerPatience.WaitAfter(int.MaxValue));
    }

    [Fact]
    public void WaitAfter_WithinHalfAnHour_AsksAFewTimesNotEveryHalfMinute()
    {
        // The call timeout inside a silo is 30 minutes: a run that really takes that long is asked again 6 times.
        var asks = 1;
        for (var waited = AnswerPatience.WaitAfter(1); waited < TimeSpan.FromMinutes(30); waited += AnswerPatience.WaitAfter(asks))
        {
            asks++;
        }

        Assert.Equal(7, asks);
    }

    [Fact]
    public void WaitAfter_NoAskYet_Refused() =>
        Assert.Throws<ArgumentOutOfRangeException>(() => AnswerPatience.WaitAfter(0));
}
