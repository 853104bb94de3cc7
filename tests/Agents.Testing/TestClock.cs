using Microsoft.Extensions.Time.Testing;

namespace Agents.Testing;

/// <summary>
/// A <see cref="FakeTimeProvider"/> that starts at the real time of day and tells a test when code under test starts a
/// timer (a <c>Task.Delay</c> on this clock, a grain timer), so the test can advance the clock exactly when the timer
/// is waiting — an event to wait on, not a sleep. Nothing it times fires until the test calls <c>Advance</c>.
/// </summary>
public sealed class TestClock : FakeTimeProvider
{
    private readonly List<TimeSpan> _dueTimes = [];
    private readonly List<(TimeSpan Due, int Count, TaskCompletionSource Done)> _waiters = [];

    /// <summary>A clock at the current UTC time (stamps in logs and statuses read sensibly).</summary>
    public TestClock()
        : base(DateTimeOffset.UtcNow)
    {
    }

    /// <summary>How many timers were created with <paramref name="dueTime"/> so far.</summary>
    public int Created(TimeSpan dueTime)
    {
        lock (_dueTimes)
        {
            return _dueTimes.Count(d => d == dueTime);
        }
    }

    /// <summary>Completes once <paramref name="count"/> timers in all have been created with <paramref name="dueTime"/> (a delay of that length started).</summary>
    public Task WhenCreatedAsync(TimeSpan dueTime, int count = 1)
    {
        lock (_dueTimes)
        {
            if (_dueTimes.Count(d => d == dueTime) >= count)
            {
                return Task.CompletedTask;
            }

            var done = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            _waiters.Add((dueTime, count, done));
            return done.Task;
        }
    }

    /// <inheritdoc/>
    public override ITimer CreateTimer(TimerCallback callback, object? state, TimeSpan dueTime, TimeSpan period)
    {
        var timer = base.CreateTimer(callback, state, dueTime, period);
        lock (_dueTimes)
        {
            _dueTimes.Add(dueTime);
            foreach (var waiter in _waiters.Where(w => w.Due == dueTime && _dueTimes.Count(d => d == dueTime) >= w.Count).ToList())
            {
                _waiters.Remove(waiter);
                waiter.Done.TrySetResult();
            }
        }

        return timer;
    }
}
