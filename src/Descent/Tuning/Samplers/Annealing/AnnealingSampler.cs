using System.Globalization;

namespace Descent.Tuning;

/// <summary>
/// <see cref="SimulatedAnnealing"/> as a study sampler (single objective). Annealing is one sequential chain, so the
/// chain lives in storage: its origin is the first complete trial of the study (sampled at random, as every parameter
/// outside the relative space), and chain step s ≥ 1 is evaluated by the trial tagged <c>sa:step = s</c>, whose
/// parameters are the chain's proposal; the first such trial also records the chain's seed, origin and search space.
/// Every sampler rebuilds the chain by replaying the finished steps into a <see cref="SimulatedAnnealing"/> run with the
/// recorded seed (a failed or pruned step counts as +∞), which is exact because a run is a pure function of its seed
/// and the values told. A new trial claims the chain's next step; when another worker's trial already holds that step
/// and is still running, the new trial is a stray: a polynomial mutation of the best point so far, drawn from the random
/// stream of its trial number, which joins the chain only through the best value. With one worker every trial after
/// the first is a chain step, so the study runs exactly the ask/tell optimizer; a killed worker's step fails (with
/// heartbeats) and the chain moves on; a restarted worker replays the chain and continues it.
/// </summary>
public sealed class AnnealingSampler : ISampler
{
    /// <summary>Trial system attribute: the chain step the trial evaluates.</summary>
    public const string StepKey = "sa:step";

    /// <summary>Trial system attribute of step 1: the chain's seed.</summary>
    public const string SeedKey = "sa:seed";

    /// <summary>Trial system attribute of step 1: the number of the trial the chain starts from.</summary>
    public const string OriginKey = "sa:origin";

    /// <summary>Trial system attribute of step 1: the search space of the chain.</summary>
    public const string SpaceKey = "sa:space";

    private readonly Lock _lock = new();
    private readonly AnnealingOptions _options;
    private readonly long _seed;
    private readonly IntersectionSearchSpace _intersection = new();
    private readonly TaggedTrialIndex _index = new(StepKey);
    private (long Seed, int Origin, string Space)? _chainKey;
    private SimulatedAnnealing? _chain;

    /// <summary>Creates an annealing sampler with the default settings.</summary>
    public AnnealingSampler(long? seed = null) : this(new AnnealingOptions { Seed = seed }) { }

    /// <summary>Creates an annealing sampler.</summary>
    /// <exception cref="ArgumentException">An option is out of range.</exception>
    public AnnealingSampler(AnnealingOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        options.Validate();
        _options = options;
        _seed = options.Seed ?? new TuningRandom().NextSeed();
    }

    /// <inheritdoc />
    public IReadOnlyDictionary<string, Distribution> InferRelativeSearchSpace(Study study, FrozenTrial trial)
    {
        if (study.IsMultiObjective) throw new InvalidOperationException("AnnealingSampler supports single-objective studies only");
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
            var space = new GeneSpace(searchSpace);
            _index.Read(study);
            double sign = study.Direction == StudyDirection.Minimize ? 1 : -1;
            var first = _index.Finished(1).Concat(_index.Unfinished(1)).OrderBy(t => t.Number).FirstOrDefault(t => Attr(t, SeedKey) is not null);
            (long Seed, int Origin, string Space) key;
            if (first is not null)
            {
                key = (Attr(first, SeedKey)!.Value, (int)(Attr(first, OriginKey) ?? -1), first.SystemAttrs.TryGetValue(SpaceKey, out var sp) ? sp as string ?? "" : "");
            }
            else
            {
                var origin = study.Storage.GetAllTrials(study.StudyId, [TrialState.Complete])
                    .Where(t => t.HasFiniteValues(1) && space.FromParams(t.InternalParams) is not null).MinBy(t => t.Number);
                if (origin is null) return new Dictionary<string, double>();
                key = (_seed, origin.Number, space.Signature());
            }
            if (key.Space != space.Signature()) return Stray(space, trial);
            var chain = Chain(study, space, key, sign);
            if (chain is null) return Stray(space, trial);

            // Replay the finished steps; stop at the first step no finished trial evaluated as proposed.
            while (true)
            {
                long step = chain.Evaluations;
                var proposal = chain.Ask();
                var done = _index.Finished(step).FirstOrDefault(t => Matches(space, t, proposal));
                if (done is null) break;
                chain.Tell(done.State == TrialState.Complete && done.HasFiniteValues(1) ? sign * done.Values![0] : double.PositiveInfinity);
            }
            long next = chain.Evaluations;
            var proposed = chain.Ask();
            // Another running trial holds the step (its parameters may not be stored yet): this one explores beside it.
            if (_index.Unfinished(next).Any(t => t.TrialId != trial.TrialId)) return Stray(space, trial);
            study.Storage.SetTrialSystemAttr(trial.TrialId, StepKey, next);
            if (next == 1)
            {
                study.Storage.SetTrialSystemAttr(trial.TrialId, SeedKey, key.Seed);
                study.Storage.SetTrialSystemAttr(trial.TrialId, OriginKey, (long)key.Origin);
                study.Storage.SetTrialSystemAttr(trial.TrialId, SpaceKey, key.Space);
            }
            return space.ToParams(proposed);
        }
    }

    /// <inheritdoc />
    public double SampleIndependent(Study study, FrozenTrial trial, string paramName, Distribution distribution)
    {
        ArgumentNullException.ThrowIfNull(trial);
        ArgumentNullException.ThrowIfNull(paramName);
        return RandomSampler.Sample(RandomStreams.ForParameter(_seed, trial.Number, paramName), distribution);
    }

    // The replayed chain for key, rebuilt when the key changed (another study, a new chain); null if the origin is gone.
    private SimulatedAnnealing? Chain(Study study, GeneSpace space, (long Seed, int Origin, string Space) key, double sign)
    {
        if (_chain is not null && _chainKey == key) return _chain;
        FrozenTrial origin;
        try
        {
            origin = study.Storage.GetTrial(study.Storage.GetTrialIdFromNumber(study.StudyId, key.Origin));
        }
        catch (KeyNotFoundException)
        {
            return null;
        }
        if (space.FromParams(origin.InternalParams) is not { } x0 || !origin.HasFiniteValues(1)) return null;
        _chain = new SimulatedAnnealing(space, _options with { Seed = key.Seed }, x0);
        _chain.Ask();
        _chain.Tell(sign * origin.Values![0]);
        _chainKey = key;
        return _chain;
    }

    // A trial off the chain: a polynomial mutation of the best point so far (or a random point), from the trial's stream.
    private IReadOnlyDictionary<string, double> Stray(GeneSpace space, FrozenTrial trial)
    {
        var rng = RandomStreams.For(_seed, trial.Number);
        var operators = new RealCodedOperators(space);
        var best = _chain is not null && _chain.Space.Signature() == space.Signature() ? _chain.BestGenome : null;
        return space.ToParams(best is null ? operators.Random(rng) : operators.Mutate(best, rng));
    }

    private static bool Matches(GeneSpace space, FrozenTrial trial, double[] genome) =>
        space.FromParams(trial.InternalParams) is { } g && g.AsSpan().SequenceEqual(genome);

    private static long? Attr(FrozenTrial t, string key) =>
        t.SystemAttrs.TryGetValue(key, out var v) && v is long or double ? Convert.ToInt64(v, CultureInfo.InvariantCulture) : null;
}
