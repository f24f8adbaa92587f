namespace Descent.Tuning;

/// <summary>
/// Thread-safe in-process <see cref="IStudyStorage"/> (Optuna's <c>InMemoryStorage</c>). Trials are
/// stored as immutable <see cref="FrozenTrial"/> snapshots replaced on every update, so reads hand out
/// references without copying. One lock guards everything: operations are short and a study of
/// thousands of trials is read in microseconds.
/// </summary>
public sealed class InMemoryStorage : IStudyStorage
{
    private readonly Lock _lock = new();
    private readonly TimeProvider _clock;
    private readonly Dictionary<long, StudyRecord> _studies = [];
    private readonly List<FrozenTrial?> _trials = [];       // index = trial id; null once its study is deleted
    private readonly List<long> _trialStudy = [];           // index = trial id
    private readonly Dictionary<long, DateTimeOffset> _heartbeats = [];
    private long _nextStudyId;

    /// <summary>Creates an empty storage; <paramref name="clock"/> (default: system time) stamps datetimes and heartbeats.</summary>
    public InMemoryStorage(TimeProvider? clock = null) => _clock = clock ?? TimeProvider.System;

    private sealed class StudyRecord(string name, StudyDirection[] directions)
    {
        public string Name { get; } = name;
        public StudyDirection[] Directions { get; } = directions;
        public Dictionary<string, object?> UserAttrs { get; } = new(StringComparer.Ordinal);
        public Dictionary<string, object?> SystemAttrs { get; } = new(StringComparer.Ordinal);
        public List<long> TrialIds { get; } = [];
        public Dictionary<string, Distribution> ParamDistributions { get; } = new(StringComparer.Ordinal);
    }

    /// <inheritdoc />
    public long CreateStudy(string studyName, IReadOnlyList<StudyDirection> directions)
    {
        ArgumentException.ThrowIfNullOrEmpty(studyName);
        if (directions.Count == 0) throw new ArgumentException("a study needs at least one direction", nameof(directions));
        lock (_lock)
        {
            foreach (var s in _studies.Values)
                if (s.Name == studyName) throw new DuplicateStudyException($"a study named \"{studyName}\" already exists");
            long id = _nextStudyId++;
            _studies[id] = new StudyRecord(studyName, directions.ToArray());
            return id;
        }
    }

    /// <inheritdoc />
    public void DeleteStudy(long studyId)
    {
        lock (_lock)
        {
            var s = Study(studyId);
            foreach (var t in s.TrialIds) { _trials[(int)t] = null; _heartbeats.Remove(t); }
            _studies.Remove(studyId);
        }
    }

    /// <inheritdoc />
    public long? FindStudyId(string studyName)
    {
        lock (_lock)
        {
            foreach (var (id, s) in _studies)
                if (s.Name == studyName) return id;
            return null;
        }
    }

    /// <inheritdoc />
    public string GetStudyName(long studyId) { lock (_lock) return Study(studyId).Name; }

    /// <inheritdoc />
    public IReadOnlyList<StudyDirection> GetStudyDirections(long studyId) { lock (_lock) return Study(studyId).Directions.ToArray(); }

    /// <inheritdoc />
    public IReadOnlyList<StudySummary> GetAllStudies()
    {
        lock (_lock) return _studies.OrderBy(kv => kv.Key).Select(kv => new StudySummary(kv.Key, kv.Value.Name, kv.Value.Directions.ToArray())).ToList();
    }

    /// <inheritdoc />
    public void SetStudyUserAttr(long studyId, string key, object? value)
    {
        var v = AttrValues.Normalize(value);
        lock (_lock) Study(studyId).UserAttrs[key] = v;
    }

    /// <inheritdoc />
    public void SetStudySystemAttr(long studyId, string key, object? value)
    {
        var v = AttrValues.Normalize(value);
        lock (_lock) Study(studyId).SystemAttrs[key] = v;
    }

    /// <inheritdoc />
    public IReadOnlyDictionary<string, object?> GetStudyUserAttrs(long studyId)
    {
        lock (_lock) return new Dictionary<string, object?>(Study(studyId).UserAttrs, StringComparer.Ordinal).AsReadOnly();
    }

