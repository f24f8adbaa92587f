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
/// The sampler reads only new and unfinished trials on each call (finished ones are immutable) and keeps
/// the strategy it last restored or stored in memory; it deserializes a state only when another worker
/// stored a newer one (or the study changed), so one worker's steady state costs O(λ), not O(trials).
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
    private readonly SamplerStreams _independent;
    private readonly IntersectionSearchSpace _intersection;
    private readonly CmaEsTrialIndex _trials;

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
        _independent = new SamplerStreams(_seed, s => [new TuningRandom(RandomStreams.Derive(s, 0))]);
        _intersection = new IntersectionSearchSpace(includePruned: options.ConsiderPrunedTrials);
        _trials = new CmaEsTrialIndex(options.ConsiderPrunedTrials);
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
        lock (_lock)
        {
            var summary = _trials.Read(study);
            if (summary.Learnable < _options.NStartupTrials) return result;
            var space = new UnitSpaceTransform(searchSpace, oneHot: false);
            string signature = string.Join(";", space.Names.Zip(space.Distributions, (k, d) => k + "=" + d));
            var (state, storedIn) = Restore(summary, signature, space);

            // The generation's first λ complete trials (by number) that lie in this space.
            var members = new List<FrozenTrial>(state.PopulationSize);
            foreach (var t in _trials.Members(state.Restart, state.Generation))
            {
                if (members.Count == state.PopulationSize) break;
                if (space.Covers(t)) members.Add(t);
            }
            if (members.Count == state.PopulationSize)
            {
                double sign = study.Direction == StudyDirection.Minimize ? 1 : -1;
                var solutions = new List<(double[] X, double Value)>(members.Count);
                foreach (var t in members)
                {
                    var x = new double[space.ParamCount];
                    space.Encode(t.InternalParams, x);
                    solutions.Add((x, sign * t.Values![0]));
                }
                // The remembered object is about to change: forget it until the new state is stored.
                _trials.Forget();
                state.Tell(solutions);
                if (_options.RestartStrategy == CmaRestartStrategy.Ipop && state.ShouldStop())
                    state = NewRun(space, state.Restart + 1, state.PopulationSize * _options.IncPopSize);
                storedIn = null;
            }
            bool storedNow = storedIn is null;
            if (storedNow) study.Storage.SetTrialSystemAttr(trial.TrialId, StateKey, state.ToAttr(signature));

            var point = state.Ask(new TuningRandom(Derive(2L * trial.Number + 2)));
            // ShouldStop may have decomposed C after the update (rewriting C from its eigenvectors) before it
            // was stored: this trial's draw uses that decomposition, later ones re-derive it from C as stored,
            // exactly as a sampler restoring the state from storage does.
            if (storedNow) state.DiscardDecomposition();
            _trials.Remember(storedIn ?? trial.TrialId, signature, state);
            study.Storage.SetTrialSystemAttr(trial.TrialId, RestartKey, (long)state.Restart);
            study.Storage.SetTrialSystemAttr(trial.TrialId, GenerationKey, (long)state.Generation);
            for (int p = 0; p < space.ParamCount; p++) result[space.Names[p]] = space.FromUnit(p, point[p]);
            return result;
        }
    }

    /// <inheritdoc />
    public double SampleIndependent(Study study, FrozenTrial trial, string paramName, Distribution distribution)
    {
        lock (_lock) return RandomSampler.Sample(_independent.For(trial, 0), distribution);
    }

    // The latest stored state (largest restart, then generation) if it belongs to this search space —
    // the remembered object when it is the one stored there, else deserialized — with the id of the trial
    // holding it; otherwise a fresh run numbered past every run seen, so old trials never join it.
    private (CmaEvolutionStrategy State, long? StoredIn) Restore(CmaEsTrialIndex.Summary summary, string signature, UnitSpaceTransform space)
    {
        if (summary.LatestState is { } latest && latest.TryGetValue("space", out var sp) && sp as string == signature)
        {
            if (_trials.CachedStrategy(summary.LatestTrialId, summary.LatestRestart, summary.LatestGeneration, signature) is { } cached)
                return (cached, summary.LatestTrialId);
            if (CmaEvolutionStrategy.FromAttr(latest) is { } restored) return (restored, summary.LatestTrialId);
        }
        int popsize = _options.PopulationSize ?? DefaultPopulationSize(space.ParamCount);
        return (NewRun(space, (int)(summary.MaxRestart + 1), popsize, first: summary.MaxRestart < 0), null);
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

    private long Derive(long stream) => RandomStreams.Derive(_seed, stream);
}
