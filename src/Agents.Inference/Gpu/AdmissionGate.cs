using Agents.Contracts.Inference;
using Agents.Inference.Telemetry;

namespace Agents.Inference.Gpu;

/// <summary>
/// A replica's admission control: at most <c>capacity</c> requests run at once, at most <c>queueLimit</c> wait in
/// FIFO order, and the rest are refused at once with <see cref="OverloadReason.QueueFull"/>, so memory stays bounded;
/// a queued request that waits past its deadline is refused with <see cref="OverloadReason.Deadline"/>.
/// </summary>
public sealed class AdmissionGate
{
    private readonly Lock _lock = new();
    private readonly LinkedList<TaskCompletionSource> _waiters = new();
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
    public async ValueTask<IDisposable> EnterAsync(TimeSpan maxWait, CancellationToken cancellationToken = default)
    {
        cancellationToken.ThrowIfCancellationRequested();
        TaskCompletionSource waiter;
        LinkedListNode<TaskCompletionSource> node;
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
            node = _waiters.AddLast(waiter);
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

    private void Abandon(LinkedListNode<TaskCompletionSource> node, TimeSpan maxWait, CancellationToken cancellationToken)
    {
        lock (_lock)
        {
            if (node.List is null)
            {
                // Already handed a slot; the lease will release it.
                return;
            }

            _waiters.Remove(node);
        }

        AgentsTelemetry.QueueDepth.Add(-1, _tags);

        if (cancellationToken.IsCancellationRequested)
        {
            node.Value.TrySetCanceled(cancellationToken);
        }
        else
        {
            node.Value.TrySetException(new InferenceOverloadedException($"The request waited {maxWait.TotalMilliseconds:F0} ms in the replica's queue without a free slot.")
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
                next = first.Value;
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
