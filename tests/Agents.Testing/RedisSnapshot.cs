using StackExchange.Redis;

namespace Agents.Testing;

/// <summary>
/// The keys of a Redis server that match a pattern, copied at one instant (DUMP in one script), and put back at one
/// instant (RESTORE in one script, deleting matching keys the copy did not have): what a store that lost its last
/// writes looks like to the processes that made them (an <c>appendfsync everysec</c> restart, a restore from backup),
/// made behind their backs while they keep running.
/// </summary>
public sealed class RedisSnapshot
{
    private const string DumpScript = """
        local out = {}
        for _, key in ipairs(redis.call('KEYS', ARGV[1])) do
          out[#out + 1] = key
          out[#out + 1] = redis.call('DUMP', key)
        end
        return out
        """;

    private const string RestoreScript = """
        local keep = {}
        for i, key in ipairs(KEYS) do
          keep[key] = true
          redis.call('RESTORE', key, 0, ARGV[i + 1], 'REPLACE')
        end
        local dropped = 0
        for _, key in ipairs(redis.call('KEYS', ARGV[1])) do
          if not keep[key] then
            redis.call('DEL', key)
            dropped = dropped + 1
          end
        end
        return dropped
        """;

    private readonly string _endpoint;
    private readonly string _pattern;
    private readonly RedisKey[] _keys;
    private readonly RedisValue[] _dumps;

    private RedisSnapshot(string endpoint, string pattern, RedisKey[] keys, RedisValue[] dumps)
    {
        _endpoint = endpoint;
        _pattern = pattern;
        _keys = keys;
        _dumps = dumps;
    }

    /// <summary>Keys copied.</summary>
    public int Count => _keys.Length;

    /// <summary>Copies every key matching <paramref name="pattern"/> (Redis glob, e.g. <c>*/state/*</c>) at one instant.</summary>
    public static async Task<RedisSnapshot> TakeAsync(string endpoint, string pattern)
    {
        await using var redis = await ConnectionMultiplexer.ConnectAsync(endpoint);
        var result = (RedisResult[])(await redis.GetDatabase().ScriptEvaluateAsync(DumpScript, [], [pattern]))!;
        var keys = new RedisKey[result.Length / 2];
        var dumps = new RedisValue[result.Length / 2];
        for (var i = 0; i < keys.Length; i++)
        {
            keys[i] = (RedisKey)result[2 * i];
            dumps[i] = (RedisValue)result[(2 * i) + 1];
        }

        return new RedisSnapshot(endpoint, pattern, keys, dumps);
    }

    /// <summary>Puts the copied keys back and deletes matching keys written since, at one instant; returns how many were deleted.</summary>
    public async Task<int> RestoreAsync()
    {
        await using var redis = await ConnectionMultiplexer.ConnectAsync(_endpoint);
        var dropped = await redis.GetDatabase().ScriptEvaluateAsync(RestoreScript, _keys, [_pattern, .. _dumps]);
        return (int)dropped;
    }
}
