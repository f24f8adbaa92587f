using System.Data.Common;
using System.Globalization;

namespace Descent.Tuning;

public abstract partial class RdbStorage
{
    /// <inheritdoc />
    public (long TrialId, int Number) CreateTrial(long studyId, FrozenTrial? template = null) => Write((c, tx) =>
    {
        // The study row lock (PostgreSQL) or the database write lock (SQLite) makes number assignment atomic;
        // ids come from the identity after the lock, so within a study they increase with the number.
        object? next = Scalar(c, tx, "SELECT next_trial_number FROM studies WHERE study_id = @s" + LockClause, ("@s", studyId));
        if (next is null) throw NoStudy(studyId);
        int number = Convert.ToInt32(next, CultureInfo.InvariantCulture);
        Execute(c, tx, "UPDATE studies SET next_trial_number = @n WHERE study_id = @s", ("@n", number + 1), ("@s", studyId));

        var now = Clock.GetUtcNow();
        var state = template?.State ?? TrialState.Running;
        DateTimeOffset? start = template is null ? now : template.DatetimeStart ?? (template.State == TrialState.Waiting ? null : now);
        if (template is not null)
            foreach (var (name, dist) in template.Distributions) CheckAndSetDistribution(c, tx, studyId, name, dist);

        long trialId;
        using (var cmd = Command(c, tx, """
            INSERT INTO trials (study_id, number, state, datetime_start, datetime_complete)
            VALUES (@s, @n, @st, @start, @complete) RETURNING trial_id
            """))
        {
            Add(cmd, "@s", studyId);
            Add(cmd, "@n", number);
            Add(cmd, "@st", StateName(state));
            AddTime(cmd, "@start", start);
            AddTime(cmd, "@complete", template?.DatetimeComplete);
            trialId = Convert.ToInt64(cmd.ExecuteScalar(), CultureInfo.InvariantCulture);
        }
        if (template is not null) CopyTemplate(c, tx, trialId, template);
        return (trialId, number);
    });

    private void CopyTemplate(DbConnection c, DbTransaction tx, long trialId, FrozenTrial template)
    {
        foreach (var (name, value) in template.InternalParams)
        {
            if (!template.Distributions.TryGetValue(name, out var dist))
                throw new ArgumentException($"{name}: the template trial has no distribution for this parameter", nameof(template));
            InsertParam(c, tx, trialId, name, value, dist);
        }
        if (template.Values is { } values) InsertValues(c, tx, trialId, values);
        foreach (var (step, v) in template.IntermediateValues) InsertIntermediate(c, tx, trialId, step, -1, v);
        foreach (var (step, vector) in template.IntermediateVectors)
            for (int i = 0; i < vector.Count; i++) InsertIntermediate(c, tx, trialId, step, i, vector[i]);
        foreach (var (k, v) in template.UserAttrs) UpsertTrialAttr(c, tx, "trial_user_attrs", trialId, k, AttrJson.Write(v));
        foreach (var (k, v) in template.SystemAttrs) UpsertTrialAttr(c, tx, "trial_system_attrs", trialId, k, AttrJson.Write(v));
    }

    /// <inheritdoc />
    public void SetTrialParam(long trialId, string name, double internalValue, Distribution distribution)
    {
        ArgumentNullException.ThrowIfNull(name);
        ArgumentNullException.ThrowIfNull(distribution);
        Write((c, tx) =>
        {
            var (studyId, _) = LockUnfinished(c, tx, trialId);
            CheckAndSetDistribution(c, tx, studyId, name, distribution);
            InsertParam(c, tx, trialId, name, internalValue, distribution);
        });
    }

