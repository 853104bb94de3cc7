namespace Agents.Inference.Accounting;

/// <summary>One ledger line: the usage of a role's calls in one round.</summary>
/// <param name="Role">The agent role (see <see cref="ModelRoles"/>).</param>
/// <param name="Round">The method's round (0 for the first sampling).</param>
/// <param name="Usage">Calls, samples, tokens and retries.</param>
public sealed record LedgerEntry(string Role, int Round, TokenUsage Usage);

/// <summary>A thread-safe record of model usage per call, with totals by role.</summary>
public sealed class TokenLedger
{
    private readonly Lock _gate = new();
    private readonly List<LedgerEntry> _entries = [];

    /// <summary>Records the usage of one or more calls made by <paramref name="role"/> in <paramref name="round"/>.</summary>
    public void Record(string role, int round, TokenUsage usage)
    {
        ArgumentException.ThrowIfNullOrEmpty(role);
        ArgumentNullException.ThrowIfNull(usage);
        lock (_gate)
        {
            _entries.Add(new LedgerEntry(role, round, usage));
        }
    }

    /// <summary>Records the usage of one or more calls from its parts.</summary>
    public void Record(string role, int round, int calls, int samples, long promptTokens, long completionTokens, int retries) =>
        Record(role, round, new TokenUsage(calls, samples, promptTokens, completionTokens, retries));

    /// <summary>Records a sample batch drawn by <paramref name="role"/> in <paramref name="round"/>.</summary>
    public void Record(string role, int round, Sampling.SampleBatch batch)
    {
        ArgumentNullException.ThrowIfNull(batch);
        Record(role, round, batch.Usage);
    }

    /// <summary>A snapshot of every line, in recording order.</summary>
    public IReadOnlyList<LedgerEntry> Entries
    {
        get
        {
            lock (_gate)
            {
                return [.. _entries];
            }
        }
    }

    /// <summary>The sum over all roles and rounds.</summary>
    public TokenUsage Total
    {
        get
        {
            lock (_gate)
            {
                return _entries.Aggregate(TokenUsage.None, (sum, e) => sum + e.Usage);
            }
        }
    }

    /// <summary>The sums per role, ordered by role name.</summary>
    public IReadOnlyDictionary<string, TokenUsage> TotalsByRole()
    {
        lock (_gate)
        {
            var totals = new SortedDictionary<string, TokenUsage>(StringComparer.Ordinal);
            foreach (var entry in _entries)
            {
                totals[entry.Role] = totals.TryGetValue(entry.Role, out var sum) ? sum + entry.Usage : entry.Usage;
            }

            return totals;
        }
    }
}
