using Agents.Contracts.Inference;
using Agents.Inference.Telemetry;

namespace Agents.Inference.Gpu;

/// <summary>
/// A replica's admission control: at most <c>capacity</c> requests run at once, at most <c>queueLimit</c> wait in
/// FIFO order, and the rest are refused at once with <see cref="OverloadReason.QueueFull"/>, so memory stays bounded;
/// a queued request that waits past its deadline is refused with <see cref="OverloadReason.Deadline"/>, and one entered
/// with a key can be withdrawn while it waits (<see cref="Withdraw"/>).
/// </summary>
public sealed class AdmissionGate
{
    private readonly Lock _lock = new();
    private readonly LinkedList<Waiter> _waiters = new();
    private readonly Dictionary<string, LinkedListNode<Waiter>> _byKey = new(StringComparer.Ordinal);
    private readonly TimeProvider _time;
    private int _active;
    private int _maxQueued;

    private readonly KeyValuePair<string, object?>[] _tags;

    /// <summary>Creates a gate.</summary>
    /// <param name="capacity">Requests allowed to run at once.</param>
    /// <param name="queueLimit">Requests allowed to wait.</param>
    /// <param name="timeProvider">The clock of queue deadlines.</param>
    /// <param name="replica">The replica's key (<c>model/index</c>) on the <c>agents.inference.queue_depth</c> metric, or null.</param>
    /// <param name="model">The model's telemetry name on the same metric, or null.</param>
    public AdmissionGate(int capacity, int queueLimit, TimeProvider? timeProvider = null, string? replica = null, string? model = null)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(capacity, 1);
        ArgumentOutOfRangeException.ThrowIfNegative(queueLimit);
        Capacity = capacity;
        QueueLimit = queueLimit;
        _time = timeProvider ?? TimeProvider.System;
        _tags = [new(TagNames.Replica, replica ?? "unnamed"), new(TagNames.GenAiRequestModel, model ?? "unknown")];
    }

    /// <summary>Requests allowed to run at once.</summary>
    public int Capacity { get; }

    /// <summary>Requests allowed to wait.</summary>
    public int QueueLimit { get; }

    /// <summary>Requests running now.</summary>
    public int Active
    {
        get
        {
            lock (_lock)
            {
                return _active;
            }
        }
    }

    /// <summary>Requests waiting now.</summary>
    public int Queued
    {
        get
        {
            lock (_lock)
            {
                return _waiters.Count;
            }
        }
    }

    /// <summary>The longest the queue has been.</summary>
    public int MaxQueued
    {
        get
        {
            lock (_lock)
            {
                return _maxQueued;
            }
        }
    }

    /// <summary>Takes a slot, waiting in the queue up to <paramref name="maxWait"/>; dispose the lease to free the slot.</summary>
    /// <exception cref="InferenceOverloadedException">The queue is full, or the wait passed its deadline.</exception>
    public ValueTask<IDisposable> EnterAsync(TimeSpan maxWait, CancellationToken cancellationToken = default) => EnterAsync(maxWait, null, cancellationToken);

    /// <summary>Takes a slot, waiting in the queue up to <paramref name="maxWait"/>; dispose the lease to free the slot.</summary>
    /// <param name="maxWait">How long the request may wait in the queue.</param>
    /// <param name="key">The request's key, by which <see cref="Withdraw"/> finds it while it waits; null when it cannot be withdrawn.</param>
    /// <param name="cancellationToken">Cancels the wait.</param>
    /// <exception cref="InferenceOverloadedException">The queue is full, the wait passed its deadline, or the request was withdrawn.</exception>
    public async ValueTask<IDisposable> EnterAsync(TimeSpan maxWait, string? key, CancellationToken cancellationToken = default)
    {
        cancellationToken.ThrowIfCancellationRequested();
        TaskCompletionSource waiter;
        LinkedListNode<Waiter> node;
        lock (_lock)
        {
            if (_active < Capacity)
            {
                _active++;
                return new Lease(this);
            }

            if (_waiters.Count >= QueueLimit || maxWait <= TimeSpan.Zero)
            {
                throw new InferenceOverloadedException($"The replica is full: {_active} running, {_waiters.Count} queued (limit {QueueLimit}).")
                {
                    Reason = OverloadReason.QueueFull,
                };
            }

            waiter = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            node = _waiters.AddLast(new Waiter(waiter, key));
            if (key is not null)
            {
                _byKey[key] = node;
            }

            _maxQueued = Math.Max(_maxQueued, _waiters.Count);
        }

        AgentsTelemetry.QueueDepth.Add(1, _tags);

        using var timeout = new CancellationTokenSource(maxWait, _time);
        using var linked = CancellationTokenSource.CreateLinkedTokenSource(timeout.Token, cancellationToken);
        await using (linked.Token.Register(() => Abandon(node, maxWait, cancellationToken)).ConfigureAwait(false))
        {
            await waiter.Task.ConfigureAwait(false);
        }

        return new Lease(this);
    }

    /// <summary>
    /// Takes the request entered with <paramref name="key"/> out of the queue: its <see cref="EnterAsync"/> fails with
    /// <see cref="OverloadReason.Withdrawn"/>. False when no request with that key waits (it has a slot, or left).
    /// </summary>
    public bool Withdraw(string key)
    {
        ArgumentNullException.ThrowIfNull(key);
        LinkedListNode<Waiter>? node;
        lock (_lock)
        {
            // A waiter's key leaves with it (Forget), so a key found is a waiter still queued.
            if (!_byKey.Remove(key, out node))
            {
                return false;
            }

            _waiters.Remove(node);
        }

        AgentsTelemetry.QueueDepth.Add(-1, _tags);
        node.Value.Ready.TrySetException(new InferenceOverloadedException("The request was taken back from the replica's queue for a replica with a free slot.")
        {
            Reason = OverloadReason.Withdrawn,
        });
        return true;
    }

    private void Abandon(LinkedListNode<Waiter> node, TimeSpan maxWait, CancellationToken cancellationToken)
    {
        lock (_lock)
        {
            if (node.List is null)
            {
                // Already handed a slot (the lease will release it) or withdrawn.
                return;
            }

            _waiters.Remove(node);
            Forget(node.Value);
        }

        AgentsTelemetry.QueueDepth.Add(-1, _tags);

        if (cancellationToken.IsCancellationRequested)
        {
            node.Value.Ready.TrySetCanceled(cancellationToken);
        }
        else
        {
            node.Value.Ready.TrySetException(new InferenceOverloadedException($"The request waited {maxWait.TotalMilliseconds:F0} ms in the replica's queue without a free slot.")
            {
                Reason = OverloadReason.Deadline,
            });
        }
    }

    private void Release()
    {
        TaskCompletionSource? next = null;
        lock (_lock)
        {
            if (_waiters.First is { } first)
            {
                // Hand the slot straight to the oldest waiter, so _active stays the same.
                _waiters.RemoveFirst();
                Forget(first.Value);
                next = first.Value.Ready;
            }
            else
            {
                _active--;
            }
        }

        if (next is not null)
        {
            AgentsTelemetry.QueueDepth.Add(-1, _tags);
            next.TrySetResult();
        }
    }

    // Under the lock: the waiter left the queue, so its key no longer finds it.
    private void Forget(Waiter waiter)
    {
        if (waiter.Key is not null)
        {
            _byKey.Remove(waiter.Key);
        }
    }

    private sealed record Waiter(TaskCompletionSource Ready, string? Key);

    private sealed class Lease(AdmissionGate gate) : IDisposable
    {
        private int _released;

        public void Dispose()
        {
            if (Interlocked.Exchange(ref _released, 1) == 0)
            {
                gate.Release();
            }
        }
    }
}