    /// <inheritdoc />
    public bool TrySetTrialState(long trialId, TrialState expected, TrialState state, IReadOnlyList<double>? values = null)
    {
        if (expected.IsFinished())
            throw new ArgumentException($"finished trials never change state; expected state {expected} cannot be compared-and-set", nameof(expected));
        return Write((c, tx) =>
        {
            // Compare-and-set under the row lock: of two workers claiming or finishing the trial, the second
            // waits for the first to commit and then sees a state other than the one it expected.
            var (_, _, current) = LockTrial(c, tx, trialId);
            if (current != expected) return false;
            bool finished = state.IsFinished();
            var sql = new System.Text.StringBuilder("UPDATE trials SET state = @st");
            if (state == TrialState.Running) sql.Append(", datetime_start = @now");
            if (finished) sql.Append(", datetime_complete = @now");
            sql.Append(" WHERE trial_id = @t");
            if (finished)
            {
                // One batch: the values, and no heartbeat left behind (a finished trial is never stale).
                sql.Append("; DELETE FROM trial_values WHERE trial_id = @t; DELETE FROM trial_heartbeats WHERE trial_id = @t");
                for (int i = 0; i < (values?.Count ?? 0); i++)
                    sql.Append(CultureInfo.InvariantCulture, $"; INSERT INTO trial_values (trial_id, objective, value) VALUES (@t, {i}, @v{i})");
            }
            using var cmd = Command(c, tx, sql.ToString());
            Add(cmd, "@st", StateName(state));
            Add(cmd, "@t", trialId);
            if (state == TrialState.Running || finished) AddTime(cmd, "@now", Clock.GetUtcNow());
            for (int i = 0; i < (finished ? values?.Count ?? 0 : 0); i++) AddDouble(cmd, "@v" + i.ToString(CultureInfo.InvariantCulture), values![i]);
            cmd.ExecuteNonQuery();
            return true;
        });
    }

    /// <inheritdoc />
    public void SetTrialIntermediateValue(long trialId, int step, IReadOnlyList<double> values)
    {
        ArgumentNullException.ThrowIfNull(values);
        if (values.Count == 0) throw new ArgumentException("at least one intermediate value is needed", nameof(values));
        Write((c, tx) =>
        {
            LockUnfinished(c, tx, trialId);
            // A scalar (objective -1) and a vector at the same step are kept apart, as in InMemoryStorage.
            Execute(c, tx, "DELETE FROM trial_intermediate_values WHERE trial_id = @t AND step = @s AND "
                + (values.Count == 1 ? "objective = -1" : "objective >= 0"), ("@t", trialId), ("@s", step));
            if (values.Count == 1) InsertIntermediate(c, tx, trialId, step, -1, values[0]);
            else for (int i = 0; i < values.Count; i++) InsertIntermediate(c, tx, trialId, step, i, values[i]);
        });
    }

    /// <inheritdoc />
    public void SetTrialUserAttr(long trialId, string key, object? value) => SetTrialAttr("trial_user_attrs", trialId, key, value);

    /// <inheritdoc />
    public void SetTrialSystemAttr(long trialId, string key, object? value) => SetTrialAttr("trial_system_attrs", trialId, key, value);

    private void SetTrialAttr(string table, long trialId, string key, object? value)
    {
        ArgumentNullException.ThrowIfNull(key);
        string json = AttrJson.Write(AttrValues.Normalize(value));
        Write((c, tx) =>
        {
            LockUnfinished(c, tx, trialId);
            UpsertTrialAttr(c, tx, table, trialId, key, json);
        });
    }

    /// <inheritdoc />
    public void RecordHeartbeat(long trialId) => Write((c, tx) =>
    {
        var (_, _, state) = LockTrial(c, tx, trialId);
        if (state != TrialState.Running) return;
        using var cmd = Command(c, tx, "");
        string now = HeartbeatNow(cmd);
        cmd.CommandText = $"""
            INSERT INTO trial_heartbeats (trial_id, heartbeat) VALUES (@t, {now})
            ON CONFLICT (trial_id) DO UPDATE SET heartbeat = excluded.heartbeat
            """;
        Add(cmd, "@t", trialId);
        cmd.ExecuteNonQuery();
    });

    /// <inheritdoc />
    public IReadOnlyList<long> GetStaleTrialIds(long studyId, TimeSpan gracePeriod) => Read((c, tx) =>
    {
        var ids = new List<long>();
        using (var cmd = Command(c, tx, ""))
        {
            string stale = StaleCondition(cmd, "h.heartbeat", gracePeriod);
            cmd.CommandText = $"""
                SELECT t.trial_id FROM trials t JOIN trial_heartbeats h ON h.trial_id = t.trial_id
                WHERE t.study_id = @s AND t.state = 'RUNNING' AND {stale} ORDER BY t.trial_id
                """;
            Add(cmd, "@s", studyId);
            using var r = cmd.ExecuteReader();
            while (r.Read()) ids.Add(ReadLong(r, 0));
        }
        if (ids.Count == 0) RequireStudy(c, tx, studyId, false);
        return (IReadOnlyList<long>)ids;
    });

