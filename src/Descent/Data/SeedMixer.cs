namespace Descent.Data;

/// <summary>
/// Derives independent seeds from (seed, epoch, batch, …) tuples with the SplitMix64 finalizer
/// (Steele, Lea &amp; Flood 2014), so every epoch's order and every batch's augmentation draws can be
/// regenerated on their own: what makes an epoch resumable mid-way.
/// </summary>
internal static class SeedMixer
{
    /// <summary>Domain tag for per-epoch shuffles.</summary>
    public const long Shuffle = 0x5348_5546_464C_45;   // "SHUFFLE"

    /// <summary>Domain tag for per-batch transform draws.</summary>
    public const long Augment = 0x4155_474D_454E_54;   // "AUGMENT"

    /// <summary>A seed that depends on both inputs; differs from <paramref name="seed"/> and from <paramref name="value"/>.</summary>
    public static long Mix(long seed, long value) =>
        unchecked((long)Finalize(Finalize((ulong)seed) ^ ((ulong)value + 0x9E3779B97F4A7C15UL)));

    /// <summary>A seed for the triple (seed, a, b).</summary>
    public static long Mix(long seed, long a, long b) => Mix(Mix(seed, a), b);

    private static ulong Finalize(ulong z)
    {
        z = unchecked((z ^ (z >> 30)) * 0xBF58476D1CE4E5B9UL);
        z = unchecked((z ^ (z >> 27)) * 0x94D049BB133111EBUL);
        return z ^ (z >> 31);
    }
}
