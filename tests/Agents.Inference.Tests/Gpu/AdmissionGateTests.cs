using Agents.Contracts.Inference;
using Agents.Inference.Gpu;

namespace Agents.Inference.Tests.Gpu;

public sealed class AdmissionGateTests
{
    [Fact]
    public async Task Enter_OverCapacityAndQueue_RefusesWithQueueFull()
    {
        var gate = new AdmissionGate(capacity: 2, queueLimit: 1);
        var a = await gate.EnterAsync(TimeSpan.FromSeconds(10));
        var b = await gate.EnterAsync(TimeSpan.FromSeconds(10));
        var queued = gate.EnterAsync(TimeSpan.FromSeconds(10)).AsTask();

        var refused = await Assert.ThrowsAsync<InferenceOverloadedException>(() => gate.EnterAsync(TimeSpan.FromSeconds(10)).AsTask());

        Assert.Equal(OverloadReason.QueueFull, refused.Reason);
        Assert.Equal((2, 1), (gate.Active, gate.Queued));
        a.Dispose();
        (await queued).Dispose();
        b.Dispose();
        Assert.Equal((0, 0, 1), (gate.Active, gate.Queued, gate.MaxQueued));
    }

    [Fact]
    public async Task Withdraw_QueuedRequest_FailsItWithWithdrawnAndTheSlotGoesToTheNext()
    {
        var gate = new AdmissionGate(capacity: 1, queueLimit: 4);
        var running = await gate.EnterAsync(TimeSpan.FromMinutes(1), "a");
        var second = gate.EnterAsync(TimeSpan.FromMinutes(1), "b").AsTask();
        var third = gate.EnterAsync(TimeSpan.FromMinutes(1), "c").AsTask();

        Assert.True(gate.Withdraw("b"));

        var withdrawn = await Assert.ThrowsAsync<InferenceOverloadedException>(() => second);
        Assert.Equal(OverloadReason.Withdrawn, withdrawn.Reason);
        Assert.Equal((1, 1), (gate.Active, gate.Queued));
        Assert.False(gate.Withdraw("b")); // gone already
        Assert.False(gate.Withdraw("a")); // has its slot: only a queued request can be taken back
        running.Dispose();
        using var next = await third; // the freed slot went to the next in line, not to the withdrawn one
        Assert.False(gate.Withdraw("c"));
        Assert.Equal((1, 0), (gate.Active, gate.Queued));
    }

    [Fact]
    public async Task Withdraw_UnknownOrUnkeyedRequest_ChangesNothing()
    {
        var gate = new AdmissionGate(capacity: 1, queueLimit: 4);
        using var running = await gate.EnterAsync(TimeSpan.FromMinutes(1));
        var unkeyed = gate.EnterAsync(TimeSpan.FromMinutes(1)).AsTask();

        Assert.False(gate.Withdraw("never-sent"));
        Assert.Equal((1, 1), (gate.Active, gate.Queued));
        Assert.False(unkeyed.IsCompleted);
    }

    [Fact]
    public async Task Enter_QueuedPastDeadline_RefusesWithDeadlineAndLeavesQueue()
    {
        var gate = new AdmissionGate(capacity: 1, queueLimit: 4);
        using var held = await gate.EnterAsync(TimeSpan.Zero);

        var refused = await Assert.ThrowsAsync<InferenceOverloadedException>(() => gate.EnterAsync(TimeSpan.FromMilliseconds(30)).AsTask());

        Assert.Equal(OverloadReason.Deadline, refused.Reason);
        Assert.Equal(0, gate.Queued);
    }

    [Fact]
    public async Task Enter_ManyConcurrent_NeverExceedsCapacityAndServesAll()
    {
        var gate = new AdmissionGate(capacity: 3, queueLimit: 100);
        var running = 0;
        var peak = 0;
        await Task.WhenAll(Enumerable.Range(0, 60).Select(async _ =>
        {
            using var lease = await gate.EnterAsync(TimeSpan.FromSeconds(30));
            var now = Interlocked.Increment(ref running);
            InterlockedMax(ref peak, now);
            await Task.Yield();
            Interlocked.Decrement(ref running);
        }));

        Assert.InRange(peak, 1, 3);
        Assert.Equal((0, 0), (gate.Active, gate.Queued));
    }

    private static void InterlockedMax(ref int target, int value)
    {
        int current;
        while (value > (current = Volatile.Read(ref target)) && Interlocked.CompareExchange(ref target, value, current) != current)
        {
        }
    }
}
