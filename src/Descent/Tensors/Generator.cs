namespace Descent.Tensors;

/// <summary>
/// Seeded pseudo-random generator for tensor creation (xoshiro256**, seeded through SplitMix64; Blackman &amp;
/// Vigna 2018). Pure integer arithmetic, consumed sequentially, so a seed gives the same stream on every
/// platform and thread count. Its streams are not PyTorch's (mt19937/Philox): only the distributions match.
/// </summary>
public sealed class Generator
{
    private ulong _s0, _s1, _s2, _s3;
    private double? _spareNormal;

    /// <summary>Creates a generator with <paramref name="seed"/>.</summary>
    public Generator(long seed) => ManualSeed(seed);

    /// <summary>The process-wide generator used when none is passed (seed 67280421310721, PyTorch's startup seed).</summary>
    public static Generator Default { get; } = new(67280421310721);

    [ThreadStatic] private static Generator? _threadOverride;

    /// <summary>
    /// A generator that replaces every other one for the random ops of a model's forward pass (dropout) on this thread,
    /// or null. Data-parallel training gives each secondary replica its own stream this way, so replicas running
    /// concurrently never share (and race on) one generator.
    /// </summary>
    internal static Generator? ThreadOverride => _threadOverride;

    /// <summary>Makes <paramref name="generator"/> this thread's override until the handle is disposed.</summary>
    internal static OverrideScope Override(Generator generator)
    {
        var scope = new OverrideScope(_threadOverride);
        _threadOverride = generator;
        return scope;
    }

    /// <summary>Restores the thread's previous override when disposed.</summary>
    internal readonly struct OverrideScope(Generator? previous) : IDisposable
    {
        /// <summary>Restores the override.</summary>
        public void Dispose() => _threadOverride = previous;
    }

    /// <summary>Seed last set.</summary>
    public long Seed { get; private set; }

    /// <summary>Resets the stream to the start of <paramref name="seed"/>'s sequence.</summary>
    public Generator ManualSeed(long seed)
    {
        Seed = seed;
        ulong x = unchecked((ulong)seed);
        _s0 = SplitMix(ref x); _s1 = SplitMix(ref x); _s2 = SplitMix(ref x); _s3 = SplitMix(ref x);
        _spareNormal = null;
        return this;
    }

    /// <summary>The full internal state (for checkpoints), restorable with <see cref="SetState"/>.</summary>
    public ulong[] GetState() =>
        [_s0, _s1, _s2, _s3, _spareNormal.HasValue ? 1UL : 0UL, BitConverter.DoubleToUInt64Bits(_spareNormal ?? 0), unchecked((ulong)Seed)];

    /// <summary>Restores a state from <see cref="GetState"/>.</summary>
    public void SetState(ReadOnlySpan<ulong> state)
    {
        if (state.Length != 7)
            throw new ArgumentException($"Generator state must have 7 words, got {state.Length}.", nameof(state));
        (_s0, _s1, _s2, _s3) = (state[0], state[1], state[2], state[3]);
        _spareNormal = state[4] != 0 ? BitConverter.UInt64BitsToDouble(state[5]) : null;
        Seed = unchecked((long)state[6]);
    }

    /// <summary>Next 64 random bits.</summary>
    public ulong NextUInt64()
    {
        ulong result = RotateLeft(_s1 * 5, 7) * 9;
        ulong t = _s1 << 17;
        _s2 ^= _s0; _s3 ^= _s1; _s1 ^= _s2; _s0 ^= _s3;
        _s2 ^= t;
        _s3 = RotateLeft(_s3, 45);
        return result;
    }

    /// <summary>Uniform double in [0, 1) with 53 random bits.</summary>
    public double NextDouble() => (NextUInt64() >> 11) * (1.0 / (1UL << 53));

    /// <summary>Uniform float in [0, 1) with 24 random bits.</summary>
    public float NextSingle() => (NextUInt64() >> 40) * (1.0f / (1 << 24));

    /// <summary>Standard normal sample (Box–Muller; the second value of each pair is kept for the next call).</summary>
    public double NextNormal()
    {
        if (_spareNormal is { } spare)
        {
            _spareNormal = null;
            return spare;
        }
        double u1;
        do { u1 = NextDouble(); } while (u1 <= double.Epsilon);
        double u2 = NextDouble();
        double r = Math.Sqrt(-2.0 * Math.Log(u1));
        _spareNormal = r * Math.Sin(2 * Math.PI * u2);
        return r * Math.Cos(2 * Math.PI * u2);
    }

    /// <summary>Uniform integer in [0, <paramref name="bound"/>) without modulo bias (Lemire 2019).</summary>
    public long NextInt64(long bound)
    {
        if (bound <= 0)
            throw new ArgumentOutOfRangeException(nameof(bound), bound, "bound must be positive.");
        ulong b = (ulong)bound;
        ulong threshold = (0UL - b) % b;
        while (true)
        {
            ulong x = NextUInt64();
            ulong hi = Math.BigMul(x, b, out ulong lo);
            if (lo >= threshold)
                return (long)hi;
        }
    }

    private static ulong RotateLeft(ulong x, int k) => (x << k) | (x >> (64 - k));

    private static ulong SplitMix(ref ulong x)
    {
        ulong z = x += 0x9E3779B97F4A7C15UL;
        z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9UL;
        z = (z ^ (z >> 27)) * 0x94D049BB133111EBUL;
        return z ^ (z >> 31);
    }
}