    /// <inheritdoc />
    public IReadOnlyDictionary<string, object?> GetStudySystemAttrs(long studyId)
    {
        lock (_lock) return new Dictionary<string, object?>(Study(studyId).SystemAttrs, StringComparer.Ordinal).AsReadOnly();
    }

    /// <inheritdoc />
    public (long TrialId, int Number) CreateTrial(long studyId, FrozenTrial? template = null)
    {
        lock (_lock)
        {
            var s = Study(studyId);
            long id = _trials.Count;
            int number = s.TrialIds.Count;
            FrozenTrial trial;
            if (template is null)
            {
                trial = new FrozenTrial { Number = number, TrialId = id, State = TrialState.Running, DatetimeStart = _clock.GetUtcNow() };
            }
            else
            {
                foreach (var (name, dist) in template.Distributions) CheckCompatible(s, name, dist);
                foreach (var (name, dist) in template.Distributions) s.ParamDistributions.TryAdd(name, dist);
                trial = template with
                {
                    Number = number,
                    TrialId = id,
                    DatetimeStart = template.DatetimeStart ?? (template.State == TrialState.Waiting ? null : _clock.GetUtcNow()),
                };
            }
            _trials.Add(trial);
            _trialStudy.Add(studyId);
            s.TrialIds.Add(id);
            return (id, number);
        }
    }

    /// <inheritdoc />
    public void SetTrialParam(long trialId, string name, double internalValue, Distribution distribution)
    {
        ArgumentNullException.ThrowIfNull(distribution);
        lock (_lock)
        {
            var t = Unfinished(trialId);
            var s = Study(_trialStudy[(int)trialId]);
            CheckCompatible(s, name, distribution);
            s.ParamDistributions.TryAdd(name, distribution);
            var p = new Dictionary<string, double>(t.InternalParams, StringComparer.Ordinal) { [name] = internalValue };
            var d = new Dictionary<string, Distribution>(t.Distributions, StringComparer.Ordinal) { [name] = distribution };
            _trials[(int)trialId] = t with { InternalParams = p, Distributions = d };
        }
    }

    /// <inheritdoc />
    public bool TrySetTrialState(long trialId, TrialState expected, TrialState state, IReadOnlyList<double>? values = null)
    {
        if (expected.IsFinished()) throw new ArgumentException($"finished trials never change state; expected state {expected} cannot be compared-and-set", nameof(expected));
        lock (_lock)
        {
            var t = Trial(trialId);
            if (t.State != expected) return false;
            var now = _clock.GetUtcNow();
            t = t with { State = state };
            if (state == TrialState.Running) t = t with { DatetimeStart = now };
            if (state.IsFinished())
            {
                t = t with { DatetimeComplete = now, Values = values };
                _heartbeats.Remove(trialId);
            }
            _trials[(int)trialId] = t;
            return true;
        }
    }

    /// <inheritdoc />
    public void SetTrialIntermediateValue(long trialId, int step, IReadOnlyList<double> values)
    {
        ArgumentNullException.ThrowIfNull(values);
        if (values.Count == 0) throw new ArgumentException("at least one intermediate value is needed", nameof(values));
        lock (_lock)
        {
            var t = Unfinished(trialId);
            if (values.Count == 1)
            {
                var iv = new SortedDictionary<int, double>(t.IntermediateValues.ToDictionary()) { [step] = values[0] };
                _trials[(int)trialId] = t with { IntermediateValues = iv };
            }
            else
            {
                var vv = new SortedDictionary<int, IReadOnlyList<double>>(t.IntermediateVectors.ToDictionary()) { [step] = values.ToArray() };
                _trials[(int)trialId] = t with { IntermediateVectors = vv };
            }
        }
    }

    /// <inheritdoc />
    public void SetTrialUserAttr(long trialId, string key, object? value)
    {
        var v = AttrValues.Normalize(value);
        lock (_lock)
        {
            var t = Unfinished(trialId);
            _trials[(int)trialId] = t with { UserAttrs = new Dictionary<string, object?>(t.UserAttrs, StringComparer.Ordinal) { [key] = v } };
        }
    }

