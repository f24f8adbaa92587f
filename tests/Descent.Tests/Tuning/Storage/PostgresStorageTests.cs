using System.Net;
using System.Net.Sockets;
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

/// <summary>The SQL-storage tests (<see cref="RdbStorageTests"/>) and PostgreSQL specifics: connection errors, server-clock heartbeats.</summary>
[Collection(PostgresCollection.Name)]
public sealed class PostgresRdbStorageTests(PostgresServer server) : RdbStorageTests
{
    protected override string NewUrl() => server.NewSchemaUrl();

    [Fact]
    public void TheFactoryOpensPostgresUrls() => Assert.IsType<PostgresStorage>(Open(NewUrl()));

    [Fact]
    public void AnUnreachableServerIsAOneLineError()
    {
        var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        int closed = ((IPEndPoint)listener.LocalEndpoint).Port;
        listener.Stop(); // nothing listens there now: the connection is refused at once
        var e = Assert.Throws<StorageException>(() => Open($"postgresql://me:secret@127.0.0.1:{closed}/db"));
        Assert.StartsWith($"postgresql://me@127.0.0.1:{closed}/db: ", e.Message, StringComparison.Ordinal);
        Assert.DoesNotContain("secret", e.Message, StringComparison.Ordinal);
        Assert.DoesNotContain('\n', e.Message);
    }

    [Fact]
    public void AMissingDatabaseIsAOneLineError()
    {
        var e = Assert.Throws<StorageException>(() => Open($"postgresql://postgres@127.0.0.1:{server.Port}/no_such_db"));
        Assert.Contains("no_such_db", e.Message, StringComparison.Ordinal);
        Assert.Contains("does not exist", e.Message, StringComparison.Ordinal);
        Assert.DoesNotContain('\n', e.Message);
    }

    [Fact]
    public void HeartbeatsUseTheServerClock()
    {
        var s = Open(NewUrl());
        long study = s.CreateStudy("s", [StudyDirection.Minimize]);
        long id = s.CreateTrial(study).TrialId;
        s.RecordHeartbeat(id);
        Assert.Empty(s.GetStaleTrialIds(study, TimeSpan.FromHours(1)));
        Thread.Sleep(20);
        Assert.Equal([id], s.GetStaleTrialIds(study, TimeSpan.FromMilliseconds(1)));
        s.RecordHeartbeat(id);
        Assert.Empty(s.GetStaleTrialIds(study, TimeSpan.FromHours(1)));
    }
}
