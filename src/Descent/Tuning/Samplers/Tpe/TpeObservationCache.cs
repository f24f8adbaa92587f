namespace Descent.Tuning;

/// <summary>
/// Parameter values of finished trials, by parameter name and trial number. Finished trials never change
/// (the storage contract), so each value is read from its trial's dictionary once instead of on every
/// sample — at a thousand trials that lookup was a third of TPE's cost. Not thread-safe (the sampler locks).
/// </summary>
internal sealed class TpeObservationCache
{
    private const byte Unknown = 0, Absent = 1, Present = 2;

    private readonly Dictionary<string, Column> _columns = new(StringComparer.Ordinal);
    private long _studyId = long.MinValue;

    private sealed class Column
    {
        public List<double> Values { get; } = [];
        public List<byte> States { get; } = [];
    }

    /// <summary>The value of <paramref name="name"/> in <paramref name="trial"/>, cached when the trial is finished.</summary>
    public bool TryGet(long studyId, FrozenTrial trial, string name, out double value)
    {
        if (!trial.State.IsFinished()) return trial.InternalParams.TryGetValue(name, out value);
        if (studyId != _studyId)
        {
            // A sampler reused for another study: numbers mean other trials now.
            _columns.Clear();
            _studyId = studyId;
        }
        if (!_columns.TryGetValue(name, out var col)) _columns[name] = col = new Column();
        int i = trial.Number;
        while (col.States.Count <= i) { col.States.Add(Unknown); col.Values.Add(0); }
        if (col.States[i] == Unknown)
        {
            bool has = trial.InternalParams.TryGetValue(name, out var v);
            col.States[i] = has ? Present : Absent;
            col.Values[i] = v;
        }
        value = col.Values[i];
        return col.States[i] == Present;
    }
}