    /// <inheritdoc />
    public void SetTrialSystemAttr(long trialId, string key, object? value)
    {
        var v = AttrValues.Normalize(value);
        lock (_lock)
        {
            var t = Unfinished(trialId);
            _trials[(int)trialId] = t with { SystemAttrs = new Dictionary<string, object?>(t.SystemAttrs, StringComparer.Ordinal) { [key] = v } };
        }
    }

    /// <inheritdoc />
    public FrozenTrial GetTrial(long trialId) { lock (_lock) return Trial(trialId); }

    /// <inheritdoc />
    public IReadOnlyList<FrozenTrial> GetAllTrials(long studyId, IReadOnlyCollection<TrialState>? states = null, long afterTrialId = -1)
    {
        int mask = Mask(states);
        lock (_lock)
        {
            var ids = Study(studyId).TrialIds;
            var result = new List<FrozenTrial>(ids.Count);
            // Ids increase with numbers, so the trials after afterTrialId are a suffix of the list.
            int start = ids.Count;
            while (start > 0 && ids[start - 1] > afterTrialId) start--;
            for (int i = start; i < ids.Count; i++)
            {
                var t = _trials[(int)ids[i]]!;
                if ((mask & (1 << (int)t.State)) != 0) result.Add(t);
            }
            return result;
        }
    }

    /// <inheritdoc />
    public int GetTrialCount(long studyId, IReadOnlyCollection<TrialState>? states = null)
    {
        int mask = Mask(states);
        lock (_lock)
        {
            int n = 0;
            foreach (var id in Study(studyId).TrialIds)
                if ((mask & (1 << (int)_trials[(int)id]!.State)) != 0) n++;
            return n;
        }
    }

    /// <inheritdoc />
    public long GetTrialIdFromNumber(long studyId, int number)
    {
        lock (_lock)
        {
            var ids = Study(studyId).TrialIds;
            if (number < 0 || number >= ids.Count) throw new KeyNotFoundException($"study {studyId} has no trial #{number}");
            return ids[number];
        }
    }

    /// <inheritdoc />
    public void RecordHeartbeat(long trialId)
    {
        lock (_lock)
        {
            if (Trial(trialId).State == TrialState.Running) _heartbeats[trialId] = _clock.GetUtcNow();
        }
    }

    /// <inheritdoc />
    public IReadOnlyList<long> GetStaleTrialIds(long studyId, TimeSpan gracePeriod)
    {
        lock (_lock)
        {
            var limit = _clock.GetUtcNow() - gracePeriod;
            var stale = new List<long>();
            foreach (var id in Study(studyId).TrialIds)
                if (_trials[(int)id]!.State == TrialState.Running && _heartbeats.TryGetValue(id, out var beat) && beat < limit)
                    stale.Add(id);
            return stale;
        }
    }

    private static int Mask(IReadOnlyCollection<TrialState>? states)
    {
        if (states is null) return ~0;
        int mask = 0;
        foreach (var s in states) mask |= 1 << (int)s;
        return mask;
    }

    private static void CheckCompatible(StudyRecord s, string name, Distribution distribution)
    {
        if (s.ParamDistributions.TryGetValue(name, out var existing) && !Distribution.AreCompatible(existing, distribution))
            throw new ArgumentException(
                $"{name}: the study already uses {existing}; a parameter keeps its kind (and categorical choices) across trials, got {distribution}");
    }

    private StudyRecord Study(long studyId) =>
        _studies.TryGetValue(studyId, out var s) ? s : throw new KeyNotFoundException($"no study with id {studyId}");

    private FrozenTrial Trial(long trialId) =>
        trialId >= 0 && trialId < _trials.Count && _trials[(int)trialId] is { } t ? t
            : throw new KeyNotFoundException($"no trial with id {trialId}");

    private FrozenTrial Unfinished(long trialId)
    {
        var t = Trial(trialId);
        return t.State.IsFinished() ? throw new TrialFinishedException($"trial #{t.Number} is already {t.State} and cannot be modified") : t;
    }
}
