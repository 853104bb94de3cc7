using Agents.Core.Jobs;

namespace Agents.Core.Tests.Jobs;

public sealed class JobResultBufferTests
{
    [Fact]
    public void Plan_ResultsCrossingAResultsGrain_SplitAtConsecutiveSequenceNumbers()
    {
        var buffer = new JobResultBuffer();
        buffer.Add(JobMark.Finished(JobData.Work(1, 4), 0, JobData.Ok("a", true)));
        buffer.Add(JobMark.AtBarrier(JobData.Work(0, 2), 0, 0.5));
        buffer.Add(JobMark.Finished(JobData.Work(0, 0), 0, JobData.Ok("b", false)));
        buffer.Add(JobMark.Finished(JobData.Work(1, 1), 0, JobData.Failed("c")));

        // Four results per grain and three recorded so far: "a" is entry 3 of grain 0, "b" and "c" start grain 1.
        var plan = buffer.Plan(firstSequence: 3, resultsPerGrain: 4);

        Assert.Equal(4, plan.Marks);
        Assert.Collection(
            plan.ResultWrites,
            w =>
            {
                Assert.Equal((0, 3), (w.Grain, w.Offset));
                Assert.Equal(["a"], w.Results.Select(r => r.ProblemId));
            },
            w =>
            {
                Assert.Equal((1, 0), (w.Grain, w.Offset));
                Assert.Equal(["b", "c"], w.Results.Select(r => r.ProblemId));
            });
        Assert.Collection(
            plan.ChunkRecords,
            r =>
            {
                Assert.Equal(1, r.Chunk);
                Assert.Equal([4, 1], r.Marks.FinishedPositions.ToArray());
                Assert.Equal([3, 5], r.Marks.FinishedSequence.ToArray());
                Assert.Empty(r.Marks.BarrierPositions);
            },
            r =>
            {
                Assert.Equal(0, r.Chunk);
                Assert.Equal([0], r.Marks.FinishedPositions.ToArray());
                Assert.Equal([4], r.Marks.FinishedSequence.ToArray());
                Assert.Equal([2], r.Marks.BarrierPositions.ToArray());
                Assert.Equal([0.5], r.Marks.BarrierValues.ToArray());
            });
    }

    [Fact]
    public void Plan_CompletionsFailuresAndBarrierValues_CountersAddUp()
    {
        var buffer = new JobResultBuffer();
        buffer.Add(JobMark.Finished(JobData.Work(0, 0), 1, JobData.Ok("a", true)));
        buffer.Add(JobMark.Finished(JobData.Work(0, 1), 1, JobData.Ok("b", true)));
        buffer.Add(JobMark.Finished(JobData.Work(0, 2), 1, JobData.Ok("c", null)));
        buffer.Add(JobMark.Finished(JobData.Work(0, 3), 1, JobData.Failed("d")));
        buffer.Add(JobMark.AtBarrier(JobData.Work(0, 4), 0, 0.1));
        buffer.Add(JobMark.AtBarrier(JobData.Work(0, 5), 1, 0.2));
        buffer.Add(JobMark.AtBarrier(JobData.Work(0, 6), 1, 0.3));

        var plan = buffer.Plan(0, 256);

        Assert.Equal((4, 1, 2), (plan.Results, plan.Failed, plan.Correct));
        Assert.Equal(1, plan.BarrierValues[0]);
        Assert.Equal(2, plan.BarrierValues[1]);
        // One record per chunk and phase.
        Assert.Equal([(0, 1), (0, 0)], plan.ChunkRecords.Select(r => (r.Chunk, r.Marks.Phase)));
    }

    [Fact]
    public void Commit_MarksAddedDuringTheFlush_StayForTheNextOne()
    {
        var buffer = new JobResultBuffer();
        buffer.Add(JobMark.Finished(JobData.Work(0, 0), 0, JobData.Ok("a", true)));
        var plan = buffer.Plan(0, 256);
        buffer.Add(JobMark.Finished(JobData.Work(0, 1), 0, JobData.Ok("b", true)));

        buffer.Commit(plan);

        Assert.Equal(1, buffer.Count);
        var next = buffer.Plan(1, 256);
        Assert.Equal("b", Assert.Single(Assert.Single(next.ResultWrites).Results).ProblemId);
        Assert.Equal([1], Assert.Single(next.ChunkRecords).Marks.FinishedSequence.ToArray());
    }

    [Fact]
    public void Plan_FlushThatFailedIsPlannedAgain_SameSequenceNumbers()
    {
        var buffer = new JobResultBuffer();
        buffer.Add(JobMark.Finished(JobData.Work(0, 0), 0, JobData.Ok("a", true)));
        buffer.Add(JobMark.Finished(JobData.Work(0, 1), 0, JobData.Ok("b", true)));

        var failed = buffer.Plan(7, 256);
        var retried = buffer.Plan(7, 256);

        Assert.Equal(2, buffer.Count);
        Assert.Equal(failed.ChunkRecords.Single().Marks.FinishedSequence.ToArray(), retried.ChunkRecords.Single().Marks.FinishedSequence.ToArray());
        Assert.Equal([7, 8], retried.ChunkRecords.Single().Marks.FinishedSequence.ToArray());
        Assert.Equal(7, retried.ResultWrites.Single().Offset);
    }

    [Fact]
    public void Plan_Empty_WritesNothing()
    {
        var plan = new JobResultBuffer().Plan(12, 256);

        Assert.Equal(0, plan.Marks);
        Assert.Empty(plan.ResultWrites);
        Assert.Empty(plan.ChunkRecords);
        Assert.Equal((0, 0, 0), (plan.Results, plan.Failed, plan.Correct));
        Assert.Empty(plan.BarrierValues);
    }
}
