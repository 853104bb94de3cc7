using Agents.Inference.Simulation;

namespace Agents.Inference.Tests.Simulation;

public sealed class SimulatedLatencyWindowTests
{
    private static readonly DateTimeOffset Start = new(2026, 12, 2, 0, 0, 0, TimeSpan.Zero);

    [Fact]
    public async Task Window_FromFirstSlotTakenToLastReleased_ResetStartsANewOne()
    {
        var time = new SteppedTime(Start);
        using var latency = new SimulatedLatency(new SimulatedLatencyOptions { MaxConcurrency = 2 }, time);
        Assert.Null(latency.Window);

        time.Advance(TimeSpan.FromSeconds(1));
        await latency.WaitAsync(10, 10);
        time.Advance(TimeSpan.FromSeconds(3));
        await latency.WaitAsync(10, 10);

        Assert.Equal((Start.AddSeconds(1), Start.AddSeconds(4)), latency.Window);

        latency.ResetWindow();
        Assert.Null(latency.Window);
        time.Advance(TimeSpan.FromSeconds(2));
        await latency.WaitAsync(10, 10);
        Assert.Equal((Start.AddSeconds(6), Start.AddSeconds(6)), latency.Window);
    }

    // A clock that moves only when told (zero-latency requests take no time on it).
    private sealed class SteppedTime(DateTimeOffset start) : TimeProvider
    {
        private long _ticks;

        public override long TimestampFrequency => TimeSpan.TicksPerSecond;

        public void Advance(TimeSpan by) => _ticks += by.Ticks;

        public override long GetTimestamp() => _ticks;

        public override DateTimeOffset GetUtcNow() => start.AddTicks(_ticks);
    }
}
