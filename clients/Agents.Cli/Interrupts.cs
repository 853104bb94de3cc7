using System.Runtime.InteropServices;

namespace Agents.Cli;

/// <summary>
/// The process's Ctrl-C presses. The first cancels <see cref="Token"/> (every command stops; a cluster batch detaches).
/// A second press completes <see cref="Second"/> when a command has claimed it (a cluster batch cancels its job);
/// otherwise it ends the process at once with 130. SIGTERM cancels <see cref="Token"/> too but never counts as a
/// second press, so a supervisor stopping the client cannot cancel a job.
/// </summary>
internal sealed class Interrupts : IDisposable
{
    private const int TerminatedExitCode = 143;

    // How long a command may take to stop after the first press before the process ends anyway.
    private static readonly TimeSpan ForceAfter = TimeSpan.FromSeconds(10);

    private readonly CancellationTokenSource _first = new();
    private readonly TaskCompletionSource _second = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly TaskCompletionSource<int> _forced = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly List<IDisposable> _registrations = [];
    private readonly CancellationTokenSource _force = new();
    private int _presses;
    private int _claims;

    /// <summary>The interrupts of this process once <see cref="Install"/> ran; null in tests and embedded hosts.</summary>
    public static Interrupts? Process { get; private set; }

    /// <summary>Cancelled by the first Ctrl-C (or SIGTERM).</summary>
    public CancellationToken Token => _first.Token;

    /// <summary>Completes on the second Ctrl-C.</summary>
    public Task Second => _second.Task;

    /// <summary>Completes with the exit code when the process must end without waiting for the command.</summary>
    public Task<int> Forced => _forced.Task;

    /// <summary>Handles SIGINT and SIGTERM for this process (instead of System.CommandLine) and returns the handler.</summary>
    public static Interrupts Install()
    {
        var interrupts = new Interrupts();
        if (!OperatingSystem.IsBrowser() && !OperatingSystem.IsIOS() && !OperatingSystem.IsTvOS() && !OperatingSystem.IsAndroid())
        {
            interrupts._registrations.Add(PosixSignalRegistration.Create(PosixSignal.SIGINT, c => { c.Cancel = true; interrupts.Press(); }));
            interrupts._registrations.Add(PosixSignalRegistration.Create(PosixSignal.SIGTERM, c => { c.Cancel = true; interrupts.Terminate(); }));
        }

        Process = interrupts;
        return interrupts;
    }

    /// <summary>One Ctrl-C.</summary>
    public void Press()
    {
        if (Interlocked.Increment(ref _presses) == 1)
        {
            Stop(ExitCodes.Interrupted);
            return;
        }

        _second.TrySetResult();
        if (Volatile.Read(ref _claims) == 0)
        {
            _forced.TrySetResult(ExitCodes.Interrupted);
        }
    }

    /// <summary>
    /// Says a second Ctrl-C means something to the caller until the claim is disposed; without a claim a second
    /// press ends the process.
    /// </summary>
    public IDisposable ClaimSecondPress()
    {
        Interlocked.Increment(ref _claims);
        return new Claim(this);
    }

    public void Dispose()
    {
        foreach (var registration in _registrations)
        {
            registration.Dispose();
        }

        if (ReferenceEquals(Process, this))
        {
            Process = null;
        }

        _first.Dispose();
        _force.Dispose();
    }

    private void Terminate()
    {
        if (_first.IsCancellationRequested)
        {
            _forced.TrySetResult(TerminatedExitCode);
            return;
        }

        Stop(TerminatedExitCode);
    }

    private void Stop(int exitCode)
    {
        _first.Cancel();
        // A timed cancellation, not a discarded task: nothing can fault unseen, and it goes with the instance.
        _force.Token.Register(() => _forced.TrySetResult(exitCode));
        _force.CancelAfter(ForceAfter);
    }

    private sealed class Claim(Interrupts owner) : IDisposable
    {
        private int _disposed;

        public void Dispose()
        {
            if (Interlocked.Exchange(ref _disposed, 1) == 0)
            {
                Interlocked.Decrement(ref owner._claims);
            }
        }
    }
}
