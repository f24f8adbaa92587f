using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using Npgsql;

namespace Descent.Tests.Tuning.Storage;

/// <summary>
/// A private PostgreSQL server for the test run (xunit collection fixture): Debian's server binaries
/// (<c>/usr/lib/postgresql/N/bin</c>, installed by <c>.ci/setup</c>) run <c>initdb</c> into a temporary data
/// directory and serve on 127.0.0.1 at a free port, with the Unix socket in the same temporary directory and
/// durability off (a throw-away cluster). PostgreSQL refuses to run as root, so under root (CI) the server runs
/// as the OS user <c>postgres</c> through <c>runuser</c>. Dispose stops the server and deletes the directory.
/// Missing binaries fail every test of the collection with a message saying to run <c>.ci/setup</c>.
/// </summary>
public sealed class PostgresServer : IDisposable
{
    private const string OsUser = "postgres";
    private static readonly TimeSpan CommandTimeout = TimeSpan.FromSeconds(120);

    private readonly string _bin;
    private readonly bool _asOtherUser;
    private readonly string _root;
    private readonly string _data;
    private readonly NpgsqlDataSource _admin;
    private int _schemas;
    private bool _running;

    public PostgresServer()
    {
        _bin = FindBinaries() ?? throw new InvalidOperationException(
            "PostgreSQL server binaries not found (/usr/lib/postgresql/<version>/bin/initdb): run .ci/setup, which installs Debian's postgresql package");
        _asOtherUser = Environment.UserName == "root";
        if (_asOtherUser && Run("id", ["-u", OsUser], check: false).ExitCode != 0)
            throw new InvalidOperationException(
                $"the OS user \"{OsUser}\" does not exist and PostgreSQL refuses to run as root: run .ci/setup (Debian's postgresql package creates the user)");
        // Under root the directory must be reachable by the postgres user, so it lives directly in /tmp.
        string tempBase = _asOtherUser && Directory.Exists("/tmp") ? "/tmp" : Path.GetTempPath();
        _root = Path.Combine(tempBase, "descent-pg-" + Guid.NewGuid().ToString("N")[..12]);
        Directory.CreateDirectory(Path.Combine(_root, "sock"));
        _data = Path.Combine(_root, "data");
        try
        {
            if (_asOtherUser) Run("chown", ["-R", OsUser + ":", _root]);
            RunServerTool("initdb", ["-D", _data, "-U", "postgres", "--auth=trust", "--encoding=UTF8", "--locale=C", "--no-sync"]);
            Port = StartServer();
            _admin = NpgsqlDataSource.Create(Builder("postgres").ConnectionString);
            using (var cmd = _admin.CreateCommand("CREATE DATABASE descent")) cmd.ExecuteNonQuery();
            _admin.Dispose();
            _admin = NpgsqlDataSource.Create(Builder("descent").ConnectionString);
        }
        catch
        {
            Dispose();
            throw;
        }
    }

    /// <summary>The loopback TCP port the server listens on.</summary>
    public int Port { get; private set; }

    /// <summary>A URL for a fresh, empty schema of the test database (each storage test gets its own).</summary>
    public string NewSchemaUrl() => Url(NewSchema());

    /// <summary>The URL whose connections use <paramref name="schema"/> (libpq's <c>options=-c search_path=…</c>).</summary>
    public string Url(string schema) =>
        $"postgresql://postgres@127.0.0.1:{Port}/descent?options={Uri.EscapeDataString("-c search_path=" + schema)}";

    /// <summary>Creates an empty schema and returns its name.</summary>
    public string NewSchema()
    {
        string name = "s" + Interlocked.Increment(ref _schemas);
        using var cmd = _admin.CreateCommand($"CREATE SCHEMA {name}");
        cmd.ExecuteNonQuery();
        return name;
    }

    /// <summary>Runs SQL against the test database (for tests that tamper with a schema).</summary>
    public void Execute(string sql)
    {
        using var cmd = _admin.CreateCommand(sql);
        cmd.ExecuteNonQuery();
    }

