using System.Globalization;
using System.IO.Hashing;
using System.Text;

namespace Agents.Core.Simulation;

/// <summary>
/// SplitMix64 pseudo-random generator: a fixed, documented algorithm, so the simulated world draws the same
/// numbers on every .NET version (System.Random's algorithm is unspecified). Not thread-safe; one per draw sequence.
/// </summary>
internal sealed class DeterministicRandom(ulong seed)
{
    private ulong _state = seed;

    /// <summary>A generator seeded with the XxHash64 of the parts joined by a unit separator.</summary>
    public static DeterministicRandom From(params object[] parts) => new(Hash(parts));

    /// <summary>The stable 64-bit hash of the parts (invariant culture, round-trip doubles).</summary>
    public static ulong Hash(params object[] parts)
    {
        var builder = new StringBuilder();
        foreach (var part in parts)
        {
            builder.Append(part switch
            {
                double d => d.ToString("R", CultureInfo.InvariantCulture),
                IFormattable f => f.ToString(null, CultureInfo.InvariantCulture),
                _ => part.ToString(),
            });
            builder.Append('\u001f');
        }

        return XxHash64.HashToUInt64(Encoding.UTF8.GetBytes(builder.ToString()));
    }

    public ulong NextUInt64()
    {
        var z = _state += 0x9E3779B97F4A7C15UL;
        z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9UL;
        z = (z ^ (z >> 27)) * 0x94D049BB133111EBUL;
        return z ^ (z >> 31);
    }

    /// <summary>A uniform double in [0, 1) with 53 random bits.</summary>
    public double NextDouble() => (NextUInt64() >> 11) * (1.0 / (1UL << 53));

    /// <summary>A uniform integer in [min, maxExclusive).</summary>
    public int Next(int min, int maxExclusive)
    {
        if (maxExclusive <= min)
        {
            throw new ArgumentOutOfRangeException(nameof(maxExclusive), "The range is empty.");
        }

        return min + (int)(NextUInt64() % (ulong)(maxExclusive - min));
    }

    /// <summary>True with probability <paramref name="p"/>.</summary>
    public bool Chance(double p) => NextDouble() < p;

    /// <summary>One element of a non-empty list, uniformly.</summary>
    public T Pick<T>(IReadOnlyList<T> items) => items[Next(0, items.Count)];

    /// <summary>A standard normal draw (Box-Muller).</summary>
    public double NextGaussian()
    {
        var u1 = 1.0 - NextDouble();
        var u2 = NextDouble();
        return Math.Sqrt(-2.0 * Math.Log(u1)) * Math.Cos(2.0 * Math.PI * u2);
    }
}
