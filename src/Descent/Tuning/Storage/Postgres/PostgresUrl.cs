using System.Globalization;
using Npgsql;

namespace Descent.Tuning;

/// <summary>
/// Parses libpq-style URLs, <c>postgresql://user:password@host:port/database?option=value</c> (also
/// <c>postgres://</c> and SQLAlchemy's <c>postgresql+driver://</c>, so Optuna storage URLs work), into an Npgsql
/// connection string. User and password are percent-decoded; the port defaults to 5432; query options:
/// <c>sslmode</c>, <c>connect_timeout</c> (seconds), <c>application_name</c>, <c>options</c> (e.g.
/// <c>-c search_path=s1</c>) and <c>host</c> (a Unix-socket directory, as in libpq).
/// </summary>
public static class PostgresUrl
{
    /// <summary>Whether <paramref name="url"/> has a PostgreSQL scheme.</summary>
    public static bool IsPostgresUrl(string url) =>
        url.StartsWith("postgresql://", StringComparison.OrdinalIgnoreCase)
        || url.StartsWith("postgres://", StringComparison.OrdinalIgnoreCase)
        || url.StartsWith("postgresql+", StringComparison.OrdinalIgnoreCase);

    /// <summary>The URL with its password replaced by <c>***</c>, for messages.</summary>
    public static string Redact(string url)
    {
        int scheme = url.IndexOf("://", StringComparison.Ordinal);
        if (scheme < 0) return url;
        int authorityEnd = url.IndexOfAny(['/', '?'], scheme + 3);
        if (authorityEnd < 0) authorityEnd = url.Length;
        int at = url.LastIndexOf('@', authorityEnd - 1, authorityEnd - scheme - 3);
        if (at < 0) return url;
        int colon = url.IndexOf(':', scheme + 3, at - scheme - 3);
        return colon < 0 ? url : string.Concat(url.AsSpan(0, colon + 1), "***", url.AsSpan(at));
    }

    /// <summary>Builds the Npgsql connection string of <paramref name="url"/>.</summary>
    /// <exception cref="StorageException">The URL is malformed (the message is one line, password masked).</exception>
    public static NpgsqlConnectionStringBuilder Parse(string url)
    {
        ArgumentNullException.ThrowIfNull(url);
        StorageException Bad(string problem) => new($"PostgreSQL storage URL \"{Redact(url)}\": {problem}; expected postgresql://user:password@host:port/database");
        if (!IsPostgresUrl(url)) throw Bad("the scheme must be postgresql://");
        int schemeEnd = url.IndexOf("://", StringComparison.Ordinal);
        if (schemeEnd < 0) throw Bad("missing ://");
        string rest = url[(schemeEnd + 3)..];
        string query = "";
        int q = rest.IndexOf('?', StringComparison.Ordinal);
        if (q >= 0) { query = rest[(q + 1)..]; rest = rest[..q]; }
        int slash = rest.IndexOf('/', StringComparison.Ordinal);
        string authority = slash < 0 ? rest : rest[..slash];
        string database = slash < 0 ? "" : Uri.UnescapeDataString(rest[(slash + 1)..]);
        if (database.Contains('/', StringComparison.Ordinal)) throw Bad($"database name \"{database}\" contains '/'");

        var b = new NpgsqlConnectionStringBuilder();
        int at = authority.LastIndexOf('@');
        if (at >= 0)
        {
            string userInfo = authority[..at];
            authority = authority[(at + 1)..];
            int colon = userInfo.IndexOf(':', StringComparison.Ordinal);
            b.Username = Uri.UnescapeDataString(colon < 0 ? userInfo : userInfo[..colon]);
            if (colon >= 0) b.Password = Uri.UnescapeDataString(userInfo[(colon + 1)..]);
        }
        string host = authority, port = "";
        if (authority.StartsWith('['))
        {
            int close = authority.IndexOf(']', StringComparison.Ordinal);
            if (close < 0) throw Bad("unclosed '[' in the host");
            host = authority[1..close];
            string after = authority[(close + 1)..];
            if (after.Length > 0)
            {
                if (after[0] != ':') throw Bad("unexpected text after the IPv6 address");
                port = after[1..];
            }
        }
        else
        {
            int colon = authority.LastIndexOf(':');
            if (colon >= 0) { host = authority[..colon]; port = authority[(colon + 1)..]; }
        }
        b.Host = host.Length > 0 ? Uri.UnescapeDataString(host) : "localhost";
        b.Port = port.Length == 0 ? 5432 : ParsePort(port, Bad);
        if (database.Length > 0) b.Database = database;

        foreach (var pair in query.Split('&', StringSplitOptions.RemoveEmptyEntries))
        {
            int eq = pair.IndexOf('=', StringComparison.Ordinal);
            if (eq <= 0) throw Bad($"query option \"{pair}\" is not name=value");
            string name = Uri.UnescapeDataString(pair[..eq]), value = Uri.UnescapeDataString(pair[(eq + 1)..].Replace('+', ' '));
            switch (name)
            {
                case "sslmode":
                    b.SslMode = Enum.TryParse<SslMode>(value.Replace("-", "", StringComparison.Ordinal), ignoreCase: true, out var mode)
                        ? mode : throw Bad($"unknown sslmode \"{value}\"");
                    break;
                case "connect_timeout":
                    b.Timeout = int.TryParse(value, NumberStyles.None, CultureInfo.InvariantCulture, out int t) && t <= 1024
                        ? t : throw Bad($"connect_timeout \"{value}\" is not a number of seconds");
                    break;
                case "application_name": b.ApplicationName = value; break;
                case "options": b.Options = value; break;
                case "host": b.Host = value; break;
                case "port": b.Port = ParsePort(value, Bad); break;
                case "user": b.Username = value; break;
                case "password": b.Password = value; break;
                case "dbname": b.Database = value; break;
                default:
                    throw Bad($"unknown query option \"{name}\" (supported: sslmode, connect_timeout, application_name, options, host, port, user, password, dbname)");
            }
        }
        return b;
    }

    private static int ParsePort(string text, Func<string, StorageException> bad) =>
        int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out int p) && p is > 0 and < 65536
            ? p : throw bad($"port \"{text}\" is not a number from 1 to 65535");
}
