namespace Descent.Tuning;

/// <summary>
/// The genetic algorithm of <see cref="GeneticAlgorithm{T}"/> (pymoo's GA by default: binary tournaments, simulated
/// binary crossover, polynomial mutation, duplicates eliminated, (μ + λ) survival) as a study sampler, for
/// single-objective studies over float, int and categorical parameters (<see cref="RealCodedOperators"/>).
/// Every trial is tagged with a generation (<c>ga:generation</c>) when it starts. Generation 0 is random; once a
/// generation has <see cref="GeneticAlgorithmOptions.PopulationSize"/> complete trials (or, later, its offspring count),
/// survival over it and the previous parents gives the parents of the next. Parents are recomputed from the trials in
/// storage, so workers sharing a study share the population as with NSGA-II; a generation's survivors are remembered
/// once none of its trials is running. Each trial's child — and each parameter sampled outside the relative space — is
/// drawn from the random stream of the trial number, so workers and restarted workers with one seed agree on every
/// trial, and no draw depends on which worker ran what.
/// </summary>
public sealed class GeneticSampler : ISampler
{
    /// <summary>Trial system attribute holding the trial's generation.</summary>
    public const string GenerationKey = "ga:generation";

    private readonly Lock _lock = new();
    private readonly GeneticAlgorithmOptions _options;
    private readonly RealCodedOptions _operatorOptions;
    private readonly long _seed;
    private readonly IntersectionSearchSpace _intersection = new();
    private readonly TaggedTrialIndex _index = new(GenerationKey);
    private readonly List<List<Individual<FrozenTrial>>> _settled = [];
    private (long TrialId, long Generation, List<Individual<FrozenTrial>> Parents)? _current;
    private (IStudyStorage Storage, long StudyId)? _owner;

    /// <summary>Creates a GA sampler with pymoo's defaults.</summary>
    public GeneticSampler(long? seed = null) : this(new GeneticAlgorithmOptions { Seed = seed }) { }

    /// <summary>Creates a GA sampler.</summary>
    /// <exception cref="ArgumentException">An option is out of range.</exception>
    public GeneticSampler(GeneticAlgorithmOptions options, RealCodedOptions? operators = null)
    {
        ArgumentNullException.ThrowIfNull(options);
        options.Validate();
        _options = options;
        _operatorOptions = operators ?? new RealCodedOptions();
        _operatorOptions.Validate();
        _seed = options.Seed ?? new TuningRandom().NextSeed();
    }

    /// <inheritdoc />
    /// <exception cref="InvalidOperationException">The study has several objectives.</exception>
    public void BeforeTrial(Study study, FrozenTrial trial)
    {
        if (study.IsMultiObjective) throw new InvalidOperationException("GeneticSampler supports single-objective studies only; use nsga2 for several objectives");
        lock (_lock)
        {
            var (generation, parents) = CollectParents(study);
            study.Storage.SetTrialSystemAttr(trial.TrialId, GenerationKey, generation + 1);
            _current = (trial.TrialId, generation + 1, parents);
        }
    }

    /// <inheritdoc />
    public IReadOnlyDictionary<string, Distribution> InferRelativeSearchSpace(Study study, FrozenTrial trial)
    {
        lock (_lock)
        {
            return _intersection.CalculateVarying(study);
        }
    }