    private NpgsqlConnectionStringBuilder Builder(string database) =>
        new() { Host = "127.0.0.1", Port = Port, Username = "postgres", Database = database, Timeout = 30 };

    private int StartServer()
    {
        // A port picked as free can be taken by another run before the server binds it: try a few.
        for (int attempt = 1; ; attempt++)
        {
            int port = FreePort();
            string options = $"-p {port} -k {Path.Combine(_root, "sock")} -c listen_addresses=127.0.0.1 -c fsync=off " +
                "-c synchronous_commit=off -c full_page_writes=off -c max_connections=200 -c shared_buffers=32MB";
            var r = RunServerTool("pg_ctl", ["-D", _data, "-l", Path.Combine(_root, "server.log"), "-w", "-t", "90", "-o", options, "start"], check: false);
            if (r.ExitCode == 0)
            {
                _running = true;
                return port;
            }
            if (attempt == 3)
                throw new InvalidOperationException($"pg_ctl start failed ({r.ExitCode}): {r.Output}\n{Tail(Path.Combine(_root, "server.log"))}");
        }
    }

    public void Dispose()
    {
        _admin?.Dispose();
        if (_running)
        {
            RunServerTool("pg_ctl", ["-D", _data, "-m", "fast", "-w", "-t", "60", "stop"], check: false);
            _running = false;
        }
        try { Directory.Delete(_root, recursive: true); }
        catch (IOException) { }
        catch (UnauthorizedAccessException) { }
    }

    private static string? FindBinaries()
    {
        const string root = "/usr/lib/postgresql";
        if (!Directory.Exists(root)) return null;
        return Directory.GetDirectories(root)
            .Select(d => Path.Combine(d, "bin"))
            .Where(b => File.Exists(Path.Combine(b, "initdb")) && File.Exists(Path.Combine(b, "pg_ctl")))
            .OrderByDescending(b => int.TryParse(Path.GetFileName(Path.GetDirectoryName(b)), out int v) ? v : 0)
            .FirstOrDefault();
    }

    private static int FreePort()
    {
        var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        int port = ((IPEndPoint)listener.LocalEndpoint).Port;
        listener.Stop();
        return port;
    }

    private (int ExitCode, string Output) RunServerTool(string tool, string[] args, bool check = true)
    {
        string exe = Path.Combine(_bin, tool);
        return _asOtherUser ? Run("runuser", ["-u", OsUser, "--", exe, .. args], check) : Run(exe, args, check);
    }

    private (int ExitCode, string Output) Run(string file, string[] args, bool check = true)
    {
        var psi = new ProcessStartInfo(file)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
            // The server user must be able to enter the working directory.
            WorkingDirectory = Directory.Exists(_root) ? _root : "/",
        };
        foreach (var a in args) psi.ArgumentList.Add(a);
        using var p = Process.Start(psi) ?? throw new InvalidOperationException($"could not start {file}");
        var stdout = p.StandardOutput.ReadToEndAsync();
        var stderr = p.StandardError.ReadToEndAsync();
        if (!p.WaitForExit(CommandTimeout))
        {
            p.Kill(entireProcessTree: true);
            throw new TimeoutException($"{file} {string.Join(' ', args)} did not finish in {CommandTimeout.TotalSeconds} s");
        }
        string output = (stdout.Result + stderr.Result).Trim();
        if (check && p.ExitCode != 0)
            throw new InvalidOperationException($"{file} {string.Join(' ', args)} exited with {p.ExitCode}: {output}");
        return (p.ExitCode, output);
    }

    private static string Tail(string path) =>
        File.Exists(path) ? string.Join('\n', File.ReadAllLines(path).TakeLast(15)) : "(no server log)";
}

/// <summary>Tests that share the one <see cref="PostgresServer"/> of the run.</summary>
[CollectionDefinition(Name)]
public sealed class PostgresCollection : ICollectionFixture<PostgresServer>
{
    public const string Name = "PostgreSQL server";
}
