namespace Descent.Tuning;

/// <summary>
/// Samples every parameter independently and uniformly (log-uniformly for log ranges, uniformly over the
/// grid points for stepped ranges), as Optuna's <c>RandomSampler</c>. Thread-safe. The stream starts at the first trial
/// sampled (<see cref="SamplerStreams"/>): workers sharing a storage, or a restarted study, draw new values, and a seed
/// reproduces the values of a given sequence of trial numbers.
/// </summary>
public sealed class RandomSampler : ISampler
{
    private readonly Lock _lock = new();
    private readonly SamplerStreams _streams;

    /// <summary>Creates the sampler; a null seed draws one from the OS.</summary>
    public RandomSampler(long? seed = null) => _streams = new SamplerStreams(seed, s => [new TuningRandom(s)]);

    /// <inheritdoc />
    public IReadOnlyDictionary<string, Distribution> InferRelativeSearchSpace(Study study, FrozenTrial trial) =>
        new Dictionary<string, Distribution>();

    /// <inheritdoc />
    public IReadOnlyDictionary<string, double> SampleRelative(Study study, FrozenTrial trial, IReadOnlyDictionary<string, Distribution> searchSpace) =>
        new Dictionary<string, double>();

    /// <inheritdoc />
    public double SampleIndependent(Study study, FrozenTrial trial, string paramName, Distribution distribution)
    {
        lock (_lock) return Sample(_streams.For(trial, 0), distribution);
    }

    /// <summary>One uniform draw from <paramref name="distribution"/> in the internal representation (shared by samplers that fall back to random).</summary>
    internal static double Sample(TuningRandom rng, Distribution distribution)
    {
        switch (distribution)
        {
            case FloatDistribution f:
                if (f.IsSingle) return f.Low;
                if (f.Step is double step)
                {
                    long n = (long)Math.Round((f.High - f.Low) / step);
                    return Math.Min(f.High, f.Low + rng.NextInt64(n + 1) * step);
                }
                if (f.Log)
                {
                    double v = Math.Exp(rng.NextDouble(Math.Log(f.Low), Math.Log(f.High)));
                    return Math.Clamp(v, f.Low, f.High);
                }
                return rng.NextDouble(f.Low, f.High);
            case IntDistribution i:
                if (i.IsSingle) return i.Low;
                if (i.Log)
                {
                    // Optuna samples log-uniformly on [low − ½, high + ½] and rounds, so every integer keeps
                    // the mass of its own log-interval.
                    double v = Math.Exp(rng.NextDouble(Math.Log(i.Low - 0.5), Math.Log(i.High + 0.5)));
                    return Math.Clamp(Math.Round(v), i.Low, i.High);
                }
                long count = ((long)i.High - i.Low) / i.Step + 1;
                return i.Low + rng.NextInt64(count) * (double)i.Step;
            case CategoricalDistribution c:
                return rng.NextInt(c.Choices.Count);
            default:
                throw new ArgumentException($"unsupported distribution {distribution.GetType().Name}", nameof(distribution));
        }
    }
}
