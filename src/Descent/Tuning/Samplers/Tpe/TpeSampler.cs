using System.Runtime.CompilerServices;
namespace Descent.Tuning;

/// <summary>
/// Tree-structured Parzen Estimator (Bergstra et al., "Algorithms for Hyper-Parameter Optimization",
/// NeurIPS 2011; Watanabe 2023 for the components; Optuna's <c>TPESampler</c>). After
/// <see cref="TpeOptions.NStartupTrials"/> random trials, finished trials are split into the γ(n) best
/// and the rest, a Parzen estimator l(x) / g(x) is fitted to each, <see cref="TpeOptions.NEiCandidates"/>
/// points are drawn from l and the one maximizing l(x)/g(x) (equivalently expected improvement) is
/// returned. <see cref="TpeOptions.Multivariate"/> (the default; Optuna's default is univariate) models parameters jointly,
/// <see cref="TpeOptions.Group"/> splits conditional spaces, <see cref="TpeOptions.ConstantLiar"/> counts
/// running trials as bad. Thread-safe; draws come from <see cref="SamplerStreams"/>, so workers sharing a storage or a
/// restarted study draw new candidates and a seed reproduces a given sequence of trial numbers.
/// </summary>
public sealed class TpeSampler : ISampler
{
    /// <summary>System attribute carrying a running trial's relative sample, so other workers' constant liar sees it (Optuna's <c>tpe:relative_params</c>).</summary>
    public const string RelativeParamsKey = "tpe:relative_params";

    private static readonly TrialState[] Finished = [TrialState.Complete, TrialState.Pruned];
    private static readonly TrialState[] FinishedOrRunning = [TrialState.Complete, TrialState.Pruned, TrialState.Running];

    private readonly Lock _lock = new();
    private readonly TpeOptions _options;
    private readonly SamplerStreams _streams;   // 0: startup (random) draws, 1: TPE candidates
    private readonly IntersectionSearchSpace _intersection = new(includePruned: true);
    private readonly GroupDecomposedSearchSpace? _groups;
    private readonly TpeObservationCache _cache = new();
    private IReadOnlyList<IReadOnlyDictionary<string, Distribution>> _currentGroups = [];
    private (IStudyStorage Storage, long StudyId, long TrialId, int Finished, List<FrozenTrial> Below, List<FrozenTrial> Above)? _split;

    /// <summary>Creates a TPE sampler with the default <see cref="TpeOptions"/> (Optuna's settings, multivariate).</summary>
    public TpeSampler(long? seed = null) : this(new TpeOptions { Seed = seed }) { }

    /// <summary>Creates a TPE sampler.</summary>
    /// <exception cref="ArgumentException">Invalid counts or weights, or <see cref="TpeOptions.Group"/> without <see cref="TpeOptions.Multivariate"/>.</exception>
    public TpeSampler(TpeOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        if (options.NStartupTrials < 0) throw new ArgumentException($"NStartupTrials must be >= 0, got {options.NStartupTrials}", nameof(options));
        if (options.NEiCandidates < 1) throw new ArgumentException($"NEiCandidates must be >= 1, got {options.NEiCandidates}", nameof(options));
        if (!(options.PriorWeight > 0) || !double.IsFinite(options.PriorWeight)) throw new ArgumentException($"PriorWeight must be positive, got {options.PriorWeight}", nameof(options));
        if (!(options.MagicClipExponent >= 0)) throw new ArgumentException($"MagicClipExponent must be >= 0, got {options.MagicClipExponent}", nameof(options));
        if (!(options.MinBandwidthFactor >= 0 && options.MinBandwidthFactor <= 1)) throw new ArgumentException($"MinBandwidthFactor must be in [0, 1], got {options.MinBandwidthFactor}", nameof(options));
        if (options.Group && !options.Multivariate) throw new ArgumentException("Group needs Multivariate = true (as in Optuna)", nameof(options));
        _options = options;
        // Two streams from one seed: the startup (random) draws must not shift the TPE draws.
        _streams = new SamplerStreams(options.Seed, s => SamplerStreams.Split(s, 2));
        if (options.Group) _groups = new GroupDecomposedSearchSpace(includePruned: true);
    }

    /// <summary>The settings this sampler runs with.</summary>
    public TpeOptions Options => _options;

    /// <summary>Optuna's default γ(n) = min(⌈0.1·n⌉, 25).</summary>
    public static int DefaultGamma(int n) => Math.Min((int)Math.Ceiling(0.1 * n), 25);

    /// <summary>Optuna's default weights: 1 for the latest 25 observations, a linear ramp from 1/n to 1 for older ones.</summary>
    public static double[] DefaultWeights(int n)
    {
        if (n < 25) return Enumerable.Repeat(1.0, n).ToArray();
        var w = new double[n];
        int ramp = n - 25;
        for (int i = 0; i < ramp; i++) w[i] = ramp == 1 ? 1.0 / n : 1.0 / n + (1.0 - 1.0 / n) * i / (ramp - 1);
        for (int i = ramp; i < n; i++) w[i] = 1.0;
        return w;
    }

