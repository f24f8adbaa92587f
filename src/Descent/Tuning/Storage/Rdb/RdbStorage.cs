using System.Collections.Concurrent;
using System.Data;
using System.Data.Common;
using System.Globalization;

namespace Descent.Tuning;

/// <summary>
/// The <see cref="IStudyStorage"/> contract over a relational database (Optuna's <c>RDBStorage</c> design):
/// one schema (see <c>docs/tuning.md</c>), every write in one short transaction that first locks what it
/// changes, state changes as compare-and-set inside that transaction, and a per-study cache of finished
/// trials (they never change) so samplers re-read only new and unfinished trials. <see cref="SqliteStorage"/>
/// and <see cref="PostgresStorage"/> supply the dialect: connections, transaction kinds, row locks and types.
/// </summary>
public abstract partial class RdbStorage : IStudyStorage, IDisposable
{
    /// <summary>The schema version this build reads and writes (table <c>descent_schema</c>).</summary>
    public const int SchemaVersion = 1;

    private readonly ConcurrentDictionary<long, TrialCache> _caches = new();
    private readonly ConcurrentDictionary<(long StudyId, string Name), Distribution> _studyParams = new();

    private protected RdbStorage(TimeProvider? clock)
    {
        ClientClockGiven = clock is not null;
        Clock = clock ?? TimeProvider.System;
    }

    /// <summary>Where the storage lives, for messages (never includes a password).</summary>
    public abstract string Location { get; }

    /// <summary>Stamps trial datetimes (and, for SQLite or an injected clock, heartbeats).</summary>
    private protected TimeProvider Clock { get; }

    /// <summary>True when a clock was passed to the constructor (tests); it then stamps heartbeats too.</summary>
    private protected bool ClientClockGiven { get; }

    /// <summary>Opens a pooled connection with the session settings applied.</summary>
    private protected abstract DbConnection OpenConnection();

    /// <summary>Starts a write transaction (SQLite: <c>BEGIN IMMEDIATE</c>, taking the database write lock at once).</summary>
    private protected abstract DbTransaction BeginWrite(DbConnection connection);

    /// <summary>
    /// Starts a read transaction, or returns null to run each read statement on its own. Either is correct:
    /// readers take the trial rows first, and a trial seen finished had all its other rows committed before.
    /// </summary>
    private protected abstract DbTransaction? BeginRead(DbConnection connection);

    /// <summary>The clause appended to a <c>SELECT</c> that row-locks what a write transaction is about to change ("" when the whole database is locked).</summary>
    private protected abstract string LockClause { get; }

    /// <summary>Column type of auto-increment primary keys (ids are never reused, so cached ids stay meaningful).</summary>
    private protected abstract string IdColumnType { get; }

    /// <summary>Column type of ids that reference another table.</summary>
    private protected abstract string ReferenceType { get; }

    /// <summary>Column type of doubles.</summary>
    private protected abstract string RealType { get; }

    /// <summary>Column type of datetimes.</summary>
    private protected abstract string TimeType { get; }

    /// <summary>Adds a datetime parameter (null allowed).</summary>
    private protected abstract void AddTime(DbCommand command, string name, DateTimeOffset? value);

    /// <summary>Reads a datetime column (null allowed).</summary>
    private protected abstract DateTimeOffset? ReadTime(DbDataReader reader, int ordinal);

    /// <summary>A condition "<paramref name="column"/> is in the id list parameter <paramref name="parameter"/>".</summary>
    private protected abstract string InIdList(string column, string parameter);

    /// <summary>Adds the id list parameter used by <see cref="InIdList"/>.</summary>
    private protected abstract void AddIdList(DbCommand command, string name, IReadOnlyList<long> ids);

    /// <summary>Whether <paramref name="e"/> is a unique-constraint violation.</summary>
    private protected abstract bool IsUniqueViolation(DbException e);

    /// <summary>Whether a table of this name is visible to the connection.</summary>
    private protected abstract bool TableExists(DbConnection connection, DbTransaction tx, string table);

    /// <summary>Serializes schema creation between processes (SQLite's write lock already does).</summary>
    private protected virtual void LockSchema(DbConnection connection, DbTransaction tx) { }

    /// <summary>
    /// The SQL expression for "now" in heartbeats: a bound parameter from <see cref="Clock"/>, or a server
    /// clock so that workers on machines with skewed clocks agree on which trials are stale.
    /// </summary>
    private protected virtual string HeartbeatNow(DbCommand command)
    {
        AddTime(command, "@now", Clock.GetUtcNow());
        return "@now";
    }

    /// <summary>The condition on heartbeat column <paramref name="column"/> meaning "older than <paramref name="grace"/>".</summary>
    private protected virtual string StaleCondition(DbCommand command, string column, TimeSpan grace)
    {
        AddTime(command, "@limit", Clock.GetUtcNow() - grace);
        return column + " < @limit";
    }

    /// <summary>Releases pooled connections.</summary>
    public void Dispose()
    {
        Dispose(true);
        GC.SuppressFinalize(this);
    }

    /// <summary>Releases pooled connections (derived classes close their pools).</summary>
    protected virtual void Dispose(bool disposing) { }

