using Descent.Tuning;
using Microsoft.Data.Sqlite;

namespace Descent.Tests.Tuning.Storage;

/// <summary>The whole <see cref="IStudyStorage"/> contract (<see cref="InMemoryStorageTests"/>) against <see cref="SqliteStorage"/>, one fresh file per storage.</summary>
public sealed class SqliteStorageTests : InMemoryStorageTests, IDisposable
{
    private readonly TempDir _dir = new("descent-sqlite-contract");
    private readonly List<SqliteStorage> _opened = [];
    private int _files;

    protected override IStudyStorage NewStorage(TimeProvider? clock = null)
    {
        var s = new SqliteStorage(Path.Combine(_dir.Path, $"study{_files++}.db"), clock);
        _opened.Add(s);
        return s;
    }

    public void Dispose()
    {
        foreach (var s in _opened) s.Dispose();
        _dir.Dispose();
    }
}

/// <summary>The SQL-storage tests (<see cref="RdbStorageTests"/>) and SQLite specifics: URLs, WAL, one-line open errors.</summary>
public sealed class SqliteRdbStorageTests : RdbStorageTests
{
    private readonly TempDir _dir = new("descent-sqlite");
    private int _files;

    protected override string NewUrl() => "sqlite:///" + Path.Combine(_dir.Path, $"study{_files++}.db");

    [Fact]
    public void UrlsFollowSqlAlchemy()
    {
        Assert.Equal("rel/a.db", SqliteStorage.ParsePath("sqlite:///rel/a.db"));    // three slashes: relative
        Assert.Equal("/tmp/a b.db", SqliteStorage.ParsePath("sqlite:////tmp/a%20b.db")); // four: absolute
        Assert.Equal("plain.db", SqliteStorage.ParsePath("plain.db"));
        Assert.Throws<StorageException>(() => SqliteStorage.ParsePath("sqlite:///:memory:"));
        Assert.Throws<StorageException>(() => SqliteStorage.ParsePath("sqlite://host/a.db"));
        Assert.Throws<StorageException>(() => SqliteStorage.ParsePath("sqlite:///"));
    }

    [Fact]
    public void TheFileIsInWalMode()
    {
        string url = NewUrl();
        Open(url).CreateStudy("s", [StudyDirection.Minimize]);
        using var conn = new SqliteConnection("Data Source=" + SqliteStorage.ParsePath(url) + ";Pooling=False");
        conn.Open();
        using var cmd = conn.CreateCommand();
        cmd.CommandText = "PRAGMA journal_mode";
        Assert.Equal("wal", cmd.ExecuteScalar());
    }

    [Fact]
    public void FilesThatCannotBeOpenedGiveOneLineErrors()
    {
        string missingDir = Path.Combine(_dir.Path, "no", "such", "dir", "a.db");
        var e = Assert.Throws<StorageException>(() => Open("sqlite:///" + missingDir));
        Assert.StartsWith("sqlite:///" + missingDir + ": ", e.Message, StringComparison.Ordinal);
        Assert.DoesNotContain('\n', e.Message);

        string text = Path.Combine(_dir.Path, "notes.txt");
        File.WriteAllText(text, new string('x', 4096));
        e = Assert.Throws<StorageException>(() => Open("sqlite:///" + text));
        Assert.Contains("not a database", e.Message, StringComparison.Ordinal);
        Assert.DoesNotContain('\n', e.Message);
    }

    [Fact]
    public void TheFactoryPicksTheStorageByScheme()
    {
        Assert.IsType<InMemoryStorage>(StorageFactory.Open("memory://"));
        Assert.IsType<InMemoryStorage>(StorageFactory.Open("memory"));
        Assert.IsType<SqliteStorage>(Open(NewUrl()));
        var e = Assert.Throws<StorageException>(() => StorageFactory.Open("mysql://root:secret@db/x"));
        Assert.Contains("expected memory://, sqlite:///path.db or postgresql://", e.Message, StringComparison.Ordinal);
        Assert.DoesNotContain("secret", e.Message, StringComparison.Ordinal);
    }
}
