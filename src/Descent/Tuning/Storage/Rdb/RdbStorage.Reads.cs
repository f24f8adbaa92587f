using System.Data.Common;

namespace Descent.Tuning;

public abstract partial class RdbStorage
{
    private const string HeaderColumns = "trial_id, number, state, datetime_start, datetime_complete";

    /// <summary>
    /// Finished trials of one study already read (they never change). <see cref="Prefix"/> holds, by ascending id,
    /// every trial of the study up to <see cref="Watermark"/> — all finished; <see cref="Beyond"/> holds finished
    /// trials with larger ids (past a trial that is still running). Guarded by locking the instance.
    /// </summary>
    private sealed class TrialCache
    {
        public long Watermark = -1;
        public readonly List<FrozenTrial> Prefix = [];
        public readonly Dictionary<long, FrozenTrial> Beyond = [];
    }

    private sealed class Header
    {
        public long Id;
        public int Number;
        public TrialState State;
        public DateTimeOffset? Start, Complete;
    }

    /// <inheritdoc />
    public FrozenTrial GetTrial(long trialId) => Read((c, tx) =>
    {
        var headers = ReadHeaders(c, tx, $"SELECT {HeaderColumns} FROM trials WHERE trial_id = @t", cmd => Add(cmd, "@t", trialId));
        if (headers.Count == 0) throw new KeyNotFoundException($"no trial with id {trialId}");
        return LoadTrials(c, tx, headers, "t.trial_id = @t", cmd => Add(cmd, "@t", trialId))[0];
    });

    /// <inheritdoc />
    public IReadOnlyList<FrozenTrial> GetAllTrials(long studyId, IReadOnlyCollection<TrialState>? states = null, long afterTrialId = -1)
    {
        int mask = Mask(states);
        var cache = _caches.GetOrAdd(studyId, _ => new TrialCache());
        long watermark;
        lock (cache) watermark = cache.Watermark;
        long from = Math.Max(watermark, afterTrialId);

        var (headers, loaded) = Read((c, tx) =>
        {
            var hs = ReadHeaders(c, tx, $"SELECT {HeaderColumns} FROM trials WHERE study_id = @s AND trial_id > @from ORDER BY trial_id",
                cmd => { Add(cmd, "@s", studyId); Add(cmd, "@from", from); });
            if (hs.Count == 0) RequireStudy(c, tx, studyId, false); // no new trials, or no such study
            // Load finished trials not cached yet (whatever was asked, so the watermark can pass them) and the
            // unfinished ones that were asked for; everything else comes from the cache.
            var need = new List<Header>(hs.Count);
            lock (cache)
                foreach (var h in hs)
                    if (h.State.IsFinished() ? !cache.Beyond.ContainsKey(h.Id) : InMask(mask, h.State)) need.Add(h);
            if (need.Count == 0) return (hs, new List<FrozenTrial>());
            if (need.Count == hs.Count)
                return (hs, LoadTrials(c, tx, need, "t.study_id = @s AND t.trial_id > @from", cmd => { Add(cmd, "@s", studyId); Add(cmd, "@from", from); }));
            var ids = need.ConvertAll(h => h.Id);
            return (hs, LoadTrials(c, tx, need, InIdList("t.trial_id", "@ids"), cmd => AddIdList(cmd, "@ids", ids)));
        });

        var fresh = new Dictionary<long, FrozenTrial>(loaded.Count);
        foreach (var t in loaded) fresh[t.TrialId] = t;
        var result = new List<FrozenTrial>();
        lock (cache)
        {
            foreach (var t in loaded)
                if (t.State.IsFinished() && t.TrialId > cache.Watermark) cache.Beyond.TryAdd(t.TrialId, t);
            if (afterTrialId < from)
            {
                // Cached prefix trials in (afterTrialId, from]: binary search for the first id past afterTrialId.
                int lo = 0, hi = cache.Prefix.Count;
                while (lo < hi)
                {
                    int mid = (lo + hi) >>> 1;
                    if (cache.Prefix[mid].TrialId <= afterTrialId) lo = mid + 1; else hi = mid;
                }
                for (int i = lo; i < cache.Prefix.Count && cache.Prefix[i].TrialId <= from; i++)
                    if (InMask(mask, cache.Prefix[i].State)) result.Add(cache.Prefix[i]);
            }
            foreach (var h in headers)
            {
                if (!fresh.TryGetValue(h.Id, out var t) && !cache.Beyond.TryGetValue(h.Id, out t)) continue; // an unfinished trial not asked for
                if (InMask(mask, t.State)) result.Add(t);
            }
            // The headers are every trial with id > from; when from is the watermark they continue the prefix.
            if (from == cache.Watermark)
                foreach (var h in headers)
                {
                    if (!cache.Beyond.Remove(h.Id, out var done)) break;
                    cache.Prefix.Add(done);
                    cache.Watermark = h.Id;
                }
        }
        return result;
    }

    /// <inheritdoc />
    public int GetTrialCount(long studyId, IReadOnlyCollection<TrialState>? states = null) => Read((c, tx) =>
    {
        int mask = Mask(states);
        int count = mask == 0 ? 0 : Convert.ToInt32(Scalar(c, tx,
            "SELECT COUNT(*) FROM trials WHERE study_id = @s" + (states is null ? "" : " AND " + StateCondition(mask)), ("@s", studyId)),
            System.Globalization.CultureInfo.InvariantCulture);
        if (count == 0) RequireStudy(c, tx, studyId, false);
        return count;
    });

