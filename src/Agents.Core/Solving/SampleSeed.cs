using System.IO.Hashing;
using System.Text;

namespace Agents.Core.Solving;

/// <summary>
/// Derives the seed of every sampled request from (run, problem, role, round, index), so reruns and
/// reactivated grains ask exactly the same questions. Choice <c>i</c> of an <c>n</c>-choice request with base
/// seed <c>s</c> uses <see cref="ForChoice"/>(s, i); the parallel path sends that seed per request, so both
/// paths draw the same samples from a deterministic backend.
/// </summary>
public static class SampleSeed
{
    /// <summary>The base seed of one request (sample index 0 of a batch of samples).</summary>
    public static long Derive(string runId, string problemId, string role, int round, long runSeed = 0)
    {
        var bytes = Encoding.UTF8.GetBytes($"{runSeed}\u001f{runId}\u001f{problemId}\u001f{role}\u001f{round}");
        return Positive(XxHash64.HashToUInt64(bytes));
    }

    /// <summary>The seed of choice <paramref name="index"/>; choice 0 keeps the base seed.</summary>
    public static long ForChoice(long baseSeed, int index)
    {
        if (index == 0)
        {
            return baseSeed;
        }

        Span<byte> buffer = stackalloc byte[12];
        BitConverter.TryWriteBytes(buffer, baseSeed);
        BitConverter.TryWriteBytes(buffer[8..], index);
        return Positive(XxHash64.HashToUInt64(buffer));
    }

    // OpenAI-compatible servers take the seed as a signed 64-bit integer; some reject negatives.
    private static long Positive(ulong hash) => (long)(hash & 0x7FFF_FFFF_FFFF_FFFF);
}