    /// <inheritdoc />
    public IReadOnlyDictionary<string, double> SampleRelative(Study study, FrozenTrial trial, IReadOnlyDictionary<string, Distribution> searchSpace)
    {
        if (searchSpace.Count == 0) return new Dictionary<string, double>();
        lock (_lock)
        {
            long generation;
            List<Individual<FrozenTrial>> parents;
            if (_current is { } c && c.TrialId == trial.TrialId) (generation, parents) = (c.Generation, c.Parents);
            else
            {
                (generation, parents) = CollectParents(study);
                generation++;
            }
            var space = new GeneSpace(searchSpace);
            var operators = new RealCodedOperators(space, _operatorOptions);
            var usable = new List<Individual<double[]>>(parents.Count);
            foreach (var p in parents)
                if (space.FromParams(p.Genome.InternalParams) is { } genome) usable.Add(new Individual<double[]>(genome, p.Fitness, p.Number, p.Generation));
            var known = new HashSet<double[]>(usable.Select(p => p.Genome), operators.Comparer);
            foreach (var t in _index.Complete(generation).Concat(_index.Unfinished(generation)))
                if (t.TrialId != trial.TrialId && space.FromParams(t.InternalParams) is { } sibling) known.Add(sibling);

            var rng = RandomStreams.For(_seed, trial.Number);
            double[] child;
            if (usable.Count == 0)
            {
                child = operators.Random(rng);
                for (int attempt = 1; _options.EliminateDuplicates && known.Contains(child) && attempt < GeneticBreeding.MaxAttempts; attempt++)
                    child = operators.Random(rng);
            }
            else
            {
                child = GeneticBreeding.Child(usable, GeneticBreeding.Fitness(usable), operators, _options, rng, known.Contains);
            }
            return space.ToParams(child);
        }
    }

    /// <inheritdoc />
    public double SampleIndependent(Study study, FrozenTrial trial, string paramName, Distribution distribution)
    {
        ArgumentNullException.ThrowIfNull(trial);
        ArgumentNullException.ThrowIfNull(paramName);
        return RandomSampler.Sample(RandomStreams.ForParameter(_seed, trial.Number, paramName), distribution);
    }

    // Walks the generations: while generation g has a full batch of complete trials, the parents become the survivors
    // of (parents ∪ g's complete trials). Returns the last such generation (−1: none) and its survivors.
    private (long Generation, List<Individual<FrozenTrial>> Parents) CollectParents(Study study)
    {
        if (_owner != (study.Storage, study.StudyId))
        {
            _owner = (study.Storage, study.StudyId);
            _settled.Clear();
        }
        _index.Read(study);
        double sign = study.Direction == StudyDirection.Minimize ? 1 : -1;
        // Resume the walk after the last generation settled in an unbroken run from generation 0.
        long generation = _settled.Count - 1;
        var parents = generation >= 0 ? _settled[(int)generation] : [];
        while (true)
        {
            long g = generation + 1;
            var members = _index.Complete(g);
            int needed = g == 0 ? _options.PopulationSize : _options.Offspring;
            if (members.Count < needed) break;
            var offspring = members.Select(t => new Individual<FrozenTrial>(t, sign * t.Values![0], t.Number, (int)g)).ToList();
            parents = g == 0
                ? GeneticBreeding.Survive([], offspring, _options with { Survival = GeneticSurvival.MuPlusLambda }, TrialParamsComparer.Instance)
                : GeneticBreeding.Survive(parents, offspring, _options, TrialParamsComparer.Instance);
            // Remember only a settled generation (a running member could still join it) whose parents were settled too.
            if (_settled.Count == g && !_index.HasUnfinished(g)) _settled.Add(parents);
            generation = g;
        }
        return (generation, parents);
    }

    // Two trials are the same individual when they hold the same internal parameter values.
    private sealed class TrialParamsComparer : IEqualityComparer<FrozenTrial>
    {
        public static readonly TrialParamsComparer Instance = new();

        public bool Equals(FrozenTrial? x, FrozenTrial? y) =>
            x is null ? y is null : y is not null && x.InternalParams.Count == y.InternalParams.Count
                && x.InternalParams.All(kv => y.InternalParams.TryGetValue(kv.Key, out var v) && v.Equals(kv.Value));

        public int GetHashCode(FrozenTrial obj)
        {
            int h = 0;
            foreach (var (k, v) in obj.InternalParams) h ^= HashCode.Combine(StringComparer.Ordinal.GetHashCode(k), v);
            return h;
        }
    }
}
