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
    private (IStudyStorage? Storage, long StudyId) _owner = (null, -1);

    private sealed class Column
    {
        public List<double> Values { get; } = [];
        public List<byte> States { get; } = [];

        // Numbers of the trials holding the parameter, ascending by (value, number): kept sorted by
        // insertion so estimators need not sort a thousand observations per sample.
        public List<int> Sorted { get; } = [];

        public void InsertSorted(int number)
        {
            double v = Values[number];
            int lo = 0, hi = Sorted.Count;
            while (lo < hi)
            {
                int mid = (lo + hi) >>> 1;
                double w = Values[Sorted[mid]];
                if (w < v || (w == v && Sorted[mid] < number)) lo = mid + 1;
                else hi = mid;
            }
            Sorted.Insert(lo, number);
        }
    }

    /// <summary>The value of <paramref name="name"/> in <paramref name="trial"/>, cached when the trial is finished.</summary>
    public bool TryGet(Study study, FrozenTrial trial, string name, out double value)
    {
        if (!trial.State.IsFinished()) return trial.InternalParams.TryGetValue(name, out value);
        if (!ReferenceEquals(study.Storage, _owner.Storage) || study.StudyId != _owner.StudyId)
        {
            // A sampler reused for another study: numbers mean other trials now.
            _columns.Clear();
            _owner = (study.Storage, study.StudyId);
        }
        if (!_columns.TryGetValue(name, out var col)) _columns[name] = col = new Column();
        int i = trial.Number;
        while (col.States.Count <= i) { col.States.Add(Unknown); col.Values.Add(0); }
        if (col.States[i] == Unknown)
        {
            bool has = trial.InternalParams.TryGetValue(name, out var v);
            col.States[i] = has ? Present : Absent;
            col.Values[i] = v;
            if (has && !double.IsNaN(v)) col.InsertSorted(i);
        }
        value = col.Values[i];
        return col.States[i] == Present;
    }

    /// <summary>
    /// Ascending order of a column of observations drawn from finished trials, from the cached sorted
    /// list: <paramref name="rowOfNumber"/> maps a trial number to its row (−1 when absent). Every row must
    /// come from a finished trial already passed to <see cref="TryGet"/>.
    /// </summary>
    public int[] SortedRows(string name, int[] rowOfNumber, int rows)
    {
        var order = new int[rows];
        int k = 0;
        if (_columns.TryGetValue(name, out var col))
            foreach (var number in col.Sorted)
                if (number < rowOfNumber.Length && rowOfNumber[number] >= 0) order[k++] = rowOfNumber[number];
        if (k != rows) throw new DescentInternalException($"the observation cache of {name} is missing {rows - k} rows");
        return order;
    }
}
