using System.Runtime.CompilerServices;

namespace Descent.Tuning;

/// <summary>
/// What <see cref="CmaEsSampler"/> reads from a study's trials, maintained incrementally, plus the
/// strategy it last restored or stored. Finished trials never change (the <see cref="IStudyStorage"/>
/// contract), so each is folded into running aggregates once and only the trials from the oldest
/// unfinished one onward are re-read (<c>afterTrialId</c>); the aggregates are exactly those of a full
/// scan in trial-number order. Re-scanning every trial's system attributes on every trial was the
/// sampler's main cost at a thousand trials. Not thread-safe (the sampler locks).
/// </summary>
internal sealed class CmaEsTrialIndex
{
    private readonly bool _considerPruned;
    private readonly Dictionary<(long Restart, long Generation), List<FrozenTrial>> _generations = [];
    private readonly List<FrozenTrial> _pending = [];
    private IStudyStorage? _storage;
    private long _studyId = -1;
    private long _foldedUpToId = -1; // every trial with an id ≤ this is finished and folded into _folded
    private int _foldedCount;        // their count, which is also the number of the next trial to fold
    private Summary _folded = Summary.Empty;
    private RememberedStrategy? _strategy;

    /// <summary>Aggregates over a study's trials.</summary>
    public readonly record struct Summary(
        int Learnable, long MaxRestart, long LatestTrialId, long LatestRestart, long LatestGeneration,
        IReadOnlyDictionary<string, object?>? LatestState)
    {
        /// <summary>No trials.</summary>
        public static Summary Empty => new(0, -1, -1, -1, -1, null);
    }

    private sealed record RememberedStrategy(long TrialId, long Restart, long Generation, string Signature, CmaEvolutionStrategy State);

    /// <summary>Creates an empty index; <paramref name="considerPruned"/> counts pruned trials with a value as learnable.</summary>
    public CmaEsTrialIndex(bool considerPruned) => _considerPruned = considerPruned;

    /// <summary>
    /// Reads the trials added or changed since the last call and returns the aggregates over all of the
    /// study's trials: the learnable count, the largest run index in any tag or state, and the latest
    /// stored state (largest restart, then generation; the lowest trial number on ties).
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public Summary Read(Study study)
    {
        if (!ReferenceEquals(study.Storage, _storage) || study.StudyId != _studyId) Reset(study.Storage, study.StudyId);
        var trials = study.Storage.GetAllTrials(study.StudyId, afterTrialId: _foldedUpToId);
        if (trials.Count > 0 && trials[0].Number != _foldedCount)
        {
            // The study id now names other trials (a deleted study's id reused): start over.
            Reset(study.Storage, study.StudyId);
            trials = study.Storage.GetAllTrials(study.StudyId);
        }
        int i = 0;
        for (; i < trials.Count && trials[i].State.IsFinished(); i++)
        {
            var t = trials[i];
            _folded = Fold(_folded, t);
            if (IsLearnable(t) && Tags(t) is { } tags)
            {
                if (!_generations.TryGetValue(tags, out var members)) _generations[tags] = members = [];
                members.Add(t);
            }
            _foldedUpToId = t.TrialId;
            _foldedCount++;
        }
        var summary = _folded;
        _pending.Clear();
        for (; i < trials.Count; i++)
        {
            summary = Fold(summary, trials[i]);
            _pending.Add(trials[i]);
        }
        return summary;
    }

    /// <summary>
    /// The learnable trials tagged with run <paramref name="restart"/> and generation <paramref name="generation"/>,
    /// ascending by number, as of the last <see cref="Read"/>.
    /// </summary>
    public List<FrozenTrial> Members(long restart, long generation)
    {
        var result = _generations.TryGetValue((restart, generation), out var folded) ? new List<FrozenTrial>(folded) : [];
        // Pending trials all come after the folded ones, so appending keeps the number order.
        foreach (var t in _pending)
            if (IsLearnable(t) && Tags(t) == (restart, generation)) result.Add(t);
        return result;
    }

    /// <summary>
    /// The strategy last remembered for the state stored in trial <paramref name="trialId"/> (at that
    /// restart, generation and search-space signature), or null.
    /// </summary>
    public CmaEvolutionStrategy? CachedStrategy(long trialId, long restart, long generation, string signature) =>
        _strategy is { } s && s.TrialId == trialId && s.Restart == restart && s.Generation == generation && s.Signature == signature ? s.State : null;

    /// <summary>Remembers <paramref name="state"/> as the strategy stored in trial <paramref name="trialId"/>.</summary>
    public void Remember(long trialId, string signature, CmaEvolutionStrategy state) =>
        _strategy = new RememberedStrategy(trialId, state.Restart, state.Generation, signature, state);

    /// <summary>Forgets the remembered strategy (before it is changed, so a failure cannot leave a stale entry).</summary>
    public void Forget() => _strategy = null;

    /// <summary>Complete trials (and pruned ones when considered) with one objective value.</summary>
    public bool IsLearnable(FrozenTrial t) =>
        (t.State == TrialState.Complete || (_considerPruned && t.State == TrialState.Pruned)) && t.Values is { Count: 1 };

    private void Reset(IStudyStorage storage, long studyId)
    {
        _storage = storage;
        _studyId = studyId;
        _foldedUpToId = -1;
        _foldedCount = 0;
        _folded = Summary.Empty;
        _generations.Clear();
        _pending.Clear();
        _strategy = null;
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private Summary Fold(Summary s, FrozenTrial t)
    {
        int learnable = s.Learnable + (IsLearnable(t) ? 1 : 0);
        long maxRestart = Math.Max(s.MaxRestart, AttrInt(t, CmaEsSampler.RestartKey) ?? -1);
        if (!t.SystemAttrs.TryGetValue(CmaEsSampler.StateKey, out var v) || v is not IReadOnlyDictionary<string, object?> map)
            return s with { Learnable = learnable, MaxRestart = maxRestart };
        long r = Num(map, "restart"), g = Num(map, "generation");
        maxRestart = Math.Max(maxRestart, r);
        // Strictly greater: on ties the earlier trial (by number) keeps the lead, as in a full scan.
        if (r > s.LatestRestart || (r == s.LatestRestart && g > s.LatestGeneration))
            return new Summary(learnable, maxRestart, t.TrialId, r, g, map);
        return s with { Learnable = learnable, MaxRestart = maxRestart };
    }

    private static (long, long)? Tags(FrozenTrial t) =>
        AttrInt(t, CmaEsSampler.RestartKey) is { } r && AttrInt(t, CmaEsSampler.GenerationKey) is { } g ? (r, g) : null;

    private static long? AttrInt(FrozenTrial t, string key) =>
        t.SystemAttrs.TryGetValue(key, out var v) && v is long or double ? Convert.ToInt64(v, System.Globalization.CultureInfo.InvariantCulture) : null;

    private static long Num(IReadOnlyDictionary<string, object?> map, string key) =>
        map.TryGetValue(key, out var v) && v is long or double ? Convert.ToInt64(v, System.Globalization.CultureInfo.InvariantCulture) : -1;
}
