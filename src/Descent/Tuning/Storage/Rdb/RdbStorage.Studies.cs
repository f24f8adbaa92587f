using System.Collections.ObjectModel;
using System.Data.Common;

namespace Descent.Tuning;

public abstract partial class RdbStorage
{
    /// <inheritdoc />
    public long CreateStudy(string studyName, IReadOnlyList<StudyDirection> directions)
    {
        ArgumentException.ThrowIfNullOrEmpty(studyName);
        ArgumentNullException.ThrowIfNull(directions);
        if (directions.Count == 0) throw new ArgumentException("a study needs at least one direction", nameof(directions));
        try
        {
            return Write((c, tx) =>
            {
                if (Scalar(c, tx, "SELECT study_id FROM studies WHERE study_name = @n", ("@n", studyName)) is not null)
                    throw new DuplicateStudyException($"a study named \"{studyName}\" already exists");
                long id = Convert.ToInt64(Scalar(c, tx, "INSERT INTO studies (study_name) VALUES (@n) RETURNING study_id", ("@n", studyName)),
                    System.Globalization.CultureInfo.InvariantCulture);
                for (int i = 0; i < directions.Count; i++)
                    Execute(c, tx, "INSERT INTO study_directions (study_id, objective, direction) VALUES (@s, @o, @d)",
                        ("@s", id), ("@o", i), ("@d", directions[i] == StudyDirection.Maximize ? "MAXIMIZE" : "MINIMIZE"));
                return id;
            });
        }
        catch (DbException e) when (IsUniqueViolation(e))
        {
            // PostgreSQL: another worker created the name between our check and our insert.
            throw new DuplicateStudyException($"a study named \"{studyName}\" already exists", e);
        }
    }

    /// <inheritdoc />
    public void DeleteStudy(long studyId)
    {
        Write((c, tx) =>
        {
            if (Execute(c, tx, "DELETE FROM studies WHERE study_id = @s", ("@s", studyId)) == 0) throw NoStudy(studyId);
        });
        _caches.TryRemove(studyId, out _);
        foreach (var key in _studyParams.Keys)
            if (key.StudyId == studyId) _studyParams.TryRemove(key, out _);
    }

    /// <inheritdoc />
    public long? FindStudyId(string studyName) =>
        Read((c, tx) => Scalar(c, tx, "SELECT study_id FROM studies WHERE study_name = @n", ("@n", studyName)) is { } v
            ? Convert.ToInt64(v, System.Globalization.CultureInfo.InvariantCulture) : (long?)null);

    /// <inheritdoc />
    public string GetStudyName(long studyId) =>
        Read((c, tx) => (string?)Scalar(c, tx, "SELECT study_name FROM studies WHERE study_id = @s", ("@s", studyId)) ?? throw NoStudy(studyId));

    /// <inheritdoc />
    public IReadOnlyList<StudyDirection> GetStudyDirections(long studyId) => Read((c, tx) =>
    {
        var directions = Directions(c, tx, studyId);
        if (directions.Length == 0) throw NoStudy(studyId); // every study has at least one direction
        return directions;
    });

    /// <inheritdoc />
    public IReadOnlyList<StudySummary> GetAllStudies() => Read((c, tx) =>
    {
        var names = new List<(long Id, string Name)>();
        using (var cmd = Command(c, tx, "SELECT study_id, study_name FROM studies ORDER BY study_id"))
        using (var r = cmd.ExecuteReader())
            while (r.Read()) names.Add((ReadLong(r, 0), r.GetString(1)));
        var result = new List<StudySummary>(names.Count);
        foreach (var (id, name) in names) result.Add(new StudySummary(id, name, Directions(c, tx, id)));
        return (IReadOnlyList<StudySummary>)result;
    });

    /// <inheritdoc />
    public void SetStudyUserAttr(long studyId, string key, object? value) => SetStudyAttr("study_user_attrs", studyId, key, value);

    /// <inheritdoc />
    public void SetStudySystemAttr(long studyId, string key, object? value) => SetStudyAttr("study_system_attrs", studyId, key, value);

    /// <inheritdoc />
    public IReadOnlyDictionary<string, object?> GetStudyUserAttrs(long studyId) => GetStudyAttrs("study_user_attrs", studyId);

    /// <inheritdoc />
    public IReadOnlyDictionary<string, object?> GetStudySystemAttrs(long studyId) => GetStudyAttrs("study_system_attrs", studyId);

    private void SetStudyAttr(string table, long studyId, string key, object? value)
    {
        ArgumentNullException.ThrowIfNull(key);
        string json = AttrJson.Write(AttrValues.Normalize(value));
        Write((c, tx) =>
        {
            RequireStudy(c, tx, studyId, true);
            Execute(c, tx, $"""
                INSERT INTO {table} (study_id, attr_key, value_json) VALUES (@s, @k, @v)
                ON CONFLICT (study_id, attr_key) DO UPDATE SET value_json = excluded.value_json
                """, ("@s", studyId), ("@k", key), ("@v", json));
        });
    }

    private IReadOnlyDictionary<string, object?> GetStudyAttrs(string table, long studyId) => Read((c, tx) =>
    {
        var attrs = new Dictionary<string, object?>(StringComparer.Ordinal);
        using (var cmd = Command(c, tx, $"SELECT attr_key, value_json FROM {table} WHERE study_id = @s"))
        {
            Add(cmd, "@s", studyId);
            using var r = cmd.ExecuteReader();
            while (r.Read()) attrs[r.GetString(0)] = AttrJson.Read(r.GetString(1));
        }
        if (attrs.Count == 0) RequireStudy(c, tx, studyId, false);
        return (IReadOnlyDictionary<string, object?>)new ReadOnlyDictionary<string, object?>(attrs);
    });

    private static StudyDirection[] Directions(DbConnection c, DbTransaction? tx, long studyId)
    {
        var result = new List<StudyDirection>();
        using var cmd = Command(c, tx, "SELECT direction FROM study_directions WHERE study_id = @s ORDER BY objective");
        Add(cmd, "@s", studyId);
        using var r = cmd.ExecuteReader();
        while (r.Read()) result.Add(r.GetString(0) == "MAXIMIZE" ? StudyDirection.Maximize : StudyDirection.Minimize);
        return result.ToArray();
    }

    /// <summary>Throws <see cref="KeyNotFoundException"/> for an unknown study; with <paramref name="lockRow"/>, row-locks it for this write transaction.</summary>
    private void RequireStudy(DbConnection c, DbTransaction? tx, long studyId, bool lockRow)
    {
        if (Scalar(c, tx, "SELECT study_id FROM studies WHERE study_id = @s" + (lockRow ? LockClause : ""), ("@s", studyId)) is null)
            throw NoStudy(studyId);
    }

    private static KeyNotFoundException NoStudy(long studyId) => new($"no study with id {studyId}");
}
