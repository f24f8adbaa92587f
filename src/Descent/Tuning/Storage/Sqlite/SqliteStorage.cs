using System.Data;
using System.Data.Common;
using System.Globalization;
using Microsoft.Data.Sqlite;

namespace Descent.Tuning;

/// <summary>
/// A study database in one SQLite file, shared by the threads and processes of one machine (Optuna's
/// RDB storage on SQLite). The file is in WAL mode (readers never block the writer); every write is one
/// <c>BEGIN IMMEDIATE</c> transaction, which takes the database write lock before reading what it will change,
/// so compare-and-set state changes and trial-number assignment are atomic across processes; a busy
/// database is waited for (<see cref="BusyTimeout"/>). Not for network file systems (SQLite's locks do not
/// work there): use <see cref="PostgresStorage"/> to share a study between machines.
/// </summary>
public sealed class SqliteStorage : RdbStorage
{
    /// <summary>How long a write waits for another connection's write lock before failing.</summary>
    public static readonly TimeSpan BusyTimeout = TimeSpan.FromSeconds(60);

    private readonly string _connectionString;
    private readonly string _pragmas;

    /// <summary>Opens (creating if needed) the study database at <paramref name="urlOrPath"/>.</summary>
    /// <param name="urlOrPath"><c>sqlite:///relative/path.db</c>, <c>sqlite:////absolute/path.db</c> (SQLAlchemy's URL form,
    /// as Optuna uses), or a plain file path.</param>
    /// <param name="clock">Stamps datetimes and heartbeats; null uses the system clock.</param>
    /// <exception cref="StorageException">The URL is malformed, the file cannot be opened or is not a study database, or its schema version differs.</exception>
    public SqliteStorage(string urlOrPath, TimeProvider? clock = null) : base(clock)
    {
        ArgumentNullException.ThrowIfNull(urlOrPath);
        Path = System.IO.Path.GetFullPath(ParsePath(urlOrPath));
        Location = "sqlite:///" + Path;
        _connectionString = new SqliteConnectionStringBuilder
        {
            DataSource = Path,
            Mode = SqliteOpenMode.ReadWriteCreate,
            Cache = SqliteCacheMode.Private,
            Pooling = true,
            ForeignKeys = true,
            DefaultTimeout = (int)BusyTimeout.TotalSeconds,
        }.ToString();
        // busy_timeout makes SQLite itself wait (with back-off) for a lock; synchronous=NORMAL is safe with WAL
        // (a power cut may lose the latest commits, never corrupt the file) and avoids an fsync per commit.
        _pragmas = $"PRAGMA busy_timeout = {(int)BusyTimeout.TotalMilliseconds}; PRAGMA synchronous = NORMAL;";
        try
        {
            using var conn = OpenConnection();
            using var cmd = Command(conn, null, "PRAGMA journal_mode = WAL");
            string mode = Convert.ToString(cmd.ExecuteScalar(), CultureInfo.InvariantCulture) ?? "";
            if (!mode.Equals("wal", StringComparison.OrdinalIgnoreCase))
                throw new StorageException($"{Location}: could not switch the database to WAL mode (journal mode is {mode})");
        }
        catch (SqliteException e)
        {
            throw new StorageException($"{Location}: {Describe(e)}", e);
        }
        InitializeSchema();
    }

    /// <summary>The absolute path of the database file.</summary>
    public string Path { get; }

    /// <inheritdoc />
    public override string Location { get; }

