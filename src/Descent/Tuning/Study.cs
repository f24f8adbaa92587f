namespace Descent.Tuning;

/// <summary>
/// An optimization task: a set of trials in an <see cref="IStudyStorage"/>, a sampler and a pruner
/// (Optuna's <c>Study</c>). Drive it with <see cref="Optimize(Func{Trial, double}, int?, TimeSpan?, int, IReadOnlyCollection{Type}?, IReadOnlyList{Action{Study, FrozenTrial}}?)"/>
/// or with <see cref="Ask"/>/<see cref="Tell(Trial, double)"/>. Several <see cref="Study"/> objects (threads,
/// processes, machines) may share one stored study; each samples locally from the stored trials.
/// </summary>
public sealed partial class Study
{
    private readonly HeartbeatOptions? _heartbeat;

    private Study(IStudyStorage storage, long studyId, ISampler? sampler, IPruner? pruner, HeartbeatOptions? heartbeat)
    {
        Storage = storage;
        StudyId = studyId;
        Name = storage.GetStudyName(studyId);
        Directions = storage.GetStudyDirections(studyId).ToArray();
        Sampler = sampler ?? new TpeSampler();
        Pruner = pruner ?? (Directions.Count > 1 ? new NopPruner() : new MedianPruner());
        _heartbeat = heartbeat;
    }

    /// <summary>Creates a study (or loads it when <see cref="StudyOptions.LoadIfExists"/> is set and the name exists).</summary>
    /// <exception cref="DuplicateStudyException">The name exists and <see cref="StudyOptions.LoadIfExists"/> is false.</exception>
    /// <exception cref="ArgumentException">Loading a study whose directions differ from the requested ones.</exception>
    public static Study Create(StudyOptions? options = null)
    {
        options ??= new StudyOptions();
        var storage = options.Storage ?? new InMemoryStorage();
        var directions = options.Directions ?? [options.Direction];
        if (directions.Count == 0) throw new ArgumentException("a study needs at least one direction", nameof(options));
        string name = options.StudyName ?? "no-name-" + Guid.NewGuid().ToString("D");
        long studyId;
        try
        {
            studyId = storage.CreateStudy(name, directions);
        }
        catch (DuplicateStudyException) when (options.LoadIfExists)
        {
            studyId = storage.FindStudyId(name) ?? throw new InvalidOperationException($"study \"{name}\" vanished while loading it");
            var stored = storage.GetStudyDirections(studyId);
            if (!stored.SequenceEqual(directions))
                throw new ArgumentException(
                    $"study \"{name}\" exists with directions [{string.Join(", ", stored)}], not [{string.Join(", ", directions)}]", nameof(options));
        }
        return new Study(storage, studyId, options.Sampler, options.Pruner, options.Heartbeat);
    }

    /// <summary>Opens an existing study by name.</summary>
    /// <exception cref="KeyNotFoundException">No study has that name.</exception>
    public static Study Load(string studyName, IStudyStorage storage, ISampler? sampler = null, IPruner? pruner = null, HeartbeatOptions? heartbeat = null)
    {
        ArgumentNullException.ThrowIfNull(storage);
        long id = storage.FindStudyId(studyName) ?? throw new KeyNotFoundException($"no study named \"{studyName}\"");
        return new Study(storage, id, sampler, pruner, heartbeat);
    }

    /// <summary>The study's name.</summary>
    public string Name { get; }

    /// <summary>The study's id in <see cref="Storage"/>.</summary>
    public long StudyId { get; }

    /// <summary>Where the study's trials live.</summary>
    public IStudyStorage Storage { get; }

    /// <summary>The sampler proposing parameters.</summary>
    public ISampler Sampler { get; }

    /// <summary>The pruner consulted by <see cref="Trial.ShouldPrune"/>.</summary>
    public IPruner Pruner { get; }

    /// <summary>One direction per objective.</summary>
    public IReadOnlyList<StudyDirection> Directions { get; }

    /// <summary>The direction of a single-objective study.</summary>
    /// <exception cref="InvalidOperationException">The study is multi-objective.</exception>
    public StudyDirection Direction => Directions.Count == 1 ? Directions[0]
        : throw new InvalidOperationException("Direction is for single-objective studies; use Directions");

    /// <summary>True when the study has more than one objective.</summary>
    public bool IsMultiObjective => Directions.Count > 1;

    /// <summary>All trials, ordered by number.</summary>
    public IReadOnlyList<FrozenTrial> Trials => Storage.GetAllTrials(StudyId);

    /// <summary>Trials in any of <paramref name="states"/> (all trials when none are given), ordered by number.</summary>
    public IReadOnlyList<FrozenTrial> GetTrials(params TrialState[] states) =>
        Storage.GetAllTrials(StudyId, states.Length == 0 ? null : states);

    /// <summary>The best complete trial of a single-objective study (the lowest number among ties).</summary>
    /// <exception cref="InvalidOperationException">Multi-objective study, or no trial is complete.</exception>
    public FrozenTrial BestTrial
    {
        get
        {
            if (IsMultiObjective) throw new InvalidOperationException("BestTrial is for single-objective studies; use BestTrials for the Pareto front");
            bool max = Directions[0] == StudyDirection.Maximize;
            FrozenTrial? best = null;
            foreach (var t in GetTrials(TrialState.Complete))
            {
                double v = t.Values![0];
                if (best is null || (max ? v > best.Values![0] : v < best.Values![0])) best = t;
            }
            return best ?? throw new InvalidOperationException("no trials are complete yet");
        }
    }

