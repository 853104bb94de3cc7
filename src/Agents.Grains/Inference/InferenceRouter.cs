using System.Collections.Concurrent;
using Agents.Contracts.Inference;
using Agents.Inference.Gpu;
using Microsoft.Extensions.Options;
using Orleans.Runtime.MembershipService.SiloMetadata;

namespace Agents.Grains.Inference;

/// <summary>
/// Sends inference requests to a model's replicas: finds the replicas from the active gpu silos' metadata, picks one by
/// the configured <see cref="RoutingPolicy"/> from the requests it has in flight (and the loads replicas report), and
/// applies backpressure: a replica whose queue is full is skipped for a moment and the request retried with backoff
/// until its deadline, then refused with a retryable <see cref="InferenceOverloadedException"/>. Under least-loaded
/// routing it also binds late: when a replica answers with its queue empty (a slot is free) while another replica has a
/// queue as far as the router knows, the router withdraws its newest request still queued there and sends it to the free one,
/// so the replicas drain together at the end of a batch instead of one serving a queue while the other idles. One per
/// silo; thread-safe.
/// </summary>
public sealed partial class InferenceRouter(
    IGrainFactory grains,
    IClusterMembershipService membership,
    ISiloMetadataCache metadata,
    IOptions<GpuInferenceOptions> options,
    TimeProvider time,
    ILogger<InferenceRouter> logger,
    ModelHealthView? health = null)
{
    // A replica's reported load counts only while fresh; afterwards this router's own in-flight count stands alone.
    private static readonly TimeSpan ReportFreshness = TimeSpan.FromMilliseconds(200);
    private static readonly TimeSpan MaxBackoff = TimeSpan.FromMilliseconds(200);
    private static readonly TimeSpan UnhealthyPause = TimeSpan.FromSeconds(1);

    // A replica a request was just withdrawn from is skipped this long when the request is sent again.
    private static readonly TimeSpan WithdrawnPause = TimeSpan.FromMilliseconds(50);

    // One attempt queues at a replica for at most this long, well inside Orleans' 30 s response timeout; a longer
    // deadline is spent over several attempts.
    private static readonly TimeSpan MaxAttemptQueueWait = TimeSpan.FromSeconds(10);

    private readonly ConcurrentDictionary<string, ReplicaState> _states = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<(string Model, int Count, RoutingPolicy Policy), ReplicaSelector> _selectors = new();

    /// <summary>The model a gpu silo advertises under this id or backend spec, or null when no active silo does.</summary>
    public HostedModel? FindModel(string idOrSpec) =>
        ActiveSilos().Select(s => GpuSiloMetadata.Find(metadata.GetSiloMetadata(s).Metadata, idOrSpec)).FirstOrDefault(m => m is not null);

    /// <summary>The replica keys of a model: as many as its healthy hosting silos advertise in total.</summary>
    public ImmutableArray<string> Replicas(string model)
    {
        var count = ActiveSilos()
            .Select(s => (Silo: s, Model: GpuSiloMetadata.Find(metadata.GetSiloMetadata(s).Metadata, model)))
            .Where(h => h.Model is not null && health?.IsUnhealthy(model, h.Silo) != true)
            .Sum(h => h.Model!.Replicas);
        return [.. Enumerable.Range(0, count).Select(i => GpuSiloMetadata.ReplicaKey(model, i))];
    }

    /// <summary>The loads of every replica of a model (activating them when needed).</summary>
    public async Task<ImmutableArray<ReplicaLoad>> LoadsAsync(string model) =>
        [.. await Task.WhenAll(Replicas(model).Select(r => grains.GetGrain<IInferenceGrain>(r).GetLoadAsync()))];

    /// <summary>Routes a request to a replica of <see cref="InferenceRequest.Model"/> (an id or a backend spec).</summary>
    /// <param name="request">The request.</param>
    /// <param name="policy">Overrides the configured policy (benchmarks compare them).</param>
    /// <param name="cancellationToken">Cancels the request.</param>
    /// <exception cref="NoGpuSiloException">No active gpu silo hosts the model.</exception>
    /// <exception cref="InferenceOverloadedException">Every replica stayed full until the deadline (retryable).</exception>
    public async Task<InferenceResponse> SendAsync(InferenceRequest request, RoutingPolicy? policy = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(request);
        var hosted = FindModel(request.Model) ?? throw NoHost(request.Model);
        var model = hosted.Id;
        var settings = options.Value;
        var deadline = time.GetUtcNow() + settings.QueueDeadline;
        var backoff = TimeSpan.FromMilliseconds(5);
        while (true)
        {
            var replicas = Replicas(model);
            if (replicas.IsEmpty)
            {
                throw NoHost(model);
            }

            var selector = _selectors.GetOrAdd((model, replicas.Length, policy ?? settings.Policy), k => new ReplicaSelector(replicas, k.Policy, settings.LoadEpsilon));
            var now = time.GetUtcNow();
            var index = selector.Select(request.AffinityKey, i => Load(replicas[i], now), i => State(replicas[i]).IsPaused(now));
            var replica = replicas[index];
            var state = State(replica);
            var attempt = Guid.NewGuid().ToString("N");
            state.Enter(attempt);
            try
            {
                var response = await grains.GetGrain<IInferenceGrain>(replica)
                    .CompleteAsync(request with { Model = model, MaxQueueWait = Min(Max(deadline - now, TimeSpan.Zero), MaxAttemptQueueWait), RequestId = attempt }, cancellationToken)
                    .ConfigureAwait(false);
                state.Report(Math.Max(0, response.Load.InFlight - 1), response.Load.Queued, response.Load.Capacity, time.GetUtcNow()); // the load was taken while this request still held its slot
                if (selector.Policy == RoutingPolicy.LeastLoaded && response.Load.Queued == 0)
                {
                    BindLate(replicas, replica);
                }

                return response;
            }
            catch (InferenceOverloadedException ex) when (ex.Reason == OverloadReason.Withdrawn)
            {
                // Taken back from a queue for a replica with a free slot: send again at once, elsewhere.
                state.Pause(time.GetUtcNow() + WithdrawnPause);
                continue;
            }
            catch (InferenceOverloadedException ex) when (ex.Reason != OverloadReason.Deadline || time.GetUtcNow() < deadline)
            {
                state.Pause(time.GetUtcNow() + (ex.Reason == OverloadReason.Unhealthy ? UnhealthyPause : backoff));
                if (time.GetUtcNow() >= deadline)
                {
                    throw new InferenceOverloadedException($"Every replica of '{model}' stayed full for {settings.QueueDeadlineMs} ms; retry later.", ex)
                    {
                        Reason = OverloadReason.Deadline,
                        Replica = replica,
                    };
                }

                LogBackoff(logger, replica, ex.Reason, backoff.TotalMilliseconds);
            }
            finally
            {
                state.Leave(attempt);
            }

            await Task.Delay(backoff, time, cancellationToken).ConfigureAwait(false);
            backoff = Min(backoff * 2, MaxBackoff);
        }
    }

    // The replica `free` just answered with an empty queue, so a slot is free there: take back this router's newest
    // request from the replica with the longest queue as far as this router knows (its last fresh report, or this
    // router's own requests beyond its capacity), if it is still queued (the replica decides, under its queue's lock),
    // and its sender sends it again. One per answer: one slot freed.
    private void BindLate(ImmutableArray<string> replicas, string free)
    {
        // Runs on every least-loaded answer from a replica with an empty queue (every answer at low load): one pass, no
        // allocation; the first of equally long queues wins.
        var now = time.GetUtcNow();
        (string Replica, string Id)? longest = null;
        var queuedMost = 0;
        foreach (var replica in replicas)
        {
            if (replica == free)
            {
                continue;
            }

            var queued = State(replica).Queued(now);
            if (queued > queuedMost && State(replica).Newest() is { } newest)
            {
                (longest, queuedMost) = ((replica, newest), queued);
            }
        }

        if (longest is { } take)
        {
            _ = WithdrawAsync(take.Replica, take.Id);
        }
    }

    private async Task WithdrawAsync(string replica, string id)
    {
        try
        {
            if (await grains.GetGrain<IInferenceGrain>(replica).WithdrawAsync(id).ConfigureAwait(false))
            {
                LogWithdrawn(logger, replica);
            }
        }
        catch (Exception ex) when (ex is not OutOfMemoryException)
        {
            // Withdrawing is an optimisation: the request stays where it is and is served there.
            LogWithdrawFailed(logger, replica, ex.GetType().Name);
        }
    }

    private static TimeSpan Max(TimeSpan a, TimeSpan b) => a > b ? a : b;

    private static TimeSpan Min(TimeSpan a, TimeSpan b) => a < b ? a : b;

    private IEnumerable<SiloAddress> ActiveSilos() =>
        membership.CurrentSnapshot.Members.Values.Where(m => m.Status == SiloStatus.Active).Select(m => m.SiloAddress);

    private static NoGpuSiloException NoHost(string model) =>
        new($"No active silo advertises gpu=true and hosts a healthy model '{model}' (silo metadata 'models', see docs/inference.md).") { Model = model };

    private ReplicaState State(string replica) => _states.GetOrAdd(replica, _ => new ReplicaState());

    private int Load(string replica, DateTimeOffset now) => State(replica).Load(now);

    [LoggerMessage(Level = LogLevel.Debug, Message = "Took a queued request back from replica {Replica} for a replica with a free slot")]
    private static partial void LogWithdrawn(ILogger logger, string replica);

    [LoggerMessage(Level = LogLevel.Debug, Message = "Could not take a queued request back from replica {Replica} ({Fault}); it is served there")]
    private static partial void LogWithdrawFailed(ILogger logger, string replica, string fault);

    [LoggerMessage(Level = LogLevel.Debug, Message = "Replica {Replica} refused a request ({Reason}); retrying in {BackoffMs} ms")]
    private static partial void LogBackoff(ILogger logger, string replica, OverloadReason reason, double backoffMs);

    private sealed class ReplicaState
    {
        private readonly Lock _lock = new();
        // This router's attempts in flight at the replica, oldest first, and each attempt's node (removed in O(1)).
        private readonly LinkedList<string> _attempts = new();
        private readonly Dictionary<string, LinkedListNode<string>> _nodes = new(StringComparer.Ordinal);
        private int _reported;
        private int _reportedQueued;
        private int _capacity;
        private DateTimeOffset _reportedAt;
        private DateTimeOffset _pausedUntil;

        public void Enter(string attempt)
        {
            lock (_lock)
            {
                _nodes[attempt] = _attempts.AddLast(attempt);
            }
        }

        public void Leave(string attempt)
        {
            lock (_lock)
            {
                if (_nodes.Remove(attempt, out var node))
                {
                    _attempts.Remove(node);
                }
            }
        }

        // This router's newest attempt in flight at the replica (the likeliest to be still queued), or null.
        public string? Newest()
        {
            lock (_lock)
            {
                return _attempts.Last?.Value;
            }
        }

        public int Load(DateTimeOffset now)
        {
            lock (_lock)
            {
                return now - _reportedAt < ReportFreshness ? Math.Max(_attempts.Count, _reported) : _attempts.Count;
            }
        }

        // Requests queued at the replica as far as this router knows: the queue its last fresh report showed, or this
        // router's own requests beyond the capacity it reported, whichever is more.
        public int Queued(DateTimeOffset now)
        {
            lock (_lock)
            {
                var reported = now - _reportedAt < ReportFreshness ? _reportedQueued : 0;
                return Math.Max(reported, _capacity > 0 ? _attempts.Count - _capacity : 0);
            }
        }

        public void Report(int inFlight, int queued, int capacity, DateTimeOffset at)
        {
            lock (_lock)
            {
                _reported = inFlight;
                _reportedQueued = queued;
                _capacity = capacity;
                _reportedAt = at;
            }
        }

        public void Pause(DateTimeOffset until)
        {
            lock (_lock)
            {
                _pausedUntil = until;
            }
        }

        public bool IsPaused(DateTimeOffset now)
        {
            lock (_lock)
            {
                return now < _pausedUntil;
            }
        }
    }
}