    /// <summary>
    /// The file path of a <c>sqlite:///</c> URL: what follows the third slash, so <c>sqlite:///a.db</c> is relative to the
    /// working directory and <c>sqlite:////tmp/a.db</c> absolute (SQLAlchemy's rule). Text without a scheme is a path.
    /// </summary>
    /// <exception cref="StorageException">Another scheme, a host part, or an empty or in-memory path.</exception>
    public static string ParsePath(string urlOrPath)
    {
        ArgumentNullException.ThrowIfNull(urlOrPath);
        if (!urlOrPath.Contains("://", StringComparison.Ordinal))
            return urlOrPath.Length > 0 ? urlOrPath : throw new StorageException("SQLite storage: empty database path");
        const string prefix = "sqlite:///";
        if (!urlOrPath.StartsWith(prefix, StringComparison.OrdinalIgnoreCase))
            throw new StorageException(
                $"SQLite storage URL \"{urlOrPath}\" must look like sqlite:///relative/path.db or sqlite:////absolute/path.db");
        string path = Uri.UnescapeDataString(urlOrPath[prefix.Length..]);
        int query = path.IndexOf('?', StringComparison.Ordinal);
        if (query >= 0) path = path[..query];
        if (path.Length == 0 || path == ":memory:")
            throw new StorageException($"SQLite storage URL \"{urlOrPath}\" names no database file (for a study in memory use memory://)");
        return path;
    }

    private protected override DbConnection OpenConnection()
    {
        var conn = new SqliteConnection(_connectionString);
        try
        {
            conn.Open();
            using var cmd = conn.CreateCommand();
            cmd.CommandText = _pragmas;
            cmd.ExecuteNonQuery();
            return conn;
        }
        catch
        {
            conn.Dispose();
            throw;
        }
    }

    private protected override DbTransaction BeginWrite(DbConnection connection) =>
        ((SqliteConnection)connection).BeginTransaction(deferred: false); // BEGIN IMMEDIATE

    private protected override DbTransaction? BeginRead(DbConnection connection) =>
        ((SqliteConnection)connection).BeginTransaction(deferred: true); // BEGIN (DEFERRED): a WAL read snapshot

    private protected override string LockClause => ""; // BEGIN IMMEDIATE already holds the database write lock

    private protected override string IdColumnType => "INTEGER PRIMARY KEY AUTOINCREMENT"; // AUTOINCREMENT: ids of deleted rows are never reused

    private protected override string ReferenceType => "INTEGER";

    private protected override string RealType => "REAL";

    private protected override string TimeType => "INTEGER"; // microseconds since 1970-01-01 UTC

    private protected override void AddTime(DbCommand command, string name, DateTimeOffset? value)
    {
        var p = command.CreateParameter();
        p.ParameterName = name;
        p.DbType = DbType.Int64;
        p.Value = value is { } v ? (v.UtcTicks - DateTimeOffset.UnixEpoch.UtcTicks) / 10 : DBNull.Value;
        command.Parameters.Add(p);
    }

    private protected override DateTimeOffset? ReadTime(DbDataReader reader, int ordinal) =>
        reader.IsDBNull(ordinal) ? null : new DateTimeOffset(DateTimeOffset.UnixEpoch.UtcTicks + reader.GetInt64(ordinal) * 10, TimeSpan.Zero);

    private protected override string InIdList(string column, string parameter) => $"{column} IN (SELECT value FROM json_each({parameter}))";

    private protected override void AddIdList(DbCommand command, string name, IReadOnlyList<long> ids) =>
        Add(command, name, "[" + string.Join(",", ids.Select(i => i.ToString(CultureInfo.InvariantCulture))) + "]");

    private protected override bool IsUniqueViolation(DbException e) =>
        e is SqliteException { SqliteErrorCode: 19, SqliteExtendedErrorCode: 2067 or 1555 }; // SQLITE_CONSTRAINT_UNIQUE / _PRIMARYKEY

    private protected override bool TableExists(DbConnection connection, DbTransaction tx, string table)
    {
        using var cmd = Command(connection, tx, "SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = @n");
        Add(cmd, "@n", table);
        return cmd.ExecuteScalar() is not null;
    }

    /// <inheritdoc />
    protected override void Dispose(bool disposing)
    {
        // Close this file's pooled connections so the file can be moved or deleted.
        if (disposing)
            using (var conn = new SqliteConnection(_connectionString))
                SqliteConnection.ClearPool(conn);
        base.Dispose(disposing);
    }
}