    /// <summary>Creates the schema on an empty database or checks its version; wraps connection failures in a one-line <see cref="StorageException"/>.</summary>
    private protected void InitializeSchema()
    {
        try
        {
            using var conn = OpenConnection();
            using var tx = BeginWrite(conn);
            LockSchema(conn, tx);
            if (TableExists(conn, tx, "descent_schema"))
            {
                using var cmd = Command(conn, tx, "SELECT MAX(version) FROM descent_schema");
                object? v = cmd.ExecuteScalar();
                if (v is null or DBNull) throw new StorageException($"{Location}: table descent_schema holds no schema version");
                long version = Convert.ToInt64(v, CultureInfo.InvariantCulture);
                if (version != SchemaVersion)
                    throw new StorageException(
                        $"{Location}: the database has storage schema version {version}, but this build of Descent reads schema version {SchemaVersion}");
                tx.Commit();
                return;
            }
            foreach (var table in new[] { "studies", "trials" })
                if (TableExists(conn, tx, table))
                    throw new StorageException($"{Location}: has a table \"{table}\" but no descent_schema table, so it is not a Descent study database (an Optuna database?)");
            // One batch: a round trip per statement made opening a fresh PostgreSQL schema noticeably slower.
            string ddl = string.Join(";\n", RdbSchema.Statements(IdColumnType, ReferenceType, RealType, TimeType));
            using (var cmd = Command(conn, tx, ddl + ";\nINSERT INTO descent_schema (version) VALUES (@v)"))
            {
                Add(cmd, "@v", SchemaVersion);
                cmd.ExecuteNonQuery();
            }
            tx.Commit();
        }
        catch (Exception e) when (e is DbException or System.Net.Sockets.SocketException or TimeoutException or IOException)
        {
            throw new StorageException($"{Location}: {Describe(e)}", e);
        }
    }

    /// <summary>A provider exception as one line: its first line, plus its inner exception's when that adds the cause.</summary>
    private protected static string Describe(Exception e)
    {
        string message = StorageException.FirstLine(e.Message);
        if (e.InnerException is { } inner)
        {
            string cause = StorageException.FirstLine(inner.Message);
            if (cause.Length > 0 && !message.Contains(cause, StringComparison.Ordinal)) message += ": " + cause;
        }
        return message;
    }

    private T Write<T>(Func<DbConnection, DbTransaction, T> body)
    {
        using var conn = OpenConnection();
        using var tx = BeginWrite(conn);
        var result = body(conn, tx);
        tx.Commit();
        return result;
    }

    private void Write(Action<DbConnection, DbTransaction> body) => Write<bool>((c, t) => { body(c, t); return true; });

    private T Read<T>(Func<DbConnection, DbTransaction?, T> body)
    {
        using var conn = OpenConnection();
        using var tx = BeginRead(conn);
        var result = body(conn, tx);
        tx?.Commit();
        return result;
    }

    private protected static DbCommand Command(DbConnection connection, DbTransaction? tx, string sql)
    {
        var cmd = connection.CreateCommand();
        cmd.Transaction = tx;
        cmd.CommandText = sql;
        return cmd;
    }

    private protected static void Add(DbCommand command, string name, object? value)
    {
        var p = command.CreateParameter();
        p.ParameterName = name;
        p.Value = value ?? DBNull.Value;
        command.Parameters.Add(p);
    }

    /// <summary>Binds a double; NaN is stored as NULL (SQLite cannot store NaN; both back ends read NULL back as NaN).</summary>
    private protected static void AddDouble(DbCommand command, string name, double value)
    {
        var p = command.CreateParameter();
        p.ParameterName = name;
        p.DbType = DbType.Double;
        p.Value = double.IsNaN(value) ? DBNull.Value : value;
        command.Parameters.Add(p);
    }

    private static double ReadDouble(DbDataReader reader, int ordinal) =>
        reader.IsDBNull(ordinal) ? double.NaN : reader.GetDouble(ordinal);

    private static long ReadLong(DbDataReader reader, int ordinal) =>
        Convert.ToInt64(reader.GetValue(ordinal), CultureInfo.InvariantCulture);

    private static object? Scalar(DbConnection connection, DbTransaction? tx, string sql, params (string Name, object? Value)[] parameters)
    {
        using var cmd = Command(connection, tx, sql);
        foreach (var (name, value) in parameters) Add(cmd, name, value);
        var v = cmd.ExecuteScalar();
        return v is DBNull ? null : v;
    }

    private static int Execute(DbConnection connection, DbTransaction tx, string sql, params (string Name, object? Value)[] parameters)
    {
        using var cmd = Command(connection, tx, sql);
        foreach (var (name, value) in parameters) Add(cmd, name, value);
        return cmd.ExecuteNonQuery();
    }

    internal static string StateName(TrialState state) => state switch
    {
        TrialState.Running => "RUNNING",
        TrialState.Complete => "COMPLETE",
        TrialState.Pruned => "PRUNED",
        TrialState.Failed => "FAIL",
        TrialState.Waiting => "WAITING",
        _ => throw new DescentInternalException($"no storage name for trial state {state}"),
    };

    internal static TrialState ParseState(string name) => name switch
    {
        "RUNNING" => TrialState.Running,
        "COMPLETE" => TrialState.Complete,
        "PRUNED" => TrialState.Pruned,
        "FAIL" => TrialState.Failed,
        "WAITING" => TrialState.Waiting,
        _ => throw new FormatException($"unknown stored trial state \"{name}\""),
    };

    private static int Mask(IReadOnlyCollection<TrialState>? states)
    {
        if (states is null) return ~0;
        int mask = 0;
        foreach (var s in states) mask |= 1 << (int)s;
        return mask;
    }

    private static bool InMask(int mask, TrialState state) => (mask & (1 << (int)state)) != 0;

    /// <summary>"state IN ('A', 'B')" for the states in <paramref name="mask"/> (enum names only, never user text).</summary>
    private static string StateCondition(int mask)
    {
        var names = new List<string>();
        foreach (var s in Enum.GetValues<TrialState>())
            if (InMask(mask, s)) names.Add("'" + StateName(s) + "'");
        return "state IN (" + string.Join(", ", names) + ")";
    }
}