    /// <summary>The best value of a single-objective study.</summary>
    public double BestValue => BestTrial.Values![0];

    /// <summary>The parameters of <see cref="BestTrial"/>.</summary>
    public IReadOnlyDictionary<string, object?> BestParams => BestTrial.Params;

    /// <summary>
    /// The complete trials no other complete trial dominates: the Pareto front for multi-objective
    /// studies, the trials sharing the best value for single-objective ones.
    /// </summary>
    public IReadOnlyList<FrozenTrial> BestTrials => ParetoFront.Of(GetTrials(TrialState.Complete), Directions);

    /// <summary>Study user attributes.</summary>
    public IReadOnlyDictionary<string, object?> UserAttrs => Storage.GetStudyUserAttrs(StudyId);

    /// <summary>Study system attributes.</summary>
    public IReadOnlyDictionary<string, object?> SystemAttrs => Storage.GetStudySystemAttrs(StudyId);

    /// <summary>Sets a study user attribute.</summary>
    public void SetUserAttr(string key, object? value) => Storage.SetStudyUserAttr(StudyId, key, value);

    /// <summary>Sets a study system attribute.</summary>
    public void SetSystemAttr(string key, object? value) => Storage.SetStudySystemAttr(StudyId, key, value);

    /// <summary>
    /// Adds a Waiting trial whose parameters are fixed to <paramref name="parameters"/> (user-facing values);
    /// the next <see cref="Ask"/> claims it. Parameters not listed are sampled as usual.
    /// </summary>
    /// <param name="parameters">Fixed parameter values by name.</param>
    /// <param name="userAttrs">User attributes to attach to the trial.</param>
    /// <param name="skipIfExists">Do nothing when a trial (in any state) already has exactly these values.</param>
    public void EnqueueTrial(IReadOnlyDictionary<string, object?> parameters, IReadOnlyDictionary<string, object?>? userAttrs = null, bool skipIfExists = false)
    {
        ArgumentNullException.ThrowIfNull(parameters);
        var normalized = parameters.ToDictionary(kv => kv.Key, kv => AttrValues.Normalize(kv.Value), StringComparer.Ordinal);
        if (skipIfExists && Trials.Any(t => SameParams(t, normalized))) return;
        var template = new FrozenTrial
        {
            State = TrialState.Waiting,
            SystemAttrs = new Dictionary<string, object?> { [Trial.FixedParamsKey] = normalized },
            UserAttrs = userAttrs ?? new Dictionary<string, object?>(),
        };
        Storage.CreateTrial(StudyId, template);
    }

    /// <summary>
    /// Adds a finished trial built elsewhere (Optuna's <c>add_trial</c>), e.g. results known before the study
    /// or copied from another study. Its number and id are assigned here.
    /// </summary>
    /// <exception cref="ArgumentException">The trial is not finished, a Complete trial lacks one finite value per
    /// objective, or a parameter lies outside its distribution.</exception>
    public FrozenTrial AddTrial(FrozenTrial trial)
    {
        ArgumentNullException.ThrowIfNull(trial);
        if (!trial.State.IsFinished()) throw new ArgumentException($"only finished trials can be added, got {trial.State}", nameof(trial));
        if (trial.State == TrialState.Complete && !trial.HasFiniteValues(Directions.Count))
            throw new ArgumentException($"a Complete trial needs {Directions.Count} finite value(s)", nameof(trial));
        foreach (var (name, v) in trial.InternalParams)
        {
            if (!trial.Distributions.TryGetValue(name, out var d)) throw new ArgumentException($"{name}: no distribution", nameof(trial));
            if (!d.Contains(v)) throw new ArgumentException($"{name}: value {v} is outside {d}", nameof(trial));
        }
        return Storage.GetTrial(Storage.CreateTrial(StudyId, trial).TrialId);
    }

    /// <summary>Asks running <see cref="Optimize(Func{Trial, double}, int?, TimeSpan?, int, IReadOnlyCollection{Type}?, IReadOnlyList{Action{Study, FrozenTrial}}?)"/> loops to start no new trial; running trials finish.</summary>
    public void Stop() => _stopRequested = true;

    private static bool SameParams(FrozenTrial t, Dictionary<string, object?> wanted)
    {
        IReadOnlyDictionary<string, object?> have;
        if (t.State == TrialState.Waiting)
        {
            if (!t.SystemAttrs.TryGetValue(Trial.FixedParamsKey, out var f) || f is not IReadOnlyDictionary<string, object?> fixedParams) return false;
            have = fixedParams;
        }
        else
        {
            have = t.Params;
        }
        foreach (var (k, v) in wanted)
        {
            if (!have.TryGetValue(k, out var h)) return false;
            object? a = AttrValues.Normalize(h);
            bool equal = AttrValues.DeepEquals(a, v) || (a is long or double && v is long or double && Convert.ToDouble(a, System.Globalization.CultureInfo.InvariantCulture) == Convert.ToDouble(v, System.Globalization.CultureInfo.InvariantCulture));
            if (!equal) return false;
        }
        return true;
    }
}