    /// <inheritdoc />
    public IReadOnlyDictionary<string, Distribution> InferRelativeSearchSpace(Study study, FrozenTrial trial)
    {
        if (!_options.Multivariate) return new Dictionary<string, Distribution>();
        lock (_lock)
        {
            var space = new SortedDictionary<string, Distribution>(StringComparer.Ordinal);
            if (_groups is not null)
            {
                _currentGroups = _groups.Calculate(study);
                foreach (var g in _currentGroups)
                    foreach (var (k, d) in g)
                        if (!d.IsSingle) space[k] = d;
                return space;
            }
            foreach (var (k, d) in _intersection.Calculate(study))
                if (!d.IsSingle) space[k] = d;
            return space;
        }
    }

    /// <inheritdoc />
    public IReadOnlyDictionary<string, double> SampleRelative(Study study, FrozenTrial trial, IReadOnlyDictionary<string, Distribution> searchSpace)
    {
        var result = new Dictionary<string, double>(StringComparer.Ordinal);
        if (searchSpace.Count == 0) return result;
        lock (_lock)
        {
            if (study.Storage.GetTrialCount(study.StudyId, Finished) < _options.NStartupTrials) return result;
            if (_groups is not null)
            {
                foreach (var g in _currentGroups)
                {
                    var sub = new SortedDictionary<string, Distribution>(StringComparer.Ordinal);
                    foreach (var (k, d) in g)
                        if (!d.IsSingle && searchSpace.ContainsKey(k)) sub[k] = d;
                    if (sub.Count > 0)
                        foreach (var (k, v) in Sample(study, trial, sub)) result[k] = v;
                }
            }
            else
            {
                foreach (var (k, v) in Sample(study, trial, searchSpace)) result[k] = v;
            }
        }
        if (result.Count > 0 && _options.ConstantLiar)
            study.Storage.SetTrialSystemAttr(trial.TrialId, RelativeParamsKey, result.ToDictionary(kv => kv.Key, kv => (object?)kv.Value));
        return result;
    }