    /// <summary>Row-locks the trial for this write transaction and returns its study, number and state.</summary>
    private (long StudyId, int Number, TrialState State) LockTrial(DbConnection c, DbTransaction tx, long trialId)
    {
        using var cmd = Command(c, tx, "SELECT study_id, number, state FROM trials WHERE trial_id = @t" + LockClause);
        Add(cmd, "@t", trialId);
        using var r = cmd.ExecuteReader();
        if (!r.Read()) throw new KeyNotFoundException($"no trial with id {trialId}");
        return (ReadLong(r, 0), (int)ReadLong(r, 1), ParseState(r.GetString(2)));
    }

    /// <summary><see cref="LockTrial"/>, throwing <see cref="TrialFinishedException"/> when the trial is finished (so no write can reach a finished trial).</summary>
    private (long StudyId, int Number) LockUnfinished(DbConnection c, DbTransaction tx, long trialId)
    {
        var (studyId, number, state) = LockTrial(c, tx, trialId);
        if (state.IsFinished()) throw new TrialFinishedException($"trial #{number} is already {state} and cannot be modified");
        return (studyId, number);
    }

    /// <summary>
    /// Records the study's first distribution for <paramref name="name"/> (insert-if-absent) and checks the given one
    /// against what is stored. Re-reading after the insert makes the check see a concurrent worker's first use too.
    /// </summary>
    private void CheckAndSetDistribution(DbConnection c, DbTransaction tx, long studyId, string name, Distribution distribution)
    {
        // A study's recorded distributions never change (rows are only ever inserted), so a compatible one seen
        // before settles the check without a round trip.
        if (_studyParams.TryGetValue((studyId, name), out var known) && Distribution.AreCompatible(known, distribution)) return;
        Execute(c, tx, """
            INSERT INTO study_params (study_id, param_name, distribution_json) VALUES (@s, @p, @d)
            ON CONFLICT (study_id, param_name) DO NOTHING
            """, ("@s", studyId), ("@p", name), ("@d", DistributionJson.Write(distribution)));
        var stored = DistributionJson.Read((string)Scalar(c, tx,
            "SELECT distribution_json FROM study_params WHERE study_id = @s AND param_name = @p", ("@s", studyId), ("@p", name))!);
        _studyParams.TryAdd((studyId, name), stored);
        if (!Distribution.AreCompatible(stored, distribution))
            throw new ArgumentException(
                $"{name}: the study already uses {stored}; a parameter keeps its kind (and categorical choices) across trials, got {distribution}");
    }

    private static void InsertParam(DbConnection c, DbTransaction tx, long trialId, string name, double value, Distribution distribution)
    {
        using var cmd = Command(c, tx, """
            INSERT INTO trial_params (trial_id, param_name, internal_value, distribution_json) VALUES (@t, @p, @v, @d)
            ON CONFLICT (trial_id, param_name) DO UPDATE SET internal_value = excluded.internal_value, distribution_json = excluded.distribution_json
            """);
        Add(cmd, "@t", trialId);
        Add(cmd, "@p", name);
        AddDouble(cmd, "@v", value);
        Add(cmd, "@d", DistributionJson.Write(distribution));
        cmd.ExecuteNonQuery();
    }

    private static void InsertValues(DbConnection c, DbTransaction tx, long trialId, IReadOnlyList<double> values)
    {
        for (int i = 0; i < values.Count; i++)
        {
            using var cmd = Command(c, tx, "INSERT INTO trial_values (trial_id, objective, value) VALUES (@t, @o, @v)");
            Add(cmd, "@t", trialId);
            Add(cmd, "@o", i);
            AddDouble(cmd, "@v", values[i]);
            cmd.ExecuteNonQuery();
        }
    }

    private static void InsertIntermediate(DbConnection c, DbTransaction tx, long trialId, int step, int objective, double value)
    {
        using var cmd = Command(c, tx, "INSERT INTO trial_intermediate_values (trial_id, step, objective, value) VALUES (@t, @s, @o, @v)");
        Add(cmd, "@t", trialId);
        Add(cmd, "@s", step);
        Add(cmd, "@o", objective);
        AddDouble(cmd, "@v", value);
        cmd.ExecuteNonQuery();
    }

    private static void UpsertTrialAttr(DbConnection c, DbTransaction tx, string table, long trialId, string key, string json) =>
        Execute(c, tx, $"""
            INSERT INTO {table} (trial_id, attr_key, value_json) VALUES (@t, @k, @v)
            ON CONFLICT (trial_id, attr_key) DO UPDATE SET value_json = excluded.value_json
            """, ("@t", trialId), ("@k", key), ("@v", json));
}
