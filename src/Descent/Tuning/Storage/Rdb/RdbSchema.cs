namespace Descent.Tuning;

/// <summary>
/// The relational schema, version <see cref="RdbStorage.SchemaVersion"/>, written once for both back ends;
/// only the column types differ (SQLite: <c>INTEGER PRIMARY KEY AUTOINCREMENT</c>, <c>REAL</c>, datetimes as
/// integer microseconds since the Unix epoch; PostgreSQL: identity <c>BIGINT</c>, <c>DOUBLE PRECISION</c>,
/// <c>TIMESTAMPTZ</c>). Doubles that are NaN are stored as NULL. JSON columns hold <see cref="AttrJson"/> text.
/// </summary>
internal static class RdbSchema
{
    /// <summary>The DDL statements creating every table and index, in dependency order.</summary>
    public static IEnumerable<string> Statements(string id, string reference, string real, string time)
    {
        string study = $"study_id {reference} NOT NULL REFERENCES studies (study_id) ON DELETE CASCADE";
        string trial = $"trial_id {reference} NOT NULL REFERENCES trials (trial_id) ON DELETE CASCADE";
        yield return "CREATE TABLE descent_schema (version INTEGER NOT NULL)";
        yield return $"""
            CREATE TABLE studies (
                study_id {id},
                study_name TEXT NOT NULL UNIQUE,
                next_trial_number INTEGER NOT NULL DEFAULT 0)
            """;
        yield return $"""
            CREATE TABLE study_directions (
                {study},
                objective INTEGER NOT NULL,
                direction TEXT NOT NULL CHECK (direction IN ('MINIMIZE', 'MAXIMIZE')),
                PRIMARY KEY (study_id, objective))
            """;
        foreach (var kind in new[] { "user", "system" })
            yield return $"""
                CREATE TABLE study_{kind}_attrs (
                    {study},
                    attr_key TEXT NOT NULL,
                    value_json TEXT NOT NULL,
                    PRIMARY KEY (study_id, attr_key))
                """;
        // The first distribution each parameter name was used with: checks that a name keeps its kind.
        yield return $"""
            CREATE TABLE study_params (
                {study},
                param_name TEXT NOT NULL,
                distribution_json TEXT NOT NULL,
                PRIMARY KEY (study_id, param_name))
            """;
        yield return $"""
            CREATE TABLE trials (
                trial_id {id},
                {study},
                number INTEGER NOT NULL,
                state TEXT NOT NULL CHECK (state IN ('RUNNING', 'COMPLETE', 'PRUNED', 'FAIL', 'WAITING')),
                datetime_start {time},
                datetime_complete {time},
                UNIQUE (study_id, number))
            """;
        yield return "CREATE INDEX trials_study_state ON trials (study_id, state)";
        yield return $"""
            CREATE TABLE trial_params (
                {trial},
                param_name TEXT NOT NULL,
                internal_value {real} NOT NULL,
                distribution_json TEXT NOT NULL,
                PRIMARY KEY (trial_id, param_name))
            """;
        yield return $"""
            CREATE TABLE trial_values (
                {trial},
                objective INTEGER NOT NULL,
                value {real},
                PRIMARY KEY (trial_id, objective))
            """;
        // objective = -1 holds a single-objective intermediate value; 0, 1, … the components of a reported vector.
        yield return $"""
            CREATE TABLE trial_intermediate_values (
                {trial},
                step INTEGER NOT NULL,
                objective INTEGER NOT NULL,
                value {real},
                PRIMARY KEY (trial_id, step, objective))
            """;
        foreach (var kind in new[] { "user", "system" })
            yield return $"""
                CREATE TABLE trial_{kind}_attrs (
                    {trial},
                    attr_key TEXT NOT NULL,
                    value_json TEXT NOT NULL,
                    PRIMARY KEY (trial_id, attr_key))
                """;
        yield return $"""
            CREATE TABLE trial_heartbeats (
                {trial} PRIMARY KEY,
                heartbeat {time} NOT NULL)
            """;
    }
}
