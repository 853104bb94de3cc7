using Agents.Core.Jobs;

namespace Agents.Core.Tests.Jobs;

public sealed class StoreFaultsTests
{
    [Fact]
    public void IsTransient_RedisFaultAnywhereInTheChain_True()
    {
        Assert.True(StoreFaults.IsTransient(new RedisConnectionException("No connection is active/available")));
        Assert.True(StoreFaults.IsTransient(new RedisTimeoutException("Timeout awaiting response")));
        Assert.True(StoreFaults.IsTransient(new InvalidOperationException("write failed", new RedisStorageException("wrapped", new RedisTimeoutException("t")))));
        Assert.True(StoreFaults.IsTransient(new AggregateException(new ArgumentException("x"), new RedisConnectionException("down"))));
        Assert.True(StoreFaults.IsTransient(new RedisServerException("LOADING Redis is loading the dataset in memory")));
    }

    [Fact]
    public void IsTransient_OtherFailures_False()
    {
        Assert.False(StoreFaults.IsTransient(null));
        Assert.False(StoreFaults.IsTransient(new InvalidOperationException("model not allowed")));
        Assert.False(StoreFaults.IsTransient(new RedisServerException("WRONGTYPE Operation against a key holding the wrong kind of value")));
    }

    [Fact]
    public void IsRollback_EtagConflictAnywhereInTheChain_TrueAndOtherwiseFalse()
    {
        Assert.True(StoreFaults.IsRollback(new InconsistentStateException("Version conflict (WriteStateAsync)")));
        Assert.True(StoreFaults.IsRollback(new InvalidOperationException("flush failed", new InconsistentStateException("conflict"))));
        Assert.True(StoreFaults.IsRollback(new AggregateException(new ArgumentException("x"), new InconsistentStateException("conflict"))));
        Assert.False(StoreFaults.IsRollback(null));
        Assert.False(StoreFaults.IsRollback(new RedisConnectionException("No connection is active/available")));
        Assert.False(StoreFaults.IsTransient(new InconsistentStateException("conflict")));
    }

    // Stand-ins with the names of StackExchange.Redis' and Orleans' exception types (Core matches by name).
    private sealed class RedisConnectionException(string message) : Exception(message);

    private sealed class RedisTimeoutException(string message) : Exception(message);

    private sealed class RedisServerException(string message) : Exception(message);

    private sealed class RedisStorageException(string message, Exception inner) : Exception(message, inner);

    private sealed class InconsistentStateException(string message) : Exception(message);
}
