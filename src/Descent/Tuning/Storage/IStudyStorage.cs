namespace Descent.Tuning;

/// <summary>
/// Persistence of studies and trials: everything a <see cref="Study"/> needs, so a study is
/// constructible over any implementation (in-memory, SQLite, PostgreSQL). Implementations must be
/// safe for concurrent use by many threads (and, for shared back ends, many processes).
/// </summary>
/// <remarks>
/// Contract, shared by all implementations (the tests in <c>Tuning/InMemoryStorageTests</c> are written
/// against it so a new back end can reuse them):
/// <list type="bullet">
/// <item>Trial ids are unique across the storage and increase in creation order; trial numbers are
/// 0, 1, 2, … per study, assigned atomically together with the id by <see cref="CreateTrial"/>.</item>
/// <item>State changes are compare-and-set (<see cref="TrySetTrialState"/>): claiming a Waiting trial
/// and finishing a Running one succeed for exactly one caller.</item>
/// <item>Finished trials (Complete, Pruned, Failed) are immutable: every mutation throws
/// <see cref="TrialFinishedException"/>. Readers may therefore cache finished trials forever.</item>
/// <item>A parameter name keeps a compatible distribution kind across the study
/// (<see cref="Distribution.AreCompatible"/>); violating it throws <see cref="ArgumentException"/>.</item>
/// <item>Attribute values are normalized with <see cref="AttrValues.Normalize"/> (JSON shapes).</item>
/// <item>Unknown study or trial ids throw <see cref="KeyNotFoundException"/>.</item>
/// </list>
/// </remarks>
public interface IStudyStorage
{
    /// <summary>Creates a study; returns its id.</summary>
    /// <exception cref="DuplicateStudyException">A study with this name exists.</exception>
    long CreateStudy(string studyName, IReadOnlyList<StudyDirection> directions);

    /// <summary>Deletes a study and all its trials.</summary>
    void DeleteStudy(long studyId);

    /// <summary>Looks a study up by name; null when there is none.</summary>
    long? FindStudyId(string studyName);

    /// <summary>The study's name.</summary>
    string GetStudyName(long studyId);

    /// <summary>The study's objective directions (one per objective).</summary>
    IReadOnlyList<StudyDirection> GetStudyDirections(long studyId);

    /// <summary>All studies in the storage.</summary>
    IReadOnlyList<StudySummary> GetAllStudies();

    /// <summary>Sets a study user attribute.</summary>
    void SetStudyUserAttr(long studyId, string key, object? value);

    /// <summary>Sets a study system attribute.</summary>
    void SetStudySystemAttr(long studyId, string key, object? value);

    /// <summary>The study's user attributes.</summary>
    IReadOnlyDictionary<string, object?> GetStudyUserAttrs(long studyId);

    /// <summary>The study's system attributes.</summary>
    IReadOnlyDictionary<string, object?> GetStudySystemAttrs(long studyId);

    /// <summary>
    /// Creates a trial and returns its id and number (assigned atomically). Without a template the
    /// trial is Running and started now. With a template (Optuna's <c>template_trial</c>, used by
    /// enqueueing and by copying studies) state, values, params, intermediate values, attributes and
    /// datetimes are copied from it; its number and id are ignored.
    /// </summary>
    (long TrialId, int Number) CreateTrial(long studyId, FrozenTrial? template = null);

    /// <summary>Records a parameter of a running trial, in the internal representation.</summary>
    /// <exception cref="ArgumentException">The study already uses <paramref name="name"/> with an incompatible distribution.</exception>
    void SetTrialParam(long trialId, string name, double internalValue, Distribution distribution);

    /// <summary>
    /// Compare-and-set on the state: moves the trial from <paramref name="expected"/> to
    /// <paramref name="state"/> and returns true, or returns false (changing nothing) when its state is
    /// no longer <paramref name="expected"/>. Entering Running stamps <see cref="FrozenTrial.DatetimeStart"/>;
    /// entering a finished state stamps <see cref="FrozenTrial.DatetimeComplete"/> and stores
    /// <paramref name="values"/>.
    /// </summary>
    /// <exception cref="ArgumentException"><paramref name="expected"/> is a finished state.</exception>
    bool TrySetTrialState(long trialId, TrialState expected, TrialState state, IReadOnlyList<double>? values = null);

    /// <summary>Records the intermediate value(s) of a running trial at a step (one value for single-objective studies).</summary>
    void SetTrialIntermediateValue(long trialId, int step, IReadOnlyList<double> values);

    /// <summary>Sets a trial user attribute.</summary>
    void SetTrialUserAttr(long trialId, string key, object? value);

    /// <summary>Sets a trial system attribute.</summary>
    void SetTrialSystemAttr(long trialId, string key, object? value);

    /// <summary>A snapshot of one trial.</summary>
    FrozenTrial GetTrial(long trialId);

    /// <summary>
    /// Snapshots of a study's trials ordered by number, optionally only those in <paramref name="states"/>
    /// and only those with an id greater than <paramref name="afterTrialId"/> (for incremental caches:
    /// finished trials never change, so a reader re-reads only new trials and its unfinished ones).
    /// </summary>
    IReadOnlyList<FrozenTrial> GetAllTrials(long studyId, IReadOnlyCollection<TrialState>? states = null, long afterTrialId = -1);

    /// <summary>Number of the study's trials, optionally only those in <paramref name="states"/>.</summary>
    int GetTrialCount(long studyId, IReadOnlyCollection<TrialState>? states = null);

    /// <summary>The id of the study's trial with the given number.</summary>
    long GetTrialIdFromNumber(long studyId, int number);

    /// <summary>Records that the worker evaluating this running trial is alive (now).</summary>
    void RecordHeartbeat(long trialId);

    /// <summary>
    /// Ids of Running trials whose latest heartbeat is older than <paramref name="gracePeriod"/>
    /// (trials that never recorded a heartbeat are not reported).
    /// </summary>
    IReadOnlyList<long> GetStaleTrialIds(long studyId, TimeSpan gracePeriod);
}
