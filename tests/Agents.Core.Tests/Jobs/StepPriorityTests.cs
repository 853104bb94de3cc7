using Agents.Core.Jobs;

namespace Agents.Core.Tests.Jobs;

public sealed class StepPriorityTests
{
    [Fact]
    public void For_LaterRoundsAndLaterStagesComeFirst()
    {
        int[] order = [StepPriority.For(0, 0), StepPriority.For(1, 0), StepPriority.For(1, 1), StepPriority.For(2, 0), StepPriority.For(3, 1)];

        Assert.Equal([0, 4, 5, 8, 13], order);
        Assert.Equal(StepPriority.Default, StepPriority.For(0, 0));
    }

    [Fact]
    public void For_OutOfRangeInputs_AreClampedNotWrapped()
    {
        Assert.Equal(0, StepPriority.For(-3, -1));
        Assert.Equal(7, StepPriority.For(1, 99));
        Assert.Equal(int.MaxValue, StepPriority.For(int.MaxValue, 0));
    }
}
