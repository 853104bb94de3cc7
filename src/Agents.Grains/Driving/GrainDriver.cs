using Agents.Core.Jobs;

namespace Agents.Grains.Driving;

/// <summary>
/// The one driver of long-running grains (batch jobs, leagues). A keep-alive reminder brings the grain back after its
/// silo is lost; a grain timer (which follows the silo's <see cref="TimeProvider"/>) drives the work: it starts the work
/// when the grain should run and none is running, observes how the work ended, logs a fault and shows it in the grain's
/// status, starts the work again after a backoff, reloads the state after an ETag conflict (the store went back), runs
/// the grain's upkeep each period, and stops itself (timer and reminder) once the grain has nothing left to do, or
/// puts the reminder off until work falls due later (a finished job's retention age).
/// Requests only read what the driver shows; they never start work. Call every member on the grain's scheduler.
/// </summary>
/// <param name="grain">The driven grain.</param>
/// <param name="work">What the grain runs.</param>
/// <param name="reminder">The keep-alive reminder's name.</param>
/// <param name="period">The timer's period (the grain's upkeep cadence).</param>
/// <param name="time">The silo's clock.</param>
/// <param name="logger">The grain's logger.</param>
/// <param name="owner">How logs name the grain ("job X", "league Y").</param>
internal sealed partial class GrainDriver(
    IGrainBase grain, IDrivenWork work, string reminder, TimeSpan period, TimeProvider time, ILogger logger, string owner) : IDisposable
{
    private readonly List<Task> _retired = [];
    private IGrainTimer? _timer;
    private Task? _run;
    private ReminderState _reminder;
    private DateTimeOffset? _deferredUntil;
    private bool _reloadPending;
    private int _failures;
    private DateTimeOffset _retryAt;
    private string? _runFault;
    private string? _tickFault;

    /// <summary>The last fault of the work or its upkeep (with when it happened), or null; shown in the grain's status.</summary>
    public string? Fault => _tickFault ?? _runFault;

    /// <summary>Whether no work is running in this activation.</summary>
    public bool IsIdle => _run is null || _run.IsCompleted;

    /// <summary>A start or resume request: keeps the reminder (awaited, so the caller sees a store failure) and starts the timer.</summary>
    public async Task StartAsync()
    {
        await KeepAliveReminder.RegisterAsync(grain, reminder);
        Remember(ReminderState.Kept);
        Wake();
    }

    /// <summary>Starts the timer when the grain has work or a reminder to look after (activation, a request that changed its state).</summary>
    public void Wake()
    {
        if (work.ShouldRun || work.WakeAt is not null || !IsIdle)
        {
            EnsureTimer();
        }
    }

    /// <summary>The keep-alive reminder fired (any number of times): the next tick works, or drops a reminder no longer needed.</summary>
    public Task ReceiveReminderAsync()
    {
        Remember(ReminderState.Kept);
        EnsureTimer();
        return Task.CompletedTask;
    }

    /// <summary>Drops the keep-alive reminder now (the grain is being deleted).</summary>
    public async Task StopKeepAliveAsync()
    {
        await KeepAliveReminder.UnregisterAsync(grain, reminder);
        Remember(ReminderState.Dropped);
    }

    /// <summary>Stops the timer (the activation is leaving); the work is the grain's to stop.</summary>
    public void Dispose()
    {
        _timer?.Dispose();
        _timer = null;
    }

    private void EnsureTimer() =>
        _timer ??= grain.RegisterGrainTimer(TickAsync, new GrainTimerCreationOptions
            {
                DueTime = TimeSpan.Zero,
                Period = period,
                // The work and requests interleave anyway (the work awaits other grains); a tick must not wait for a long call.
                Interleave = true,
                // A running grain stays in memory while its timer ticks; an idle one stops its timer and can be collected.
                KeepAlive = true,
            });

    private async Task TickAsync(CancellationToken cancellationToken)
    {
        foreach (var retired in _retired.Where(t => t.IsFaulted))
        {
            LogRetiredFaulted(logger, retired.Exception!, owner);
        }

        _retired.RemoveAll(t => t.IsCompleted);
        if (_run is { IsCompleted: true } ended)
        {
            _run = null;
            Observe(ended);
        }

        if (_reloadPending && !await ReloadAsync())
        {
            return;
        }

        if (work.ShouldRun && (_reminder, _deferredUntil) is not (ReminderState.Kept, null) && await TryAsync(() => KeepAliveReminder.RegisterAsync(grain, reminder)))
        {
            Remember(ReminderState.Kept);
        }

        if (work.ShouldRun && _run is null && time.GetUtcNow() >= _retryAt)
        {
            _run = Start();
        }

        await UpkeepAsync();
        if (!work.ShouldRun && IsIdle)
        {
            // Nothing left to do in this activation: the timer stops; the reminder stays only while the grain still waits for something.
            await SettleReminderAsync(work.WakeAt);
            Dispose();
        }
    }

    // A grain that waits for nothing drops its reminder; one with work due later (a finished job's retention age) moves
    // it to fire first then, so the grain is not activated every minute until that time.
    private async Task SettleReminderAsync(DateTimeOffset? wakeAt)
    {
        if (wakeAt is not { } at)
        {
            if (_reminder is not ReminderState.Dropped)
            {
                await TryAsync(StopKeepAliveAsync);
            }

            return;
        }

        if (_deferredUntil != at
            && await TryAsync(() => KeepAliveReminder.RegisterAsync(grain, reminder, DriverRules.WakeDelay(at, time.GetUtcNow()))))
        {
            Remember(ReminderState.Kept, deferredUntil: at);
        }
    }

    // A reminder is put off only while kept, so any other change of the reminder ends the deferral.
    private void Remember(ReminderState state, DateTimeOffset? deferredUntil = null)
    {
        _reminder = state;
        _deferredUntil = deferredUntil;
    }

    // A work that throws before its first await ends like one that faults later: observed on the next tick.
    private Task Start()
    {
        try
        {
            return work.RunAsync();
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            return Task.FromException(ex);
        }
    }

    // How the work ended: done (the fault, if any, is over), the store went back (reload), or a fault (retry after a backoff).
    private void Observe(Task ended)
    {
        if (!ended.IsFaulted)
        {
            _failures = 0;
            _runFault = null;
            return;
        }

        var error = ended.Exception.InnerExceptions.Count == 1 ? ended.Exception.InnerException! : ended.Exception;
        if (StoreFaults.IsRollback(error))
        {
            _reloadPending = true;
            _runFault = Describe(error, "the store went back behind this activation; reloading its state");
            LogRollback(logger, error, owner);
            return;
        }

        _failures++;
        var backoff = DriverRules.Backoff(_failures, period);
        _retryAt = time.GetUtcNow() + backoff;
        _runFault = Describe(error, $"restarting in {backoff.TotalSeconds:0.###} s");
        LogWorkFaulted(logger, error, owner, _failures, backoff.TotalSeconds);
    }

    // The store went back: the old work is stopped and retired (it writes nothing more), the state read again.
    private async Task<bool> ReloadAsync()
    {
        try
        {
            await work.ReloadAsync();
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            _runFault = Describe(ex, "reloading the state failed; retrying");
            LogReloadFailed(logger, ex, owner);
            return false;
        }

        if (_run is { IsCompleted: false } old)
        {
            _retired.Add(old);
        }

        _run = null;
        _reloadPending = false;
        LogReloaded(logger, owner);
        return true;
    }

    // The grain's upkeep; its fault is shown until an upkeep succeeds, and logged once per distinct fault.
    private async Task UpkeepAsync()
    {
        try
        {
            await work.TickAsync();
            if (_tickFault is not null)
            {
                LogUpkeepRecovered(logger, owner);
                _tickFault = null;
            }
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            if (StoreFaults.IsRollback(ex))
            {
                _reloadPending = true;
                _runFault = Describe(ex, "the store went back behind this activation; reloading its state");
                LogRollback(logger, ex, owner);
                return;
            }

            var text = Describe(ex, "retrying");
            if (_tickFault is null || !SameFault(_tickFault, text))
            {
                LogUpkeepFaulted(logger, ex, owner);
            }

            _tickFault = text;
        }
    }

    private async Task<bool> TryAsync(Func<Task> action)
    {
        try
        {
            await action();
            return true;
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            _tickFault = Describe(ex, "keep-alive reminder not updated; retrying");
            LogUpkeepFaulted(logger, ex, owner);
            return false;
        }
    }

    private string Describe(Exception error, string action) => DriverRules.Describe(time.GetUtcNow(), error, action);

    // Two descriptions of the same fault differ only in their time stamp.
    private static bool SameFault(string a, string b) => a[(a.IndexOf(' ', StringComparison.Ordinal) + 1)..] == b[(b.IndexOf(' ', StringComparison.Ordinal) + 1)..];

    // Whether this activation keeps the keep-alive reminder (firing each minute, or first at _deferredUntil when that is
    // set) or dropped it (unknown after activation).
    private enum ReminderState
    {
        Unknown,
        Kept,
        Dropped,
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "{Owner}: its work faulted ({Failures} in a row); restarting in {BackoffSeconds} s")]
    private static partial void LogWorkFaulted(ILogger logger, Exception exception, string owner, int failures, double backoffSeconds);

    [LoggerMessage(Level = LogLevel.Warning, Message = "{Owner}: a state write conflicted (the store went back behind this activation); reloading and reconciling")]
    private static partial void LogRollback(ILogger logger, Exception exception, string owner);

    [LoggerMessage(Level = LogLevel.Warning, Message = "{Owner}: reloading the state after a store rollback failed; retrying")]
    private static partial void LogReloadFailed(ILogger logger, Exception exception, string owner);

    [LoggerMessage(Level = LogLevel.Debug, Message = "{Owner}: work stopped by a reload ended with a fault (nothing it did was saved)")]
    private static partial void LogRetiredFaulted(ILogger logger, Exception exception, string owner);

    [LoggerMessage(Level = LogLevel.Information, Message = "{Owner}: state reloaded from the store; the work resumes from it")]
    private static partial void LogReloaded(ILogger logger, string owner);

    [LoggerMessage(Level = LogLevel.Warning, Message = "{Owner}: upkeep failed; retrying every period")]
    private static partial void LogUpkeepFaulted(ILogger logger, Exception exception, string owner);

    [LoggerMessage(Level = LogLevel.Information, Message = "{Owner}: upkeep works again")]
    private static partial void LogUpkeepRecovered(ILogger logger, string owner);
}
