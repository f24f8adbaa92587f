using Descent.Tuning;

namespace Descent.Search.Architecture;

/// <summary>
/// Base of the architecture search strategies as study samplers. When a trial starts, the strategy plans the candidate it
/// wants evaluated — a complete set of decisions, found by running the <see cref="ArchitectureSpace"/> on the plan —
/// from the finished trials in storage and the random stream of the trial number (so workers sharing a study, and
/// restarted ones, agree); the trial then takes each decision from the plan as the space asks for it. The plan's parents
/// are recorded in the trial system attribute <c>arch:parents</c> (the lineage the report draws). Decisions outside the
/// plan are drawn at random (or by the strategy's policy).
/// </summary>
public abstract class ArchitectureSampler : ISampler
{
    /// <summary>Trial system attribute: the numbers of the trials a candidate was derived from.</summary>
    public const string ParentsKey = "arch:parents";

    /// <summary>Trial system attribute: the decision a mutation changed.</summary>
    public const string MutationKey = "arch:mutation";

    /// <summary>Redraws of a planned candidate that duplicates an evaluated architecture before one is accepted anyway.</summary>
    protected const int MaxRedraws = 50;

    private readonly Lock _lock = new();
    private readonly Dictionary<long, IReadOnlyDictionary<string, double>> _plans = [];
    private readonly Dictionary<long, string> _keys = [];

    /// <summary>Creates the strategy over <paramref name="space"/>.</summary>
    protected ArchitectureSampler(ArchitectureSpace space, long? seed)
    {
        Space = space ?? throw new ArgumentNullException(nameof(space));
        Seed = seed ?? new TuningRandom().NextSeed();
    }

    /// <summary>The space searched.</summary>
    protected ArchitectureSpace Space { get; }

    /// <summary>The seed of every random stream.</summary>
    protected long Seed { get; }

    /// <summary>The plan for <paramref name="trial"/>: decisions by name (internal values), the parents and the mutated decision.</summary>
    protected abstract Plan Propose(Study study, FrozenTrial trial, TuningRandom rng);

    /// <inheritdoc/>
    public void BeforeTrial(Study study, FrozenTrial trial)
    {
        ArgumentNullException.ThrowIfNull(study);
        ArgumentNullException.ThrowIfNull(trial);
        lock (_lock)
        {
            var plan = Propose(study, trial, RandomStreams.For(Seed, trial.Number));
            _plans[trial.TrialId] = plan.Decisions;
            if (plan.Parents.Count > 0) study.Storage.SetTrialSystemAttr(trial.TrialId, ParentsKey, plan.Parents.Select(p => (long)p).ToList());
            if (plan.Mutation is not null) study.Storage.SetTrialSystemAttr(trial.TrialId, MutationKey, plan.Mutation);
        }
    }

    /// <inheritdoc/>
    public IReadOnlyDictionary<string, Distribution> InferRelativeSearchSpace(Study study, FrozenTrial trial) => new Dictionary<string, Distribution>();

    /// <inheritdoc/>
    public IReadOnlyDictionary<string, double> SampleRelative(Study study, FrozenTrial trial, IReadOnlyDictionary<string, Distribution> searchSpace) =>
        new Dictionary<string, double>();

    /// <inheritdoc/>
    public double SampleIndependent(Study study, FrozenTrial trial, string paramName, Distribution distribution)
    {
        ArgumentNullException.ThrowIfNull(trial);
        ArgumentNullException.ThrowIfNull(distribution);
        lock (_lock)
        {
            if (_plans.TryGetValue(trial.TrialId, out var plan) && plan.TryGetValue(paramName, out var v) && distribution.Contains(v)) return v;
            return Fallback(study, trial, paramName, distribution);
        }
    }

    /// <inheritdoc/>
    public void AfterTrial(Study study, FrozenTrial trial, TrialState state, IReadOnlyList<double>? values)
    {
        ArgumentNullException.ThrowIfNull(trial);
        lock (_lock) _plans.Remove(trial.TrialId);
    }

    /// <summary>A decision outside the plan: uniform from the stream of (trial, decision).</summary>
    protected virtual double Fallback(Study study, FrozenTrial trial, string name, Distribution distribution) =>
        RandomSampler.Sample(RandomStreams.ForParameter(Seed, trial.Number, name), distribution);

    /// <summary>A random candidate's decisions.</summary>
    protected Dictionary<string, double> RandomDecisions(TuningRandom rng) =>
        Space.Draw(new Dictionary<string, double>(), (_, d) => RandomSampler.Sample(rng, d)).Decisions;

    /// <summary>
    /// The candidate of <paramref name="plan"/> completed by random decisions from <paramref name="rng"/> (decisions that a
    /// change made active), with its key.
    /// </summary>
    protected (Dictionary<string, double> Decisions, string Key, Dictionary<string, Distribution> Distributions) Complete(
        IReadOnlyDictionary<string, double> plan, TuningRandom rng)
    {
        var (candidate, decisions, distributions) = Space.Draw(plan, (_, d) => RandomSampler.Sample(rng, d));
        return (decisions, candidate.Key, distributions);
    }

    /// <summary>The architecture key of every trial of the study that has parameters (finished or running).</summary>
    protected HashSet<string> EvaluatedKeys(Study study)
    {
        ArgumentNullException.ThrowIfNull(study);
        var keys = new HashSet<string>(StringComparer.Ordinal);
        foreach (var t in study.Trials)
        {
            if (t.InternalParams.Count == 0) continue;
            if (!t.State.IsFinished() || !_keys.TryGetValue(t.TrialId, out var key))
            {
                // Missing decisions (a trial that failed early) are filled from a fixed stream, so the key is stable.
                key = Complete(t.InternalParams, new TuningRandom(0)).Key;
                if (t.State.IsFinished()) _keys[t.TrialId] = key;
            }
            keys.Add(key);
        }
        return keys;
    }

    /// <summary>A planned candidate: its decisions, the trials it was derived from, and the decision a mutation changed.</summary>
    protected sealed record Plan(IReadOnlyDictionary<string, double> Decisions, IReadOnlyList<int> Parents, string? Mutation = null);
}
