namespace Descent.Tuning;

/// <summary>
/// Gaussian-process Bayesian optimization (Optuna 3.6+'s <c>GPSampler</c>; Snoek et al., "Practical
/// Bayesian Optimization of Machine Learning Algorithms", NeurIPS 2012). After
/// <see cref="GpOptions.NStartupTrials"/> random trials, the parameters shared by all complete trials are
/// encoded into [0, 1] (log-scaled for log ranges, one-hot for categoricals), the objective values are
/// standardized, a Matérn-5/2 ARD GP is fitted by maximizing the marginal likelihood (with weak priors),
/// and the point maximizing log expected improvement is proposed. Single-objective studies only.
/// Thread-safe; draws come from <see cref="SamplerStreams"/> (new draws per worker and after a restart, reproducible
/// for a seed and a given sequence of trial numbers).
/// </summary>
public sealed class GpSampler : ISampler
{
    private readonly Lock _lock = new();
    private readonly GpOptions _options;
    private readonly SamplerStreams _streams;   // 0: independent draws, 1: kernel starts and acquisition
    private readonly IntersectionSearchSpace _intersection = new();
    private (string Signature, GpKernelParams Params)? _lastFit;
    private int _fitsSinceFull;

    /// <summary>Creates a GP sampler with Optuna's defaults.</summary>
    public GpSampler(long? seed = null) : this(new GpOptions { Seed = seed }) { }

    /// <summary>Creates a GP sampler.</summary>
    /// <exception cref="ArgumentException">A count is out of range.</exception>
    public GpSampler(GpOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        if (options.NStartupTrials < 0) throw new ArgumentException($"NStartupTrials must be >= 0, got {options.NStartupTrials}", nameof(options));
        if (options.NCandidates < 1) throw new ArgumentException($"NCandidates must be >= 1, got {options.NCandidates}", nameof(options));
        if (options.NLocalSearch < 1) throw new ArgumentException($"NLocalSearch must be >= 1, got {options.NLocalSearch}", nameof(options));
        if (options.KernelFitStarts < 1) throw new ArgumentException($"KernelFitStarts must be >= 1, got {options.KernelFitStarts}", nameof(options));
        _options = options;
        _streams = new SamplerStreams(options.Seed, s => SamplerStreams.Split(s, 2));
    }

    /// <summary>Kernel hyperparameters of the latest fit (inverse squared lengthscales by parameter name, signal and noise variance); null before the first.</summary>
    public (IReadOnlyDictionary<string, double> InverseSquaredLengthscales, double SignalVariance, double NoiseVariance)? LastKernel { get; private set; }

    /// <inheritdoc />
    public IReadOnlyDictionary<string, Distribution> InferRelativeSearchSpace(Study study, FrozenTrial trial)
    {
        lock (_lock)
        {
            var space = new SortedDictionary<string, Distribution>(StringComparer.Ordinal);
            foreach (var (k, d) in _intersection.Calculate(study))
                if (!d.IsSingle) space[k] = d;
            return space;
        }
    }

