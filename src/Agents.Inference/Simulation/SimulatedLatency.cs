namespace Agents.Inference.Simulation;

/// <summary>
/// The latency model of the simulated server: a request waits for one of MaxConcurrency slots, then takes
/// prompt tokens / PrefillTokensPerSecond + completion tokens / DecodeTokensPerSecond. Share one instance between
/// clients to model one server; time comes from a <see cref="TimeProvider"/> so tests can use a fake clock.
/// </summary>
public sealed class SimulatedLatency : IDisposable
{
    private readonly SimulatedLatencyOptions _options;
    private readonly TimeProvider _time;
    private readonly SemaphoreSlim? _slots;
    private int _active;

    /// <summary>Creates the latency model of one simulated server.</summary>
    public SimulatedLatency(SimulatedLatencyOptions options, TimeProvider? timeProvider = null)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentOutOfRangeException.ThrowIfNegative(options.PrefillTokensPerSecond);
        ArgumentOutOfRangeException.ThrowIfNegative(options.DecodeTokensPerSecond);
        ArgumentOutOfRangeException.ThrowIfNegative(options.MaxConcurrency);
        _options = options;
        _time = timeProvider ?? TimeProvider.System;
        _slots = options.MaxConcurrency > 0 ? new SemaphoreSlim(options.MaxConcurrency, options.MaxConcurrency) : null;
    }

    /// <summary>No delay and no concurrency cap.</summary>
    public static SimulatedLatency None { get; } = new(new SimulatedLatencyOptions());

    /// <summary>Requests being served right now (waiting for a slot not included).</summary>
    public int Active => Volatile.Read(ref _active);

    /// <summary>How long serving a request of this size takes once it holds a slot.</summary>
    public TimeSpan ServiceTime(long promptTokens, long completionTokens)
    {
        var seconds = Seconds(promptTokens, _options.PrefillTokensPerSecond) + Seconds(completionTokens, _options.DecodeTokensPerSecond);
        return TimeSpan.FromSeconds(seconds);
    }

    /// <summary>Waits for a slot, then for the request's service time.</summary>
    public async Task WaitAsync(long promptTokens, long completionTokens, CancellationToken cancellationToken = default)
    {
        if (_slots is not null)
        {
            await _slots.WaitAsync(cancellationToken).ConfigureAwait(false);
        }

        Interlocked.Increment(ref _active);
        try
        {
            var delay = ServiceTime(promptTokens, completionTokens);
            if (delay > TimeSpan.Zero)
            {
                await Task.Delay(delay, _time, cancellationToken).ConfigureAwait(false);
            }
        }
        finally
        {
            Interlocked.Decrement(ref _active);
            _slots?.Release();
        }
    }

    /// <inheritdoc />
    public void Dispose() => _slots?.Dispose();

    private static double Seconds(long tokens, double perSecond) => perSecond > 0 ? tokens / perSecond : 0;
}
