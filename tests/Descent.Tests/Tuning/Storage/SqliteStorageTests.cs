using Descent.Tuning;

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
