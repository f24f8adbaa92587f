namespace Descent.Tuning;

/// <summary>
/// CMA-ES sampler (Hansen's tutorial 2016; Optuna's <c>CmaEsSampler</c> over the <c>cmaes</c> library).
/// The numeric parameters shared by all finished trials are mapped into the unit cube (log-scaled for log
/// ranges, ±½ step for ints and stepped floats) and searched jointly by a full-covariance evolution
/// strategy; categorical parameters and those outside that space are sampled at random. Each trial
/// records its run and generation (<c>cma:restart</c>, <c>cma:generation</c>); once a generation has λ
/// complete trials, the next trial updates the strategy and stores the new state in its own system
/// attribute <c>cma:state</c>, so every worker reading the storage continues the same run (as Optuna
/// does). With <see cref="CmaRestartStrategy.Ipop"/> a converged run restarts from a random mean with a
/// doubled population. Single-objective only; reproducible for a seed with one worker.
/// </summary>
public sealed class CmaEsSampler : ISampler
{
    /// <summary>Trial system attribute holding the strategy state written by that trial.</summary>
    public const string StateKey = "cma:state";

    /// <summary>Trial system attribute: the run (restart index) the trial's point was drawn from.</summary>
    public const string RestartKey = "cma:restart";

    /// <summary>Trial system attribute: the generation the trial's point was drawn from.</summary>
    public const string GenerationKey = "cma:generation";

    private readonly Lock _lock = new();
    private readonly CmaEsOptions _options;
    private readonly long _seed;
    private readonly TuningRandom _independentRng;
    private readonly IntersectionSearchSpace _intersection;

    /// <summary>Creates a CMA-ES sampler with the default settings.</summary>
    public CmaEsSampler(long? seed = null) : this(new CmaEsOptions { Seed = seed }) { }

    /// <summary>Creates a CMA-ES sampler.</summary>
    /// <exception cref="ArgumentException">Invalid population size, step size, startup count or increase factor.</exception>
    public CmaEsSampler(CmaEsOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        if (options.PopulationSize is int p && p < 2) throw new ArgumentException($"PopulationSize must be >= 2, got {p}", nameof(options));
        if (options.Sigma0 is double s && !(s > 0 && double.IsFinite(s))) throw new ArgumentException($"Sigma0 must be positive, got {s}", nameof(options));
        if (options.NStartupTrials < 0) throw new ArgumentException($"NStartupTrials must be >= 0, got {options.NStartupTrials}", nameof(options));
        if (options.IncPopSize < 1) throw new ArgumentException($"IncPopSize must be >= 1, got {options.IncPopSize}", nameof(options));
        _options = options;
        _seed = options.Seed ?? new TuningRandom().NextSeed();
        _independentRng = new TuningRandom(Derive(0));
        _intersection = new IntersectionSearchSpace(includePruned: options.ConsiderPrunedTrials);
    }

    /// <summary>Hansen's default population size 4 + ⌊3 ln n⌋.</summary>
    public static int DefaultPopulationSize(int dimensions) => 4 + (int)Math.Floor(3 * Math.Log(dimensions));

    /// <inheritdoc />
    public IReadOnlyDictionary<string, Distribution> InferRelativeSearchSpace(Study study, FrozenTrial trial)
    {
        lock (_lock)
        {
            var space = new SortedDictionary<string, Distribution>(StringComparer.Ordinal);
            // Categoricals have no place in a Gaussian search distribution: they are sampled independently.
            foreach (var (k, d) in _intersection.Calculate(study))
                if (!d.IsSingle && d is not CategoricalDistribution) space[k] = d;
            return space;
        }
    }

