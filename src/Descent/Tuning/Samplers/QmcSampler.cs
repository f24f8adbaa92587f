namespace Descent.Tuning;

/// <summary>
/// Quasi-Monte Carlo sampler over a (scrambled) <see cref="SobolSequence"/> (Optuna's <c>QMCSampler</c>;
/// Bergstra &amp; Bengio 2012 for low-discrepancy search). The search space is the first finished
/// trial's parameters (that trial, with no history, is sampled by the independent sampler); trial n takes
/// point n of the sequence, which is atomic across workers because trial numbers are, and reproducible
/// because every worker with the same seed builds the same scramble. Parameters outside that space are
/// sampled by the independent sampler (a <see cref="RandomSampler"/> by default).
/// </summary>
public sealed class QmcSampler : ISampler
{
    private static readonly TrialState[] Suggested = [TrialState.Complete, TrialState.Pruned];

    private readonly bool _scramble;
    private readonly long _seed;
    private readonly ISampler _independent;
    private readonly Lock _lock = new();
    private (string Key, SobolSequence Engine)? _engine;

    /// <summary>Creates the sampler. All workers of a distributed study must pass the same <paramref name="seed"/>.</summary>
    public QmcSampler(long? seed = null, bool scramble = true, ISampler? independentSampler = null)
    {
        _seed = seed ?? new TuningRandom().NextSeed();
        _scramble = scramble;
        _independent = independentSampler ?? new RandomSampler(_seed ^ 0x5DEECE66DL);
    }

    /// <inheritdoc />
    public IReadOnlyDictionary<string, Distribution> InferRelativeSearchSpace(Study study, FrozenTrial trial)
    {
        var space = new SortedDictionary<string, Distribution>(StringComparer.Ordinal);
        var past = study.GetTrials(Suggested);
        IEnumerable<KeyValuePair<string, Distribution>> source;
        if (past.Count > 0)
        {
            source = past.MinBy(t => t.Number)!.Distributions;
        }
        else
        {
            // Parallel start: the union of what running trials have suggested so far (as Optuna).
            var union = new Dictionary<string, Distribution>(StringComparer.Ordinal);
            foreach (var t in study.GetTrials(TrialState.Running))
                foreach (var (k, d) in t.Distributions) union[k] = d;
            source = union;
        }
        foreach (var (k, d) in source) if (!d.IsSingle) space[k] = d;
        return space;
    }

    /// <inheritdoc />
    public IReadOnlyDictionary<string, double> SampleRelative(Study study, FrozenTrial trial, IReadOnlyDictionary<string, Distribution> searchSpace)
    {
        var result = new Dictionary<string, double>(StringComparer.Ordinal);
        if (searchSpace.Count == 0) return result;
        var names = searchSpace.Keys.Order(StringComparer.Ordinal).ToArray();
        if (names.Length > SobolSequence.MaxDimensions)
            throw new InvalidOperationException($"QmcSampler supports up to {SobolSequence.MaxDimensions} parameters, the space has {names.Length}");
        double[] u;
        lock (_lock)
        {
            // The engine depends on the dimension count only; rebuilt when the space changes size.
            string key = names.Length.ToString(System.Globalization.CultureInfo.InvariantCulture);
            if (_engine is not { } e || e.Key != key) _engine = (key, new SobolSequence(names.Length, _scramble, _seed));
            u = _engine.Value.Engine.Point(trial.Number);
        }
        for (int i = 0; i < names.Length; i++) result[names[i]] = FromUnit(searchSpace[names[i]], u[i]);
        return result;
    }

    /// <inheritdoc />
    public double SampleIndependent(Study study, FrozenTrial trial, string paramName, Distribution distribution) =>
        _independent.SampleIndependent(study, trial, paramName, distribution);

    /// <inheritdoc />
    public void BeforeTrial(Study study, FrozenTrial trial) => _independent.BeforeTrial(study, trial);

    /// <inheritdoc />
    public void AfterTrial(Study study, FrozenTrial trial, TrialState state, IReadOnlyList<double>? values) =>
        _independent.AfterTrial(study, trial, state, values);

    /// <summary>
    /// Maps u ∈ [0, 1) onto a distribution (Optuna's <c>_SearchSpaceTransform</c> with <c>transform_0_1</c>):
    /// linearly or log-linearly for continuous ranges, into equal-width cells for stepped ranges, integers
    /// and categoricals, so each grid value gets the same share of the unit interval.
    /// </summary>
    internal static double FromUnit(Distribution distribution, double u)
    {
        switch (distribution)
        {
            case FloatDistribution f when f.Step is double step:
            {
                long count = (long)Math.Round((f.High - f.Low) / step) + 1;
                return Math.Min(f.High, f.Low + Math.Min((long)(u * count), count - 1) * step);
            }
            case FloatDistribution f:
                return f.Log
                    ? Math.Clamp(Math.Exp(Math.Log(f.Low) + u * (Math.Log(f.High) - Math.Log(f.Low))), f.Low, f.High)
                    : Math.Clamp(f.Low + u * (f.High - f.Low), f.Low, f.High);
            case IntDistribution i when i.Log:
            {
                double lo = Math.Log(i.Low - 0.5), hi = Math.Log(i.High + 0.5);
                return Math.Clamp(Math.Round(Math.Exp(lo + u * (hi - lo))), i.Low, i.High);
            }
            case IntDistribution i:
            {
                long count = ((long)i.High - i.Low) / i.Step + 1;
                return i.Low + Math.Min((long)(u * count), count - 1) * (double)i.Step;
            }
            case CategoricalDistribution c:
                return Math.Min((int)(u * c.Choices.Count), c.Choices.Count - 1);
            default:
                throw new ArgumentException($"unsupported distribution {distribution.GetType().Name}", nameof(distribution));
        }
    }
}
