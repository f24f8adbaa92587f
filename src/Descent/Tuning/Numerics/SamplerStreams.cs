namespace Descent.Tuning;

/// <summary>
/// The random streams of one sampler object, created when it samples its first trial, from
/// <see cref="TuningRandom.AnchorSeed"/>(seed, that trial's number). A stream per sampler object alone would repeat
/// itself in every worker of a shared study and after every restart (issue #18: four workers ran the same trials);
/// anchoring it at the first trial number, which the storage makes unique, gives each worker its own streams while a
/// fresh single-worker study keeps the seed's own sequence. One continuous stream per worker rather than a fresh
/// stream per trial keeps the sampler's draws one long xoshiro sequence (per-trial streams measurably changed TPE's
/// behaviour on the mixed-space test). Thread-safe creation; callers still serialize their use of a stream.
/// </summary>
internal sealed class SamplerStreams
{
    private readonly Lock _lock = new();
    private readonly Func<long, TuningRandom[]> _create;
    private TuningRandom[]? _streams;

    /// <summary>Streams made by <paramref name="create"/> from the anchored seed; a null <paramref name="seed"/> draws one from the OS.</summary>
    public SamplerStreams(long? seed, Func<long, TuningRandom[]> create)
    {
        ArgumentNullException.ThrowIfNull(create);
        Seed = seed ?? new TuningRandom().NextSeed();
        _create = create;
    }

    /// <summary>The sampler's seed (before anchoring).</summary>
    public long Seed { get; }

    /// <summary>Streams split from one root generator (the samplers' historical layout: independent draws, then model draws).</summary>
    public static TuningRandom[] Split(long seed, int count)
    {
        var root = new TuningRandom(seed);
        var streams = new TuningRandom[count];
        for (int i = 0; i < count; i++) streams[i] = new TuningRandom(root.NextSeed());
        return streams;
    }

    /// <summary>Stream <paramref name="index"/>, creating the streams at <paramref name="trial"/> if this is the first trial sampled.</summary>
    public TuningRandom For(FrozenTrial trial, int index)
    {
        ArgumentNullException.ThrowIfNull(trial);
        lock (_lock)
        {
            _streams ??= _create(TuningRandom.AnchorSeed(Seed, trial.Number));
            return _streams[index];
        }
    }
}