    /// <inheritdoc />
    /// <exception cref="InvalidOperationException">The study has several objectives.</exception>
    public IReadOnlyDictionary<string, double> SampleRelative(Study study, FrozenTrial trial, IReadOnlyDictionary<string, Distribution> searchSpace)
    {
        if (study.IsMultiObjective) throw new InvalidOperationException("CmaEsSampler supports single-objective studies only");
        var result = new Dictionary<string, double>(StringComparer.Ordinal);
        if (searchSpace.Count == 0) return result;
        var all = study.Trials;
        var learnable = all.Where(IsLearnable).ToList();
        if (learnable.Count < _options.NStartupTrials) return result;
        lock (_lock)
        {
            var space = new UnitSpaceTransform(searchSpace, oneHot: false);
            string signature = string.Join(";", space.Names.Zip(space.Distributions, (k, d) => k + "=" + d));
            var (state, stored) = Restore(all, signature, space);

            var solutions = learnable
                .Where(t => AttrInt(t, RestartKey) == state.Restart && AttrInt(t, GenerationKey) == state.Generation && space.Covers(t))
                .OrderBy(t => t.Number).Take(state.PopulationSize).ToList();
            if (solutions.Count == state.PopulationSize)
            {
                double sign = study.Direction == StudyDirection.Minimize ? 1 : -1;
                state.Tell(solutions.Select(t =>
                {
                    var x = new double[space.ParamCount];
                    space.Encode(t.InternalParams, x);
                    return (x, sign * t.Values![0]);
                }).ToList());
                if (_options.RestartStrategy == CmaRestartStrategy.Ipop && state.ShouldStop())
                    state = NewRun(space, state.Restart + 1, state.PopulationSize * _options.IncPopSize);
                stored = false;
            }
            if (!stored) study.Storage.SetTrialSystemAttr(trial.TrialId, StateKey, state.ToAttr(signature));

            var point = state.Ask(new TuningRandom(Derive(2L * trial.Number + 2)));
            study.Storage.SetTrialSystemAttr(trial.TrialId, RestartKey, (long)state.Restart);
            study.Storage.SetTrialSystemAttr(trial.TrialId, GenerationKey, (long)state.Generation);
            for (int p = 0; p < space.ParamCount; p++) result[space.Names[p]] = space.FromUnit(p, point[p]);
            return result;
        }
    }

    /// <inheritdoc />
    public double SampleIndependent(Study study, FrozenTrial trial, string paramName, Distribution distribution)
    {
        lock (_lock) return RandomSampler.Sample(_independentRng, distribution);
    }

    private bool IsLearnable(FrozenTrial t) =>
        (t.State == TrialState.Complete || (_options.ConsiderPrunedTrials && t.State == TrialState.Pruned)) && t.Values is { Count: 1 };

    // The latest stored state (largest restart, then generation) if it belongs to this search space;
    // otherwise a fresh run numbered past every run seen, so old trials never join it.
    private (CmaEvolutionStrategy State, bool Stored) Restore(IReadOnlyList<FrozenTrial> trials, string signature, UnitSpaceTransform space)
    {
        IReadOnlyDictionary<string, object?>? latest = null;
        long latestRestart = -1, latestGeneration = -1, maxRestart = -1;
        foreach (var t in trials)
        {
            maxRestart = Math.Max(maxRestart, AttrInt(t, RestartKey) ?? -1);
            if (!t.SystemAttrs.TryGetValue(StateKey, out var v) || v is not IReadOnlyDictionary<string, object?> map) continue;
            long r = Num(map, "restart"), g = Num(map, "generation");
            maxRestart = Math.Max(maxRestart, r);
            if (r > latestRestart || (r == latestRestart && g > latestGeneration)) { latest = map; latestRestart = r; latestGeneration = g; }
        }
        if (latest is not null && latest.TryGetValue("space", out var sp) && sp as string == signature && CmaEvolutionStrategy.FromAttr(latest) is { } restored)
            return (restored, true);
        int popsize = _options.PopulationSize ?? DefaultPopulationSize(space.ParamCount);
        return (NewRun(space, (int)(maxRestart + 1), popsize, first: maxRestart < 0), false);
    }

    // The first run starts at X0 (else the centre); restarts start at a uniformly random point drawn from a
    // stream that depends only on the seed and the restart index, so cooperating workers agree.
    private CmaEvolutionStrategy NewRun(UnitSpaceTransform space, int restart, int populationSize, bool first = false)
    {
        var mean = new double[space.ParamCount];
        if (first)
        {
            for (int p = 0; p < mean.Length; p++)
            {
                mean[p] = 0.5;
                if (_options.X0 is { } x0 && x0.TryGetValue(space.Names[p], out var v))
                    mean[p] = space.ToUnit(p, space.Distributions[p].ToInternal(v));
            }
        }
        else
        {
            var rng = new TuningRandom(Derive(2L * restart + 1));
            for (int p = 0; p < mean.Length; p++) mean[p] = rng.NextDouble();
        }
        return new CmaEvolutionStrategy(mean, _options.Sigma0 ?? 1.0 / 6, populationSize, restart);
    }

    private long Derive(long stream) => unchecked(_seed ^ (stream + 1) * (long)0x9E3779B97F4A7C15UL);

    private static long? AttrInt(FrozenTrial t, string key) =>
        t.SystemAttrs.TryGetValue(key, out var v) && v is long or double ? Convert.ToInt64(v, System.Globalization.CultureInfo.InvariantCulture) : null;

    private static long Num(IReadOnlyDictionary<string, object?> map, string key) =>
        map.TryGetValue(key, out var v) && v is long or double ? Convert.ToInt64(v, System.Globalization.CultureInfo.InvariantCulture) : -1;
}
