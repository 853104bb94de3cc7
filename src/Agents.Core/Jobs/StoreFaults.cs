namespace Agents.Core.Jobs;

/// <summary>
/// Recognises a failure of the cluster's store (Redis restarting, failing over, paused, still loading its data) anywhere
/// in an exception's chain: not the run's fault and not a reason to use up an attempt; the caller waits and asks again.
/// Matched by type name so that Core needs neither the Redis client nor Orleans' storage providers.
/// </summary>
public static class StoreFaults
{
    private static readonly HashSet<string> TransientTypes = new(StringComparer.Ordinal)
    {
        "RedisConnectionException",   // StackExchange.Redis: no connection (restart, failover, refused)
        "RedisTimeoutException",      // StackExchange.Redis: no answer in time (paused, overloaded)
        "RedisStorageException",      // Orleans' Redis grain storage wrapping either of the above
    };

    /// <summary>Whether the exception (or one it wraps) is a transient failure of the store.</summary>
    public static bool IsTransient(Exception? exception)
    {
        for (var depth = 0; exception is not null && depth < 16; depth++, exception = exception.InnerException)
        {
            if (exception is AggregateException aggregate && aggregate.InnerExceptions.Any(IsTransient))
            {
                return true;
            }

            var name = exception.GetType().Name;
            if (TransientTypes.Contains(name)
                || (name == "RedisServerException" && exception.Message.StartsWith("LOADING", StringComparison.Ordinal)))
            {
                return true;
            }
        }

        return false;
    }

    /// <summary>
    /// Whether the exception (or one it wraps) says a state write conflicted with what the store holds (an ETag
    /// mismatch): the store went back behind the writer (a restore, or the last second an <c>appendfsync everysec</c>
    /// store lost), so the writer must read its state again rather than retry the write.
    /// </summary>
    public static bool IsRollback(Exception? exception)
    {
        for (var depth = 0; exception is not null && depth < 16; depth++, exception = exception.InnerException)
        {
            if (exception is AggregateException aggregate && aggregate.InnerExceptions.Any(IsRollback))
            {
                return true;
            }

            if (exception.GetType().Name == "InconsistentStateException")
            {
                return true;
            }
        }

        return false;
    }
}
