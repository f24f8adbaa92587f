namespace Descent.Tuning;

/// <summary>
/// Independent random streams derived from one seed: stream k of seed s is a <see cref="TuningRandom"/> seeded by a
/// mix of (s, k). Samplers draw everything a trial needs from the stream of its trial number, so parallel and restarted
/// workers sharing a seed reproduce each other's draws for the same trial and never depend on how many numbers other
/// trials consumed (the per-thread or global generators of GeneticSharp and DEAP are the known failures).
/// </summary>
internal static class RandomStreams
{
    /// <summary>The seed of stream <paramref name="stream"/> of <paramref name="seed"/> (a golden-ratio multiply, then SplitMix64 in the generator).</summary>
    public static long Derive(long seed, long stream) => unchecked(seed ^ (stream + 1) * (long)0x9E3779B97F4A7C15UL);

    /// <summary>A generator for stream <paramref name="stream"/> of <paramref name="seed"/>.</summary>
    public static TuningRandom For(long seed, long stream) => new(Derive(seed, stream));

    /// <summary>
    /// A generator for parameter <paramref name="name"/> of trial <paramref name="trialNumber"/>: a value sampled outside
    /// a relative space then depends neither on the order nor on the number of the trial's other suggestions.
    /// </summary>
    public static TuningRandom ForParameter(long seed, long trialNumber, string name) =>
        For(Derive(seed, trialNumber), Crc32.Compute(System.Text.Encoding.UTF8.GetBytes(name)));
}