    /// <inheritdoc />
    public long GetTrialIdFromNumber(long studyId, int number) => Read((c, tx) =>
    {
        if (Scalar(c, tx, "SELECT trial_id FROM trials WHERE study_id = @s AND number = @n", ("@s", studyId), ("@n", number)) is { } v)
            return Convert.ToInt64(v, System.Globalization.CultureInfo.InvariantCulture);
        RequireStudy(c, tx, studyId, false);
        throw new KeyNotFoundException($"study {studyId} has no trial #{number}");
    });

    private List<Header> ReadHeaders(DbConnection c, DbTransaction? tx, string sql, Action<DbCommand> bind)
    {
        using var cmd = Command(c, tx, sql);
        bind(cmd);
        using var r = cmd.ExecuteReader();
        var headers = new List<Header>();
        while (r.Read())
            headers.Add(new Header
            {
                Id = ReadLong(r, 0),
                Number = (int)ReadLong(r, 1),
                State = ParseState(r.GetString(2)),
                Start = ReadTime(r, 3),
                Complete = ReadTime(r, 4),
            });
        return headers;
    }

    /// <summary>
    /// Builds the trials of <paramref name="headers"/> from their child rows, fetched in one batch of five queries
    /// filtered by <paramref name="filter"/> over the joined <c>trials t</c> (which must select exactly those trials).
    /// </summary>
    private static List<FrozenTrial> LoadTrials(DbConnection c, DbTransaction? tx, List<Header> headers, string filter, Action<DbCommand> bind)
    {
        var parts = new Dictionary<long, Parts>(headers.Count);
        foreach (var h in headers) parts[h.Id] = new Parts();
        string join = "JOIN trials t ON t.trial_id = x.trial_id WHERE " + filter;
        using (var cmd = Command(c, tx, $"""
            SELECT x.trial_id, x.param_name, x.internal_value, x.distribution_json FROM trial_params x {join};
            SELECT x.trial_id, x.objective, x.value FROM trial_values x {join} ORDER BY x.trial_id, x.objective;
            SELECT x.trial_id, x.step, x.objective, x.value FROM trial_intermediate_values x {join} ORDER BY x.trial_id, x.step, x.objective;
            SELECT x.trial_id, x.attr_key, x.value_json FROM trial_user_attrs x {join};
            SELECT x.trial_id, x.attr_key, x.value_json FROM trial_system_attrs x {join}
            """))
        {
            bind(cmd);
            using var r = cmd.ExecuteReader();
            while (r.Read())
            {
                if (!parts.TryGetValue(ReadLong(r, 0), out var p)) continue;
                string name = r.GetString(1);
                p.Params[name] = ReadDouble(r, 2);
                p.Distributions[name] = DistributionJson.Read(r.GetString(3));
            }
            r.NextResult();
            while (r.Read())
                if (parts.TryGetValue(ReadLong(r, 0), out var p)) (p.Values ??= []).Add(ReadDouble(r, 2));
            r.NextResult();
            while (r.Read())
            {
                if (!parts.TryGetValue(ReadLong(r, 0), out var p)) continue;
                int step = (int)ReadLong(r, 1);
                long objective = ReadLong(r, 2);
                double v = ReadDouble(r, 3);
                if (objective < 0) p.Intermediate[step] = v;
                else if (p.Vectors.TryGetValue(step, out var vec)) vec.Add(v);
                else p.Vectors[step] = [v];
            }
            r.NextResult();
            while (r.Read())
                if (parts.TryGetValue(ReadLong(r, 0), out var p)) p.UserAttrs[r.GetString(1)] = AttrJson.Read(r.GetString(2));
            r.NextResult();
            while (r.Read())
                if (parts.TryGetValue(ReadLong(r, 0), out var p)) p.SystemAttrs[r.GetString(1)] = AttrJson.Read(r.GetString(2));
        }

        var trials = new List<FrozenTrial>(headers.Count);
        foreach (var h in headers)
        {
            var p = parts[h.Id];
            trials.Add(new FrozenTrial
            {
                TrialId = h.Id,
                Number = h.Number,
                State = h.State,
                DatetimeStart = h.Start,
                DatetimeComplete = h.Complete,
                Values = p.Values,
                InternalParams = p.Params,
                Distributions = p.Distributions,
                IntermediateValues = p.Intermediate,
                IntermediateVectors = p.Vectors.ToDictionary(kv => kv.Key, kv => (IReadOnlyList<double>)kv.Value),
                UserAttrs = p.UserAttrs,
                SystemAttrs = p.SystemAttrs,
            });
        }
        return trials;
    }

    private sealed class Parts
    {
        public readonly Dictionary<string, double> Params = new(StringComparer.Ordinal);
        public readonly Dictionary<string, Distribution> Distributions = new(StringComparer.Ordinal);
        public List<double>? Values;
        public readonly Dictionary<int, double> Intermediate = [];
        public readonly Dictionary<int, List<double>> Vectors = [];
        public readonly Dictionary<string, object?> UserAttrs = new(StringComparer.Ordinal);
        public readonly Dictionary<string, object?> SystemAttrs = new(StringComparer.Ordinal);
    }
}
