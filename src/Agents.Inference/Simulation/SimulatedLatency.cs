namespace Agents.Inference.Simulation;

/// <summary>
/// The latency model of the simulated server: a request waits for one of MaxConcurrency slots, then takes
/// (prompt tokens − prefix-cache hit tokens) / PrefillTokensPerSecond + completion tokens / DecodeTokensPerSecond.
/// Share one instance between clients to model one server; time comes from a <see cref="TimeProvider"/> so tests can
/// use a fake clock. It also keeps the server's counters (busy time, queue, prefill and prefix-hit tokens).
/// </summary>
public sealed class SimulatedLatency : IDisposable
{
    private readonly SimulatedLatencyOptions _options;
    private readonly TimeProvider _time;
    private readonly SemaphoreSlim? _slots;
    private readonly PrefixCache? _prefixCache;
    private readonly Lock _statsLock = new();
    private readonly long _createdAt;
    private readonly DateTimeOffset _createdUtc;
    private int _active;
    private int _queued;
    private long _requests;
    private long _promptTokens;
    private long _prefixHitTokens;
    private long _busyTicks;
    private long _slotBusyTicks;
    private long _busySince;
    private long _windowFirstStart;
    private long _windowLastEnd;

    /// <summary>Creates the latency model of one simulated server.</summary>
    public SimulatedLatency(SimulatedLatencyOptions options, TimeProvider? timeProvider = null)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentOutOfRangeException.ThrowIfNegative(options.PrefillTokensPerSecond);
        ArgumentOutOfRangeException.ThrowIfNegative(options.DecodeTokensPerSecond);
        ArgumentOutOfRangeException.ThrowIfNegative(options.MaxConcurrency);
        ArgumentOutOfRangeException.ThrowIfNegative(options.PrefixCacheTokens);
        _options = options;
        _time = timeProvider ?? TimeProvider.System;
        _slots = options.MaxConcurrency > 0 ? new SemaphoreSlim(options.MaxConcurrency, options.MaxConcurrency) : null;
        _prefixCache = options.PrefixCacheTokens > 0 ? new PrefixCache(options.PrefixCacheTokens) : null;
        _createdAt = _time.GetTimestamp();
        _createdUtc = _time.GetUtcNow();
    }

    /// <summary>No delay and no concurrency cap.</summary>
    public static SimulatedLatency None { get; } = new(new SimulatedLatencyOptions());

    /// <summary>Slots in use right now: requests being served, or their sequences with <see cref="SlotPerChoice"/>.</summary>
    public int Active => Volatile.Read(ref _active);

    /// <summary>Requests waiting for a slot right now.</summary>
    public int Queued => Volatile.Read(ref _queued);

    /// <summary>Concurrent requests served (0 = unlimited); sequences with <see cref="SlotPerChoice"/>.</summary>
    public int MaxConcurrency => _options.MaxConcurrency;

    /// <summary>Whether each choice of a request holds a slot of its own (<see cref="SimulatedLatencyOptions.SlotPerChoice"/>).</summary>
    public bool SlotPerChoice => _options.SlotPerChoice;

    /// <summary>Requests served (started) so far.</summary>
    public long Requests => Interlocked.Read(ref _requests);

    /// <summary>Prompt tokens of the requests served.</summary>
    public long PromptTokens => Interlocked.Read(ref _promptTokens);

    /// <summary>Prompt tokens found in the prefix cache (they cost no prefill time).</summary>
    public long PrefixHitTokens => Interlocked.Read(ref _prefixHitTokens);

    /// <summary>Prompt tokens that had to be prefilled.</summary>
    public long PrefillTokens => PromptTokens - PrefixHitTokens;

    /// <summary>Time since creation.</summary>
    public TimeSpan Elapsed => _time.GetElapsedTime(_createdAt);

    /// <summary>Time during which at least one request was being served.</summary>
    public TimeSpan BusyTime
    {
        get
        {
            lock (_statsLock)
            {
                var ongoing = _active > 0 ? _time.GetTimestamp() - _busySince : 0;
                return TimeSpan.FromSeconds((double)(_busyTicks + ongoing) / _time.TimestampFrequency);
            }
        }
    }

    /// <summary>Service time summed over requests (slot-seconds used); divide by MaxConcurrency × wall time for slot utilisation.</summary>
    public TimeSpan SlotBusyTime => TimeSpan.FromSeconds((double)Interlocked.Read(ref _slotBusyTicks) / _time.TimestampFrequency);

    /// <summary>
    /// The measurement window: from the first request that took a slot to the last one that released it, since creation
    /// or the last <see cref="ResetWindow"/>; null before any request finished. Busy fraction = slot-busy time over
    /// MaxConcurrency × this span. Times are the clock's UTC, so windows of several servers combine.
    /// </summary>
    public (DateTimeOffset FirstStarted, DateTimeOffset LastFinished)? Window
    {
        get
        {
            lock (_statsLock)
            {
                return _windowLastEnd == 0
                    ? null
                    : (_createdUtc + _time.GetElapsedTime(_createdAt, _windowFirstStart), _createdUtc + _time.GetElapsedTime(_createdAt, _windowLastEnd));
            }
        }
    }

    /// <summary>Starts a new measurement window (<see cref="Window"/>): the next request to take a slot opens it.</summary>
    public void ResetWindow()
    {
        lock (_statsLock)
        {
            _windowFirstStart = 0;
            _windowLastEnd = 0;
        }
    }

    /// <summary>How long serving a request of this size takes once it holds a slot.</summary>
    public TimeSpan ServiceTime(long promptTokens, long completionTokens)
    {
        var seconds = Seconds(promptTokens, _options.PrefillTokensPerSecond) + Seconds(completionTokens, _options.DecodeTokensPerSecond);
        return TimeSpan.FromSeconds(seconds);
    }

    /// <summary>Waits for a slot, then for the request's service time.</summary>
    public Task WaitAsync(long promptTokens, long completionTokens, CancellationToken cancellationToken = default) =>
        WaitAsync([], promptTokens, completionTokens, cancellationToken);

    /// <summary>
    /// Waits for a slot, then for the request's service time, where the longest run of leading
    /// <paramref name="prefixBlocks"/> already in the prefix cache costs no prefill time.
    /// </summary>
    /// <param name="prefixBlocks">The prompt as cumulative prefix blocks (see <see cref="PrefixBlocks"/>).</param>
    /// <param name="promptTokens">All prompt tokens.</param>
    /// <param name="completionTokens">Tokens to decode.</param>
    /// <param name="cancellationToken">Cancels the wait.</param>
    public Task WaitAsync(IReadOnlyList<PrefixBlock> prefixBlocks, long promptTokens, long completionTokens, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(prefixBlocks);
        return ServeAsync(prefixBlocks, promptTokens, completionTokens, newRequest: true, cancellationToken);
    }

    /// <summary>
    /// Serves one request of n choices: with <see cref="SlotPerChoice"/> each choice waits for a slot of its own and holds
    /// it for its own decode (the first choice also prefills the prompt), so the request ends with its longest choice;
    /// otherwise one slot for the prefill and the longest choice's decode.
    /// </summary>
    /// <param name="prefixBlocks">The prompt as cumulative prefix blocks (see <see cref="PrefixBlocks"/>).</param>
    /// <param name="promptTokens">All prompt tokens.</param>
    /// <param name="choiceTokens">Tokens to decode, per choice (at least one).</param>
    /// <param name="cancellationToken">Cancels the wait.</param>
    public Task WaitAsync(IReadOnlyList<PrefixBlock> prefixBlocks, long promptTokens, IReadOnlyList<long> choiceTokens, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(prefixBlocks);
        ArgumentNullException.ThrowIfNull(choiceTokens);
        ArgumentOutOfRangeException.ThrowIfZero(choiceTokens.Count);
        return SlotPerChoice && choiceTokens.Count > 1
            ? Task.WhenAll(choiceTokens.Select((tokens, i) => i == 0
                ? ServeAsync(prefixBlocks, promptTokens, tokens, newRequest: true, cancellationToken)
                : ServeAsync([], 0, tokens, newRequest: false, cancellationToken)))
            : ServeAsync(prefixBlocks, promptTokens, choiceTokens.Max(), newRequest: true, cancellationToken);
    }

    // Waits for a slot, then holds it for the service time; a choice after a request's first counts no request or prompt.
    private async Task ServeAsync(IReadOnlyList<PrefixBlock> prefixBlocks, long promptTokens, long completionTokens, bool newRequest, CancellationToken cancellationToken)
    {
        if (_slots is not null)
        {
            Interlocked.Increment(ref _queued);
            try
            {
                await _slots.WaitAsync(cancellationToken).ConfigureAwait(false);
            }
            finally
            {
                Interlocked.Decrement(ref _queued);
            }
        }

        lock (_statsLock)
        {
            if (_active++ == 0)
            {
                _busySince = _time.GetTimestamp();
            }

            if (_windowFirstStart == 0)
            {
                _windowFirstStart = _time.GetTimestamp();
            }
        }

        var started = _time.GetTimestamp();
        try
        {
            var hit = _prefixCache?.Lookup(prefixBlocks) ?? 0;
            hit = Math.Min(hit, promptTokens);
            if (newRequest)
            {
                Interlocked.Increment(ref _requests);
            }

            Interlocked.Add(ref _promptTokens, promptTokens);
            Interlocked.Add(ref _prefixHitTokens, hit);
            var delay = ServiceTime(promptTokens - hit, completionTokens);
            if (delay > TimeSpan.Zero)
            {
                await Task.Delay(delay, _time, cancellationToken).ConfigureAwait(false);
            }
        }
        finally
        {
            Interlocked.Add(ref _slotBusyTicks, _time.GetTimestamp() - started);
            lock (_statsLock)
            {
                var now = _time.GetTimestamp();
                if (--_active == 0)
                {
                    _busyTicks += now - _busySince;
                }

                _windowLastEnd = Math.Max(_windowLastEnd, now);
            }

            _slots?.Release();
        }
    }

    /// <summary>Cumulative prefix blocks of a prompt: block i covers parts 0..i (hash chained), with part i's tokens.</summary>
    public static IReadOnlyList<PrefixBlock> PrefixBlocks(IEnumerable<(string Text, long Tokens)> parts)
    {
        ArgumentNullException.ThrowIfNull(parts);
        var blocks = new List<PrefixBlock>();
        var hash = 14695981039346656037UL;
        foreach (var (text, tokens) in parts)
        {
            foreach (var c in text ?? string.Empty)
            {
                hash = (hash ^ c) * 1099511628211UL;
            }

            // A separator, so that ["ab", "c"] and ["a", "bc"] differ.
            hash = (hash ^ 0x1F) * 1099511628211UL;
            blocks.Add(new PrefixBlock(hash, tokens));
        }

        return blocks;
    }

    /// <inheritdoc />
    public void Dispose() => _slots?.Dispose();

    private static double Seconds(long tokens, double perSecond) => perSecond > 0 ? tokens / perSecond : 0;

    /// <summary>An LRU set of prefix blocks holding at most a number of tokens; a lookup inserts the prompt's blocks.</summary>
    private sealed class PrefixCache(long capacityTokens)
    {
        private readonly Lock _lock = new();
        private readonly Dictionary<ulong, LinkedListNode<PrefixBlock>> _index = [];
        private readonly LinkedList<PrefixBlock> _lru = new();
        private long _tokens;

        /// <summary>Returns the tokens of the longest cached run of leading blocks, then caches all blocks as most recent.</summary>
        public long Lookup(IReadOnlyList<PrefixBlock> blocks)
        {
            lock (_lock)
            {
                long hit = 0;
                var matching = true;
                foreach (var block in blocks)
                {
                    if (_index.TryGetValue(block.Hash, out var node))
                    {
                        if (matching)
                        {
                            hit += block.Tokens;
                        }

                        _lru.Remove(node);
                        _lru.AddFirst(node);
                        continue;
                    }

                    matching = false;
                    _index[block.Hash] = _lru.AddFirst(block);
                    _tokens += block.Tokens;
                }

                while (_tokens > capacityTokens && _lru.Last is { } last)
                {
                    _lru.RemoveLast();
                    _index.Remove(last.Value.Hash);
                    _tokens -= last.Value.Tokens;
                }

                return hit;
            }
        }
    }
}

/// <summary>One block of a prompt prefix in the simulated prefix cache.</summary>
/// <param name="Hash">The hash of the prefix up to and including this block.</param>
/// <param name="Tokens">The tokens this block adds.</param>
public readonly record struct PrefixBlock(ulong Hash, long Tokens);
