using Descent.Tuning;

namespace Descent.Tests.Tuning.Storage;

/// <summary>The whole <see cref="IStudyStorage"/> contract (<see cref="InMemoryStorageTests"/>) against <see cref="PostgresStorage"/> on the test server, one fresh schema per storage.</summary>
[Collection(PostgresCollection.Name)]
public sealed class PostgresStorageTests(PostgresServer server) : InMemoryStorageTests, IDisposable
{
    private readonly List<PostgresStorage> _opened = [];

    protected override IStudyStorage NewStorage(TimeProvider? clock = null)
    {
        var s = new PostgresStorage(server.NewSchemaUrl(), clock);
        _opened.Add(s);
        return s;
    }

    public void Dispose()
    {
        foreach (var s in _opened) s.Dispose();
    }
}
