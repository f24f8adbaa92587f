namespace Descent.Tuning;

/// <summary>Opens a storage from a URL, choosing the back end by its scheme (what <c>--storage</c> takes).</summary>
public static class StorageFactory
{
    /// <summary>
    /// <c>memory://</c> (or <c>memory</c>): a new <see cref="InMemoryStorage"/>; <c>sqlite:///path.db</c>: a
    /// <see cref="SqliteStorage"/>; <c>postgresql://user:password@host:port/database</c> (also <c>postgres://</c>,
    /// <c>postgresql+driver://</c>): a <see cref="PostgresStorage"/>. SQL storages are <see cref="IDisposable"/>.
    /// </summary>
    /// <param name="url">The storage URL.</param>
    /// <param name="clock">Stamps datetimes and heartbeats; null uses the system clock (PostgreSQL: the server's for heartbeats).</param>
    /// <exception cref="StorageException">An unknown scheme, a malformed URL, or a database that cannot be opened (one-line message).</exception>
    public static IStudyStorage Open(string url, TimeProvider? clock = null)
    {
        ArgumentNullException.ThrowIfNull(url);
        string u = url.Trim();
        if (u.Equals("memory", StringComparison.OrdinalIgnoreCase) || u.Equals("memory://", StringComparison.OrdinalIgnoreCase))
            return new InMemoryStorage(clock);
        if (u.StartsWith("sqlite://", StringComparison.OrdinalIgnoreCase)) return new SqliteStorage(u, clock);
        if (PostgresUrl.IsPostgresUrl(u)) return new PostgresStorage(u, clock);
        throw new StorageException(
            $"unknown storage URL \"{PostgresUrl.Redact(u)}\": expected memory://, sqlite:///path.db or postgresql://user:password@host:port/database");
    }
}
