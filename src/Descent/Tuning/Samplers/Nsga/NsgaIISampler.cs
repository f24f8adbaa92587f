using System.Globalization;

namespace Descent.Tuning;

/// <summary>
/// NSGA-II (Deb et al. 2002; Optuna's <c>NSGAIISampler</c>) for multi-objective (and single-objective)
/// studies. Every trial is tagged with a generation (<c>nsga2:generation</c>). Generation 0 is random;
/// once a generation has <see cref="NsgaIIOptions.PopulationSize"/> complete trials, the elite of it plus
/// the previous parents (non-dominated sorting, then crowding distance) becomes the parent population of
/// the next. A child takes two distinct parents chosen by binary tournament on (constrained) dominance,
/// recombines them (uniform crossover, or SBX for numeric parameters) with probability
/// <see cref="NsgaIIOptions.CrossoverProb"/> (else copies a random parent), and each of its parameters is
/// resampled at random (or, with <see cref="NsgaMutation.Polynomial"/>, perturbed by polynomial mutation) with the
/// mutation probability. The elite of each settled generation is cached in the study system attribute
/// <c>nsga2:population:&lt;g&gt;</c>, so workers share parents. Draws come from <see cref="SamplerStreams"/>: workers
/// sharing a storage, or a restarted study, breed different children, and a seed reproduces a given sequence of trial
/// numbers.
/// </summary>
public sealed class NsgaIISampler : ISampler
{
    /// <summary>Trial system attribute holding the trial's generation.</summary>
    public const string GenerationKey = "nsga2:generation";

    /// <summary>Prefix of the study system attributes caching each generation's elite (trial numbers).</summary>
    public const string PopulationCachePrefix = "nsga2:population:";

    private readonly Lock _lock = new();
    private readonly NsgaIIOptions _options;
    private readonly SamplerStreams _streams;   // 0: independent draws, 1: selection, crossover and mutation
    private readonly IntersectionSearchSpace _intersection = new();
    private readonly TaggedTrialIndex _index = new(GenerationKey);
    private (long TrialId, List<FrozenTrial> Parents)? _current;

    /// <summary>Creates an NSGA-II sampler with the default settings.</summary>
    public NsgaIISampler(long? seed = null) : this(new NsgaIIOptions { Seed = seed }) { }

    /// <summary>Creates an NSGA-II sampler.</summary>
    /// <exception cref="ArgumentException">A size or probability is out of range.</exception>
    public NsgaIISampler(NsgaIIOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        if (options.PopulationSize < 2) throw new ArgumentException($"PopulationSize must be >= 2, got {options.PopulationSize}", nameof(options));
        if (options.MutationProb is double m && !(m >= 0 && m <= 1)) throw new ArgumentException($"MutationProb must be in [0, 1], got {m}", nameof(options));
        if (!(options.CrossoverProb >= 0 && options.CrossoverProb <= 1)) throw new ArgumentException($"CrossoverProb must be in [0, 1], got {options.CrossoverProb}", nameof(options));
        if (!(options.SwappingProb >= 0 && options.SwappingProb <= 1)) throw new ArgumentException($"SwappingProb must be in [0, 1], got {options.SwappingProb}", nameof(options));
        if (!(options.SbxEta > 0)) throw new ArgumentException($"SbxEta must be positive, got {options.SbxEta}", nameof(options));
        if (!(options.MutationEta > 0)) throw new ArgumentException($"MutationEta must be positive, got {options.MutationEta}", nameof(options));
        _options = options;
        _streams = new SamplerStreams(options.Seed, s => SamplerStreams.Split(s, 2));
    }

    private bool Constrained => _options.ConstraintsFunc is not null;

    /// <inheritdoc />
    public void BeforeTrial(Study study, FrozenTrial trial)
    {
        // The generation is fixed when the trial starts (also for trials whose relative space is empty).
        lock (_lock)
        {
            var (parentGeneration, parents) = CollectParents(study);
            study.Storage.SetTrialSystemAttr(trial.TrialId, GenerationKey, (long)(parentGeneration + 1));
            _current = (trial.TrialId, parents);
        }
    }

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
    public IReadOnlyDictionary<string, double> SampleRelative(Study study, FrozenTrial trial, IReadOnlyDictionary<string, Distribution> searchSpace)
    {
        var result = new Dictionary<string, double>(StringComparer.Ordinal);
        lock (_lock)
        {
            var parents = _current is { } c && c.TrialId == trial.TrialId ? c.Parents : CollectParents(study).Parents;
            var usable = parents.Where(t => searchSpace.All(kv => t.InternalParams.TryGetValue(kv.Key, out var v) && kv.Value.Contains(v))).ToList();
            if (searchSpace.Count == 0 || usable.Count < 2) return result;
            var rng = _streams.For(trial, 1);

            Dictionary<string, double> child;
            if (rng.NextDouble() < _options.CrossoverProb)
            {
                child = Crossover(study, usable, searchSpace, rng);
            }
            else
            {
                var parent = usable[rng.NextInt(usable.Count)];
                child = searchSpace.Keys.ToDictionary(k => k, k => parent.InternalParams[k], StringComparer.Ordinal);
            }
            double mutation = _options.MutationProb ?? 1.0 / Math.Max(1, child.Count);
            if (_options.Mutation == NsgaMutation.Polynomial) return Mutate(child, searchSpace, mutation, rng);
            foreach (var name in searchSpace.Keys.Order(StringComparer.Ordinal))
                if (rng.NextDouble() >= mutation) result[name] = child[name];
            return result;
        }
    }

    /// <inheritdoc />
    public double SampleIndependent(Study study, FrozenTrial trial, string paramName, Distribution distribution)
    {
        lock (_lock) return RandomSampler.Sample(_streams.For(trial, 0), distribution);
    }