    /// <inheritdoc />
    public double SampleIndependent(Study study, FrozenTrial trial, string paramName, Distribution distribution)
    {
        lock (_lock)
        {
            if (study.Storage.GetTrialCount(study.StudyId, Finished) < _options.NStartupTrials)
                return RandomSampler.Sample(_streams.For(trial, 0), distribution);
            return Sample(study, trial, new Dictionary<string, Distribution> { [paramName] = distribution })[paramName];
        }
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private Dictionary<string, double> Sample(Study study, FrozenTrial trial, IReadOnlyDictionary<string, Distribution> space)
    {
        var directions = study.Directions;
        var (below, above) = Split(study, trial);
        var names = space.Keys.ToArray();
        var dists = names.Select(k => space[k]).ToArray();
        var included = new List<FrozenTrial>();
        var (obsBelow, nBelow, _) = Observations(study, below, names, dists, included);
        var (obsAbove, nAbove, rowOfNumber) = Observations(study, above, names, dists);
        // The many "above" observations come pre-sorted from the cache when they are all finished trials.
        int[][]? aboveOrder = rowOfNumber is null ? null
            : names.Select((name, d) => dists[d] is CategoricalDistribution ? [] : _cache.SortedRows(name, rowOfNumber, nAbove)).ToArray();
        // Multi-objective TPE weighs the good trials equally (Optuna's MOTPE).
        double[]? belowWeights = directions.Count > 1 ? Enumerable.Repeat(1.0, nBelow).ToArray() : null;
        var lOptions = _options;
        if (directions.Count == 1 && _options.ImprovementWeights && ImprovementWeights(directions[0], included, above) is { } improvement)
        {
            belowWeights = improvement;
            lOptions = _options with { PriorWeight = _options.PriorWeight * improvement.Average() };
        }
        var l = new ParzenEstimator(dists, obsBelow, nBelow, lOptions, belowWeights);
        var g = new ParzenEstimator(dists, obsAbove, nAbove, _options, null, aboveOrder);

        var candidates = l.Sample(_streams.For(trial, 1), _options.NEiCandidates);
        var ll = l.LogPdf(candidates);
        var lg = g.LogPdf(candidates);
        int best = 0;
        for (int i = 1; i < candidates.Length; i++)
            if (ll[i] - lg[i] > ll[best] - lg[best]) best = i;

        var result = new Dictionary<string, double>(StringComparer.Ordinal);
        for (int d = 0; d < names.Length; d++) result[names[d]] = candidates[best][d];
        return result;
    }

    // Watanabe 2023's "EI" weighting (also in his OptunaHub TPE): weigh each good observation by how much it improves on
    // the split threshold y*, the best value of the other trials, so l(x) is the EI-weighted density ∫(y* − y)p(x|y)p(y)dy
    // rather than the plain density of the good set; the prior kernel gets the mean weight. Only when every good
    // observation is complete and some complete trial defines y* (pruned trials have no final value); else null.
    internal static double[]? ImprovementWeights(StudyDirection direction, List<FrozenTrial> below, List<FrozenTrial> above)
    {
        if (below.Count == 0) return null;
        double sign = direction == StudyDirection.Minimize ? 1 : -1;
        double threshold = double.PositiveInfinity;
        foreach (var t in above)
            if (t.State == TrialState.Complete) threshold = Math.Min(threshold, sign * t.Values![0]);
        if (!double.IsFinite(threshold)) return null;
        var weights = new double[below.Count];
        for (int i = 0; i < below.Count; i++)
        {
            if (below[i].State != TrialState.Complete) return null;
            // A tie with the threshold still keeps a (negligible) kernel, as in Watanabe's max(1e-12, y* − y).
            weights[i] = Math.Max(1e-12, threshold - sign * below[i].Values![0]);
        }
        return weights;
    }

    // The below/above split of the finished (and, for the constant liar, running) trials other than this
    // one. Without the liar it depends only on the set of finished trials, which only grows, so it is
    // reused while the count is unchanged: a univariate trial samples each parameter from the same split.
    private (List<FrozenTrial> Below, List<FrozenTrial> Above) Split(Study study, FrozenTrial trial)
    {
        if (!_options.ConstantLiar && _split is { } c && ReferenceEquals(c.Storage, study.Storage) && c.StudyId == study.StudyId && c.TrialId == trial.TrialId
            && c.Finished == study.Storage.GetTrialCount(study.StudyId, Finished))
            return (c.Below, c.Above);
        var trials = study.GetTrials(_options.ConstantLiar ? FinishedOrRunning : Finished)
            .Where(t => t.Number != trial.Number).ToList();
        int n = 0;
        foreach (var t in trials) if (t.State != TrialState.Running) n++;
        var directions = study.Directions;
        var gamma = _options.Gamma ?? (directions.Count == 1 ? DefaultGamma : static x => (int)Math.Ceiling(0.1 * x));
        var (below, above) = TpeSplit.Split(directions, trials, gamma(n));
        _split = (study.Storage, study.StudyId, trial.TrialId, n, below, above);
        return (below, above);
    }

    // Internal values of the trials that hold every parameter in names (inside the requested range: a
    // dynamic range may have excluded old values), column by column. A running trial contributes what it
    // has suggested plus its published relative sample (constant liar, multivariate). Also returns, when
    // every contributing trial is finished, the row of each trial number (−1 if none).
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private (double[][] Columns, int Count, int[]? RowOfNumber) Observations(Study study, List<FrozenTrial> trials, string[] names, Distribution[] dists, List<FrozenTrial>? included = null)
    {
        var cols = new double[names.Length][];
        for (int d = 0; d < names.Length; d++) cols[d] = new double[trials.Count];
        int maxNumber = -1;
        foreach (var t in trials) maxNumber = Math.Max(maxNumber, t.Number);
        int[]? rowOfNumber = new int[maxNumber + 1];
        Array.Fill(rowOfNumber, -1);
        int n = 0;
        foreach (var t in trials)
        {
            var relative = t.State == TrialState.Running && _options.Multivariate
                && t.SystemAttrs.TryGetValue(RelativeParamsKey, out var r) ? r as IReadOnlyDictionary<string, object?> : null;
            bool all = true;
            for (int d = 0; d < names.Length && all; d++)
            {
                if (_cache.TryGet(study, t, names[d], out var v)) cols[d][n] = v;
                else if (relative is not null && relative.TryGetValue(names[d], out var rv) && rv is double or long)
                    cols[d][n] = v = Convert.ToDouble(rv, System.Globalization.CultureInfo.InvariantCulture); // a JSON store may return 3.0 as 3
                else { all = false; continue; }
                all = InRange(dists[d], v);
            }
            if (!all) continue;
            included?.Add(t);
            if (rowOfNumber is not null)
            {
                if (t.State.IsFinished()) rowOfNumber[t.Number] = n;
                else rowOfNumber = null;
            }
            n++;
        }
        return (cols, n, rowOfNumber);
    }

    private static bool InRange(Distribution d, double v) => d switch
    {
        FloatDistribution f => v >= f.Low && v <= f.High,
        IntDistribution i => v >= i.Low && v <= i.High,
        CategoricalDistribution c => v >= 0 && v < c.Choices.Count,
        _ => false,
    };
}
