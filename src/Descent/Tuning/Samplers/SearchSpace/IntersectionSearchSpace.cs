namespace Descent.Tuning;

/// <summary>
/// The parameters (with identical distributions) present in every finished trial of a study, computed
/// incrementally (Optuna's <c>IntersectionSearchSpace</c>): finished trials never change (the <see cref="IStudyStorage"/>
/// contract), so each call reads from storage only the trials after the last one up to which every trial was finished
/// (<c>afterTrialId</c>) — a sampler's cost per trial stays independent of the study's length, where reading
/// <see cref="Study.Trials"/> every time made a population sampler's overhead grow with the study (issue #15: 1.2 ms per
/// trial after 10,000 trials). A parameter whose range changed between trials drops out. Not thread-safe.
/// </summary>
public sealed class IntersectionSearchSpace
{
    private readonly bool _includePruned;
    private Dictionary<string, Distribution>? _space;
    private long _readUpToId = -1;   // every trial with an id ≤ this is finished and intersected
    private (IStudyStorage Storage, long StudyId)? _owner;

    /// <summary>Creates the calculator; <paramref name="includePruned"/> also intersects with pruned trials.</summary>
    public IntersectionSearchSpace(bool includePruned = false) => _includePruned = includePruned;

    /// <summary>The intersection search space, ordered by parameter name (ordinal).</summary>
    /// <exception cref="ArgumentException">Called with a different study than before.</exception>
    public IReadOnlyDictionary<string, Distribution> Calculate(Study study)
    {
        if (_owner is null) _owner = (study.Storage, study.StudyId);
        else if (!ReferenceEquals(_owner.Value.Storage, study.Storage) || _owner.Value.StudyId != study.StudyId) throw new ArgumentException("an IntersectionSearchSpace serves a single study", nameof(study));

        // Ascending by number (and id). Trials after the first unfinished one are intersected now and again on the next
        // call (intersection is idempotent), since the read resumes at the unfinished one.
        bool settled = true;
        foreach (var t in study.Storage.GetAllTrials(study.StudyId, afterTrialId: _readUpToId))
        {
            if (!t.State.IsFinished())
            {
                settled = false;
                continue;
            }
            if (settled) _readUpToId = t.TrialId;
            if (!(t.State == TrialState.Complete || (_includePruned && t.State == TrialState.Pruned))) continue;
            if (_space is null)
            {
                _space = new Dictionary<string, Distribution>(t.Distributions, StringComparer.Ordinal);
                continue;
            }
            foreach (var name in _space.Keys.ToList())
                if (!t.Distributions.TryGetValue(name, out var d) || !d.Equals(_space[name])) _space.Remove(name);
        }
        var result = new SortedDictionary<string, Distribution>(StringComparer.Ordinal);
        if (_space is not null) foreach (var (k, v) in _space) result[k] = v;
        return result;
    }

    /// <summary>
    /// The relative search space of the population-based samplers (NSGA-II, GA, SA): <see cref="Calculate"/> without the
    /// parameters that can take a single value, ordered by name (ordinal).
    /// </summary>
    public IReadOnlyDictionary<string, Distribution> CalculateVarying(Study study)
    {
        var space = new SortedDictionary<string, Distribution>(StringComparer.Ordinal);
        foreach (var (k, d) in Calculate(study))
            if (!d.IsSingle) space[k] = d;
        return space;
    }
}
