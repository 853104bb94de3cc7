using Agents.Core.Jobs;

namespace Agents.Core.Tests.Jobs;

public sealed class PendingCursorTests
{
    [Fact]
    public void Load_RecordedHalfWrittenAndBarrierMarks_QueuesOnlyUnrecordedProblemsWithoutBarrierValue()
    {
        // Recorded count 5: sequence 0 and 3 are recorded, 7 is half-written (its problem runs again), 4 has a barrier value.
        var cursor = new PendingCursor([0], new FinishedProblems());

        cursor.Load(cursor.NextChunk(10)!.Value, JobData.View(0, [0, -1, 7, 3, -1], barrierDone: 4), recordedCount: 5);

        Assert.Equal(["0-1", "0-2"], JobData.Drain(cursor).Select(w => w.Problem.Id));
        Assert.True(cursor.IsExhausted);
    }

    [Fact]
    public void NextChunk_FewerPendingThanWanted_ReadsAheadInAscendingChunkOrder()
    {
        var cursor = new PendingCursor([2, 0, 1], new FinishedProblems());

        Assert.Equal(0, cursor.NextChunk(4));
        cursor.Load(0, JobData.Fresh(0, 3), 0);
        Assert.Equal(1, cursor.NextChunk(4));          // 3 pending < 4 wanted: read one more chunk
        cursor.Load(1, JobData.Fresh(1, 3), 0);
        Assert.Null(cursor.NextChunk(4));              // 6 pending: enough for now
        Assert.True(cursor.TryTake(out var first));
        Assert.True(cursor.TryTake(out _));
        Assert.True(cursor.TryTake(out _));
        Assert.Equal(2, cursor.NextChunk(4));
        cursor.Load(2, JobData.Fresh(2, 1), 0);

        Assert.Equal((0, 0), (first.Chunk, first.Position));
        Assert.Equal(["1-0", "1-1", "1-2", "2-0"], JobData.Drain(cursor).Select(w => w.Problem.Id));
        Assert.Null(cursor.NextChunk(4));
        Assert.True(cursor.IsExhausted);
    }

    [Fact]
    public void Load_LaterPhase_SkipsProblemsFinishedEarlierAcrossChunks()
    {
        var finished = new FinishedProblems();
        var phase0 = new PendingCursor([0, 1], finished);
        phase0.Load(phase0.NextChunk(10)!.Value, JobData.Fresh(0, 3), 0);
        phase0.Load(phase0.NextChunk(10)!.Value, JobData.View(1, [0, -1]), 1);
        Assert.Equal(["0-0", "0-1", "0-2", "1-1"], JobData.Drain(phase0).Select(w => w.Problem.Id));

        // Problem 0-1 finished in phase 0 (not flushed yet, so its chunk still shows -1); the others reported barrier values.
        Assert.True(finished.TryFinish(0, 1));
        var phase1 = new PendingCursor([0, 1], finished);
        phase1.Load(phase1.NextChunk(10)!.Value, JobData.Fresh(0, 3), 1);
        phase1.Load(phase1.NextChunk(10)!.Value, JobData.View(1, [0, -1]), 1);

        Assert.Equal(["0-0", "0-2", "1-1"], JobData.Drain(phase1).Select(w => w.Problem.Id));
    }

    [Fact]
    public void IsExhausted_NoChunks_True()
    {
        var cursor = new PendingCursor([], new FinishedProblems());

        Assert.True(cursor.IsExhausted);
        Assert.Null(cursor.NextChunk(1));
        Assert.False(cursor.TryTake(out _));
    }
}
