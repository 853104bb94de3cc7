namespace Agents.Testing;

/// <summary>
/// The one polling helper of the test projects: asks until a condition holds, failing with what was awaited and the
/// last value seen once the bound passes. A test waits on an observable state with it, never on the clock; the only
/// wait between two probes in test code is here.
/// </summary>
public static class Eventually
{
    /// <summary>The wait between two probes unless a caller gives one.</summary>
    public static readonly TimeSpan DefaultInterval = TimeSpan.FromMilliseconds(50);

    /// <summary>Probes until <paramref name="done"/> holds for the value and returns that value.</summary>
    /// <exception cref="TimeoutException"><paramref name="timeout"/> passed first; the message names <paramref name="what"/> and the last value.</exception>
    public static async Task<T> UntilAsync<T>(
        Func<Task<T>> probe, Func<T, bool> done, TimeSpan timeout, string what, TimeSpan? interval = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(probe);
        ArgumentNullException.ThrowIfNull(done);
        var deadline = DateTime.UtcNow + timeout;
        while (true)
        {
            var value = await probe();
            if (done(value))
            {
                return value;
            }

            if (DateTime.UtcNow >= deadline)
            {
                throw new TimeoutException($"{what}: not reached within {timeout.TotalSeconds:0.#} s; last value: {value}");
            }

            await Task.Delay(interval ?? DefaultInterval, cancellationToken);
        }
    }

    /// <summary>
    /// Probes a call that may fail while the cluster recovers (silos restarting, a grain reloading): a failed call counts as
    /// "not yet" and is asked again; returns the first answer for which <paramref name="done"/> holds.
    /// </summary>
    public static async Task<T> UntilAnsweredAsync<T>(
        Func<Task<T>> call, Func<T, bool> done, TimeSpan timeout, string what, TimeSpan? interval = null, CancellationToken cancellationToken = default)
        where T : class
    {
        ArgumentNullException.ThrowIfNull(call);
        ArgumentNullException.ThrowIfNull(done);
        return (await UntilAsync(
            async () =>
            {
                try
                {
                    return await call();
                }
                catch (Exception)
                {
                    // Any failure of the probed call means "not answered yet"; the bound reports what was awaited.
                    return null;
                }
            },
            v => v is not null && done(v), timeout, what, interval, cancellationToken))!;
    }

    /// <summary>Probes until <paramref name="condition"/> is true.</summary>
    public static Task UntilAsync(Func<Task<bool>> condition, TimeSpan timeout, string what, TimeSpan? interval = null, CancellationToken cancellationToken = default) =>
        UntilAsync(condition, b => b, timeout, what, interval, cancellationToken);

    /// <summary>Checks until <paramref name="condition"/> is true.</summary>
    public static Task UntilAsync(Func<bool> condition, TimeSpan timeout, string what, TimeSpan? interval = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(condition);
        return UntilAsync(() => Task.FromResult(condition()), b => b, timeout, what, interval, cancellationToken);
    }

    /// <summary>Checks until <paramref name="condition"/> is true (the form the fault tests use).</summary>
    public static Task TrueAsync(Func<bool> condition, TimeSpan timeout, string what) => UntilAsync(condition, timeout, what);
}
