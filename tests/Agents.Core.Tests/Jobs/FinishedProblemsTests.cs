using Agents.Core.Jobs;

namespace Agents.Core.Tests.Jobs;

public sealed class FinishedProblemsTests
{
    [Fact]
    public void TryFinish_SameProblemTwice_OnlyTheFirstCounts()
    {
        var finished = new FinishedProblems();
        finished.Adopt(3, JobData.Fresh(3, 2), 0);

        Assert.True(finished.TryFinish(3, 1));
        Assert.False(finished.TryFinish(3, 1));
        Assert.True(finished.TryFinish(3, 0));
    }

    [Fact]
    public void Adopt_RecordedMarks_FinishedSoANewResultIsADuplicate()
    {
        var finished = new FinishedProblems();

        finished.Adopt(0, JobData.View(0, [4, -1, 9]), recordedCount: 5);

        Assert.True(finished.IsFinished(0, 0));
        Assert.False(finished.IsFinished(0, 1));
        Assert.False(finished.IsFinished(0, 2));     // half-written: sequence 9 is not below 5
        Assert.False(finished.TryFinish(0, 0));
        Assert.True(finished.TryFinish(0, 2));
    }

    [Fact]
    public void Adopt_AgainWithOlderMarks_KeepsTheActivationsOwnCompletions()
    {
        var finished = new FinishedProblems();
        finished.Adopt(0, JobData.Fresh(0, 2), 0);
        Assert.True(finished.TryFinish(0, 1));

        finished.Adopt(0, JobData.Fresh(0, 2), 0);

        Assert.True(finished.IsFinished(0, 1));
        Assert.False(finished.TryFinish(0, 1));
    }
}
