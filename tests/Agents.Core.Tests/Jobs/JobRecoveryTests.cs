using Agents.Core.Jobs;

namespace Agents.Core.Tests.Jobs;

public sealed class JobRecoveryTests
{
    [Fact]
    public void DropHalfWritten_MarksAtOrPastRecordedCount_ResetExactlyThose()
    {
        List<int> sequence = [0, 5, -1, 4, 6, 3];

        var dropped = JobRecovery.DropHalfWritten(sequence, recordedCount: 5);

        Assert.Equal(2, dropped);
        Assert.Equal([0, -1, -1, 4, -1, 3], sequence);
    }

    [Fact]
    public void DropHalfWritten_NothingHalfWritten_ChangesNothing()
    {
        List<int> sequence = [2, -1, 0, 1];

        Assert.Equal(0, JobRecovery.DropHalfWritten(sequence, recordedCount: 3));
        Assert.Equal([2, -1, 0, 1], sequence);
    }

    [Theory]
    [InlineData(0, 1, true)]
    [InlineData(4, 5, true)]
    [InlineData(5, 5, false)]
    [InlineData(-1, 5, false)]
    [InlineData(0, 0, false)]
    public void IsRecorded_SequenceAgainstRecordedCount_TrueOnlyBelowIt(int sequence, int recordedCount, bool expected) =>
        Assert.Equal(expected, JobRecovery.IsRecorded(sequence, recordedCount));
}
