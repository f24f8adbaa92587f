namespace Descent.Tuning;

/// <summary>
/// The parameters (with identical distributions) present in every finished trial of a study, computed
/// incrementally (Optuna's <c>IntersectionSearchSpace</c>): only trials from the oldest unfinished one
/// onward are re-read. A parameter whose range changed between trials drops out. Not thread-safe.
/// </summary>
public sealed class IntersectionSearchSpace
{
    private readonly bool _includePruned;
    private Dictionary<string, Distribution>? _space;
    private int _cachedTrialNumber = -1;
    private (IStudyStorage Storage, long StudyId)? _owner;

    /// <summary>Creates the calculator; <paramref name="includePruned"/> also intersects with pruned trials.</summary>
    public IntersectionSearchSpace(bool includePruned = false) => _includePruned = includePruned;

    /// <summary>The intersection search space, ordered by parameter name (ordinal).</summary>
    /// <exception cref="ArgumentException">Called with a different study than before.</exception>
    public IReadOnlyDictionary<string, Distribution> Calculate(Study study)
    {
        if (_owner is null) _owner = (study.Storage, study.StudyId);
        else if (!ReferenceEquals(_owner.Value.Storage, study.Storage) || _owner.Value.StudyId != study.StudyId) throw new ArgumentException("an IntersectionSearchSpace serves a single study", nameof(study));

        var trials = study.Trials;
        int next = -1;
        for (int i = trials.Count - 1; i >= 0; i--)
        {
            var t = trials[i];
            bool ofInterest = t.State is TrialState.Complete or TrialState.Waiting or TrialState.Running
                || (_includePruned && t.State == TrialState.Pruned);
            if (!ofInterest) continue;
            if (next == -1) next = t.Number + 1;
            if (_cachedTrialNumber > t.Number) break;
            if (!t.State.IsFinished())
            {
                // Re-read from here next time: this trial may still add or lose parameters.
                next = t.Number;
                continue;
            }
            if (_space is null)
            {
                _space = new Dictionary<string, Distribution>(t.Distributions, StringComparer.Ordinal);
                continue;
            }
            foreach (var name in _space.Keys.ToList())
                if (!t.Distributions.TryGetValue(name, out var d) || !d.Equals(_space[name])) _space.Remove(name);
        }
        _cachedTrialNumber = next;
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
