using System.Runtime.CompilerServices;
using System.Numerics;

namespace Descent.Tuning;

/// <summary>
/// Seeded pseudo-random generator for samplers: xoshiro256** (Blackman &amp; Vigna, "Scrambled linear
/// pseudorandom number generators", 2018) seeded through SplitMix64. Written out here rather than
/// relying on <see cref="System.Random"/>, whose algorithm is not specified to stay fixed, so a seed
/// gives the same stream on every platform and runtime version. Not thread-safe.
/// </summary>
public sealed class TuningRandom
{
    private ulong _s0, _s1, _s2, _s3;
    private double _spareGaussian;
    private bool _hasSpare;

    /// <summary>Creates a generator from a 64-bit seed.</summary>
    public TuningRandom(long seed) => Reseed(seed);

    /// <summary>Creates a generator seeded from the operating system's entropy (not reproducible).</summary>
    public TuningRandom() : this(System.Security.Cryptography.RandomNumberGenerator.GetInt32(int.MaxValue) * 4294967296L
                                 + System.Security.Cryptography.RandomNumberGenerator.GetInt32(int.MaxValue)) { }

    /// <summary>
    /// The seed of the streams of a sampler object whose first sampled trial is <paramref name="firstTrialNumber"/>:
    /// <paramref name="seed"/> itself for trial 0 (a fresh study, so its draws are those of the seed alone), else a
    /// SplitMix64 mix of both. Trial numbers are unique in a storage, so workers sharing a study with one seed, or a
    /// study restarted after a kill, get new streams instead of replaying the seed's sequence, while a seed still
    /// reproduces the draws for a given sequence of trial numbers.
    /// </summary>
    public static long AnchorSeed(long seed, int firstTrialNumber)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(firstTrialNumber);
        if (firstTrialNumber == 0) return seed;
        ulong x = unchecked((ulong)seed);
        ulong a = SplitMix64(ref x);
        x = unchecked(a ^ (ulong)firstTrialNumber * 0x9E3779B97F4A7C15UL);
        return unchecked((long)SplitMix64(ref x));
    }

    /// <summary>Restarts the stream from <paramref name="seed"/>.</summary>
    public void Reseed(long seed)
    {
        // SplitMix64 expands the seed so that nearby seeds give unrelated states (Vigna's recommendation).
        ulong x = unchecked((ulong)seed);
        _s0 = SplitMix64(ref x);
        _s1 = SplitMix64(ref x);
        _s2 = SplitMix64(ref x);
        _s3 = SplitMix64(ref x);
        _hasSpare = false;
    }

    /// <summary>Next 64 uniformly random bits.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public ulong NextUInt64()
    {
        ulong result = BitOperations.RotateLeft(_s1 * 5, 7) * 9;
        ulong t = _s1 << 17;
        _s2 ^= _s0;
        _s3 ^= _s1;
        _s1 ^= _s2;
        _s0 ^= _s3;
        _s2 ^= t;
        _s3 = BitOperations.RotateLeft(_s3, 45);
        return result;
    }

    /// <summary>Uniform double in [0, 1) with 53 random bits.</summary>
    public double NextDouble() => (NextUInt64() >> 11) * (1.0 / 9007199254740992.0);

    /// <summary>Uniform double in [low, high).</summary>
    public double NextDouble(double low, double high)
    {
        double v = low + (high - low) * NextDouble();
        return v < high ? v : BitDecrement(high, low);
    }

    /// <summary>Uniform integer in [0, <paramref name="maxExclusive"/>) without modulo bias (Lemire 2019).</summary>
    public long NextInt64(long maxExclusive)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(maxExclusive);
        ulong range = (ulong)maxExclusive;
        ulong hi = Math.BigMul(NextUInt64(), range, out ulong lo);
        if (lo < range)
        {
            ulong threshold = unchecked(0 - range) % range;
            while (lo < threshold) hi = Math.BigMul(NextUInt64(), range, out lo);
        }
        return (long)hi;
    }

    /// <summary>Uniform integer in [0, <paramref name="maxExclusive"/>).</summary>
    public int NextInt(int maxExclusive) => (int)NextInt64(maxExclusive);

    /// <summary>Standard normal deviate (Marsaglia polar method; needs only log and sqrt).</summary>
    public double NextGaussian()
    {
        if (_hasSpare) { _hasSpare = false; return _spareGaussian; }
        double u, v, s;
        do
        {
            u = 2 * NextDouble() - 1;
            v = 2 * NextDouble() - 1;
            s = u * u + v * v;
        } while (s >= 1 || s == 0);
        double m = Math.Sqrt(-2 * Math.Log(s) / s);
        _spareGaussian = v * m;
        _hasSpare = true;
        return u * m;
    }

    /// <summary>Fisher–Yates shuffle in place.</summary>
    public void Shuffle<T>(Span<T> items)
    {
        for (int i = items.Length - 1; i > 0; i--)
        {
            int j = NextInt(i + 1);
            (items[i], items[j]) = (items[j], items[i]);
        }
    }

    /// <summary>Index drawn with probability proportional to <paramref name="weights"/> (non-negative, positive sum).</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public int NextWeighted(ReadOnlySpan<double> weights)
    {
        double total = 0;
        foreach (var w in weights) total += w;
        double u = NextDouble() * total;
        double acc = 0;
        for (int i = 0; i < weights.Length; i++)
        {
            acc += weights[i];
            if (u < acc) return i;
        }
        // Rounding can leave u ≥ acc; fall back to the last index with positive weight.
        for (int i = weights.Length - 1; i >= 0; i--) if (weights[i] > 0) return i;
        return weights.Length - 1;
    }

    /// <summary>A seed for a derived generator, so sub-components get independent, reproducible streams.</summary>
    public long NextSeed() => unchecked((long)NextUInt64());

    private static ulong SplitMix64(ref ulong x)
    {
        ulong z = x += 0x9E3779B97F4A7C15UL;
        z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9UL;
        z = (z ^ (z >> 27)) * 0x94D049BB133111EBUL;
        return z ^ (z >> 31);
    }

    private static double BitDecrement(double high, double low) => Math.Max(low, Math.BitDecrement(high));
}
