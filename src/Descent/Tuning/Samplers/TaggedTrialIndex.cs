using System.Globalization;

namespace Descent.Tuning;

/// <summary>
/// The trials of a sampler grouped by a tag each carries (a trial system attribute: the generation of a genetic
/// algorithm, the chain step of annealing), read
/// incrementally: finished trials never change (the <see cref="IStudyStorage"/> contract), so each is filed once and
/// only the trials from the oldest unfinished one onward are re-read (<c>afterTrialId</c>), keeping a sampler's cost
/// per trial independent of the study's length. Not thread-safe (the sampler locks).
/// </summary>
internal sealed class TaggedTrialIndex(string tagKey)
{
    private readonly Dictionary<long, List<FrozenTrial>> _finished = [];
    private readonly List<FrozenTrial> _pending = [];
    private IStudyStorage? _storage;
    private long _studyId = -1;
    private long _filedUpToId = -1; // every trial with an id ≤ this is finished and filed
    private int _filedCount;        // their count, which is also the number of the next trial to file

    /// <summary>Reads the trials added or finished since the last call.</summary>
    public void Read(Study study)
    {
        if (!ReferenceEquals(study.Storage, _storage) || study.StudyId != _studyId) Reset(study.Storage, study.StudyId);
        var trials = study.Storage.GetAllTrials(study.StudyId, afterTrialId: _filedUpToId);
        if (trials.Count > 0 && trials[0].Number != _filedCount)
        {
            // The study id now names other trials (a deleted study's id reused): start over.
            Reset(study.Storage, study.StudyId);
            trials = study.Storage.GetAllTrials(study.StudyId);
        }
        int i = 0;
        for (; i < trials.Count && trials[i].State.IsFinished(); i++)
        {
            var t = trials[i];
            if (TagOf(t) is long g)
            {
                if (!_finished.TryGetValue(g, out var list)) _finished[g] = list = [];
                list.Add(t);
            }
            _filedUpToId = t.TrialId;
            _filedCount++;
        }
        _pending.Clear();
        for (; i < trials.Count; i++) _pending.Add(trials[i]);
    }

    /// <summary>The complete trials tagged <paramref name="tag"/>, ascending by number.</summary>
    public IReadOnlyList<FrozenTrial> Complete(long tag) => [.. Finished(tag).Where(t => t.State == TrialState.Complete)];

    /// <summary>The finished trials (complete, pruned, failed) tagged <paramref name="tag"/>, ascending by number.</summary>
    public IEnumerable<FrozenTrial> Finished(long tag)
    {
        var filed = _finished.TryGetValue(tag, out var list) ? list : [];
        // Pending trials come after the filed ones, so appending keeps the number order.
        return filed.Concat(_pending.Where(t => t.State.IsFinished() && TagOf(t) == tag));
    }

    /// <summary>Whether a trial tagged <paramref name="tag"/> is still Running or Waiting.</summary>
    public bool HasUnfinished(long tag) => _pending.Any(t => !t.State.IsFinished() && TagOf(t) == tag);

    /// <summary>The unfinished trials tagged <paramref name="tag"/> (their parameters so far).</summary>
    public IEnumerable<FrozenTrial> Unfinished(long tag) => _pending.Where(t => !t.State.IsFinished() && TagOf(t) == tag);

    /// <summary>The tag of <paramref name="trial"/>, or null.</summary>
    public long? TagOf(FrozenTrial trial) =>
        trial.SystemAttrs.TryGetValue(tagKey, out var v) && v is long or double ? Convert.ToInt64(v, CultureInfo.InvariantCulture) : null;

    private void Reset(IStudyStorage storage, long studyId)
    {
        _storage = storage;
        _studyId = studyId;
        _filedUpToId = -1;
        _filedCount = 0;
        _finished.Clear();
        _pending.Clear();
    }
}
