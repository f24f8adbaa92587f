namespace Descent.Tuning;

/// <summary>
/// Splits the parameters seen in a study into disjoint groups such that every finished trial's
/// parameter set is a union of groups (Optuna's <c>_GroupDecomposedSearchSpace</c>, used by TPE's
/// <c>group</c> option for conditional spaces: each group is sampled jointly from the trials that
/// contain it). Incremental: each finished trial is folded in once. Not thread-safe.
/// </summary>
public sealed class GroupDecomposedSearchSpace
{
    private readonly bool _includePruned;
    private readonly HashSet<long> _seen = [];
    private List<Dictionary<string, Distribution>> _groups = [];
    private (IStudyStorage Storage, long StudyId)? _owner;

    /// <summary>Creates the calculator; <paramref name="includePruned"/> also folds in pruned trials.</summary>
    public GroupDecomposedSearchSpace(bool includePruned = false) => _includePruned = includePruned;

    /// <summary>The current groups, each ordered by parameter name; groups in order of first appearance.</summary>
    public IReadOnlyList<IReadOnlyDictionary<string, Distribution>> Calculate(Study study)
    {
        if (_owner is null) _owner = (study.Storage, study.StudyId);
        else if (!ReferenceEquals(_owner.Value.Storage, study.Storage) || _owner.Value.StudyId != study.StudyId) throw new ArgumentException("a GroupDecomposedSearchSpace serves a single study", nameof(study));

        var states = _includePruned ? new[] { TrialState.Complete, TrialState.Pruned } : [TrialState.Complete];
        foreach (var t in study.GetTrials(states))
            if (_seen.Add(t.TrialId)) Add(t.Distributions);
        return _groups.Select(g => (IReadOnlyDictionary<string, Distribution>)new SortedDictionary<string, Distribution>(g, StringComparer.Ordinal)).ToList();
    }

    /// <summary>Refines the groups with one trial's parameter set (Optuna's <c>_SearchSpaceGroup.add_distributions</c>).</summary>
    internal void Add(IReadOnlyDictionary<string, Distribution> distributions)
    {
        var remaining = new HashSet<string>(distributions.Keys, StringComparer.Ordinal);
        var next = new List<Dictionary<string, Distribution>>();
        foreach (var group in _groups)
        {
            var inside = new Dictionary<string, Distribution>(StringComparer.Ordinal);
            var outside = new Dictionary<string, Distribution>(StringComparer.Ordinal);
            foreach (var (k, v) in group)
                (remaining.Contains(k) ? inside : outside)[k] = v;
            if (inside.Count > 0) next.Add(inside);
            if (outside.Count > 0) next.Add(outside);
            remaining.ExceptWith(group.Keys);
        }
        var fresh = new Dictionary<string, Distribution>(StringComparer.Ordinal);
        foreach (var k in distributions.Keys) if (remaining.Contains(k)) fresh[k] = distributions[k];
        if (fresh.Count > 0) next.Add(fresh);
        _groups = next;
    }
}