    /// <inheritdoc />
    /// <exception cref="InvalidOperationException">The study has several objectives.</exception>
    public IReadOnlyDictionary<string, double> SampleRelative(Study study, FrozenTrial trial, IReadOnlyDictionary<string, Distribution> searchSpace)
    {
        if (study.IsMultiObjective) throw new InvalidOperationException("GpSampler supports single-objective studies only");
        var result = new Dictionary<string, double>(StringComparer.Ordinal);
        if (searchSpace.Count == 0) return result;
        var complete = study.GetTrials(TrialState.Complete);
        if (complete.Count < _options.NStartupTrials) return result;
        lock (_lock)
        {
            var space = new UnitSpaceTransform(searchSpace);
            var rows = complete.Where(space.Covers).ToList();
            if (rows.Count == 0) return result;
            int n = rows.Count, dim = space.ColumnCount;
            var x = new double[n * dim];
            var y = new double[n];
            double sign = study.Direction == StudyDirection.Minimize ? -1 : 1; // the GP maximizes
            for (int i = 0; i < n; i++)
            {
                space.Encode(rows[i].InternalParams, x.AsSpan(i * dim, dim));
                y[i] = sign * rows[i].Values![0];
            }
            Standardize(y);

            var fit = new GpKernelFit(x, n, dim, space.ParamOfColumn, space.ParamCount, y, MinimumNoise, _options.DeterministicObjective);
            string signature = string.Join(";", space.Names.Zip(space.Distributions, (k, d) => k + "=" + d));
            var kernel = FitKernel(fit, signature, space.ParamCount, _streams.For(trial, 1));
            LastKernel = (space.Names.Select((k, i) => (k, i)).ToDictionary(t => t.k, t => kernel.InverseSquaredLengthscales[t.i], StringComparer.Ordinal),
                kernel.SignalVariance, kernel.NoiseVariance);

            var gp = new GaussianProcess(x, n, dim, space.ParamOfColumn, y, kernel);
            int bestRow = 0;
            for (int i = 1; i < n; i++) if (y[i] > y[bestRow]) bestRow = i;
            var acquisition = new GpAcquisition(gp, space, y[bestRow]);
            var warm = new List<double[]> { x.AsSpan(bestRow * dim, dim).ToArray() };
            var best = acquisition.Maximize(_streams.For(trial, 1), _options.NCandidates, _options.NLocalSearch, warm);
            foreach (var (k, v) in space.Decode(best)) result[k] = v;
            return result;
        }
    }

    /// <inheritdoc />
    public double SampleIndependent(Study study, FrozenTrial trial, string paramName, Distribution distribution)
    {
        lock (_lock) return RandomSampler.Sample(_streams.For(trial, 0), distribution);
    }

    // Optuna's DEFAULT_MINIMUM_NOISE_VAR.
    private const double MinimumNoise = 1e-6;

    // Optuna refines the previous fit every trial (cheap: one new point moves the optimum little). Here a
    // full set of starts — the previous fit, the default (all ones) and random draws — runs on the first
    // fit of a space and every RefitInterval-th fit after it, or when the warm start fails.
    private GpKernelParams FitKernel(GpKernelFit fit, string signature, int groups, TuningRandom rng)
    {
        var warm = _lastFit is { } last && last.Signature == signature ? last.Params : null;
        GpKernelParams? kernel = null;
        if (warm is not null && ++_fitsSinceFull < RefitInterval)
        {
            var (p, loss) = fit.TryFit([warm]);
            if (double.IsFinite(loss)) kernel = p;
        }
        if (kernel is null)
        {
            var starts = new List<GpKernelParams>();
            if (warm is not null) starts.Add(warm);
            var defaults = new GpKernelParams(Enumerable.Repeat(1.0, groups).ToArray(), 1, 1);
            starts.Add(defaults);
            for (int k = 1; k < _options.KernelFitStarts; k++)
            {
                var theta = new double[groups];
                for (int g = 0; g < groups; g++) theta[g] = Math.Exp(rng.NextDouble(-2, 2));
                starts.Add(new GpKernelParams(theta, Math.Exp(rng.NextDouble(-2, 2)), Math.Exp(rng.NextDouble(-2, 2))));
            }
            var (p, loss) = fit.TryFit(starts);
            // Every start failing (a numerically singular kernel everywhere) leaves the default, as Optuna does.
            kernel = double.IsFinite(loss) ? p : defaults;
            _fitsSinceFull = 0;
        }
        _lastFit = (signature, kernel);
        return kernel;
    }

    // Fits between two full (multi-start) kernel fits.
    private const int RefitInterval = 10;

    // (y − mean)/max(std, 1e-10), population std as numpy's default (Optuna's standardization).
    private static void Standardize(double[] y)
    {
        double mean = y.Average();
        double var = 0;
        foreach (var v in y) var += (v - mean) * (v - mean);
        double std = Math.Max(Math.Sqrt(var / y.Length), 1e-10);
        for (int i = 0; i < y.Length; i++) y[i] = (y[i] - mean) / std;
    }
}