    /// <inheritdoc />
    public void AfterTrial(Study study, FrozenTrial trial, TrialState state, IReadOnlyList<double>? values)
    {
        if (_options.ConstraintsFunc is not { } constraints || state != TrialState.Complete) return;
        var c = constraints(trial with { Values = values, State = state });
        if (c is null || c.Length == 0) throw new InvalidOperationException("ConstraintsFunc must return at least one value");
        study.Storage.SetTrialSystemAttr(trial.TrialId, NsgaSelection.ConstraintsKey, c);
    }

    // Walks the generations: while generation g has a full population of complete trials, the parents
    // become the elite of (g's trials ∪ previous parents). Returns the last settled generation (−1: none).
    // Trials are read incrementally (finished ones never change), so the cost per trial does not grow with the study.
    private (int Generation, List<FrozenTrial> Parents) CollectParents(Study study)
    {
        _index.Read(study);
        var cache = study.SystemAttrs;
        var byNumber = new Dictionary<int, FrozenTrial>();
        var parents = new List<FrozenTrial>();
        int generation = -1;
        while (true)
        {
            int g = generation + 1;
            var population = _index.Complete(g).Where(t => t.HasFiniteValues(study.Directions.Count)).ToList();
            if (population.Count < _options.PopulationSize) break;
            foreach (var t in population) byNumber[t.Number] = t;
            string key = PopulationCachePrefix + g.ToString(CultureInfo.InvariantCulture);
            if (cache.TryGetValue(key, out var cached) && cached is IReadOnlyList<object?> numbers
                && numbers.All(n => n is long or double && byNumber.ContainsKey((int)Convert.ToInt64(n, CultureInfo.InvariantCulture))))
            {
                parents = numbers.Select(n => byNumber[(int)Convert.ToInt64(n, CultureInfo.InvariantCulture)]).ToList();
            }
            else
            {
                parents = NsgaSelection.SelectElite(population.Concat(parents).ToList(), _options.PopulationSize, study.Directions, Constrained);
                // Cache only a settled generation: a running member could still join it.
                if (!_index.HasUnfinished(g)) study.SetSystemAttr(key, parents.Select(t => (long)t.Number).ToList());
            }
            generation = g;
        }
        return (generation, parents);
    }

    // Optuna's perform_crossover: two distinct parents by tournament; categoricals cross uniformly, numeric
    // parameters by the configured operator in the unit-cube encoding; children are decoded onto the grid.
    private Dictionary<string, double> Crossover(Study study, List<FrozenTrial> parents, IReadOnlyDictionary<string, Distribution> space, TuningRandom rng)
    {
        var first = Tournament(study, parents, rng);
        var second = Tournament(study, parents.Where(t => !ReferenceEquals(t, first)).ToList(), rng);
        var child = new Dictionary<string, double>(StringComparer.Ordinal);
        var numeric = new SortedDictionary<string, Distribution>(StringComparer.Ordinal);
        foreach (var name in space.Keys.Order(StringComparer.Ordinal))
        {
            if (space[name] is CategoricalDistribution)
                child[name] = (rng.NextDouble() < _options.SwappingProb ? second : first).InternalParams[name];
            else
                numeric[name] = space[name];
        }
        if (numeric.Count == 0) return child;
        var unit = new UnitSpaceTransform(numeric, oneHot: false);
        for (int p = 0; p < unit.ParamCount; p++)
        {
            string name = unit.Names[p];
            double a = unit.ToUnit(p, first.InternalParams[name]), b = unit.ToUnit(p, second.InternalParams[name]);
            double u = _options.Crossover == NsgaCrossover.Uniform
                ? (rng.NextDouble() < _options.SwappingProb ? b : a)
                : SimulatedBinary(a, b, rng);
            child[name] = unit.FromUnit(p, u);
        }
        return child;
    }

    // Deb's polynomial mutation of each numeric parameter with probability `probability` (on the unit-cube encoding,
    // decoded onto the grid); categoricals are redrawn from the other choices with the same probability.
    private Dictionary<string, double> Mutate(Dictionary<string, double> child, IReadOnlyDictionary<string, Distribution> space, double probability,
        TuningRandom rng)
    {
        var genes = new GeneSpace(space);
        for (int g = 0; g < genes.Count; g++)
        {
            string name = genes.Names[g];
            if (rng.NextDouble() >= probability) continue;
            if (genes.IsCategorical(g))
            {
                int n = genes.ChoiceCount(g), other = rng.NextInt(n - 1);
                child[name] = other >= (int)child[name] ? other + 1 : other;
            }
            else
            {
                child[name] = genes.FromUnit(g, EvolutionOperators.PolynomialMutation(genes.ToUnit(g, child[name]), _options.MutationEta, rng));
            }
        }
        return child;
    }

    private FrozenTrial Tournament(Study study, List<FrozenTrial> population, TuningRandom rng)
    {
        var a = population[rng.NextInt(population.Count)];
        var b = population[rng.NextInt(population.Count)];
        return NsgaSelection.Dominates(a, b, study.Directions, Constrained) ? a : b;
    }

    // With probability ½ the variable is recombined by bounded SBX (Deb's NSGA-II reference code); one of the two
    // children is returned at random.
    private double SimulatedBinary(double a, double b, TuningRandom rng)
    {
        if (rng.NextDouble() > 0.5 || Math.Abs(a - b) <= 1e-14) return a;
        var (low, high) = EvolutionOperators.SimulatedBinary(a, b, _options.SbxEta, rng);
        return rng.NextDouble() < 0.5 ? low : high;
    }
}
