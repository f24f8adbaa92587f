using Descent.Tuning;
using Microsoft.Data.Sqlite;
using Npgsql;

namespace Descent.Tests.Tuning.Storage;

/// <summary>
/// What the SQL storages add to the in-memory contract: several storage objects on one database (as several
/// processes) see each other's writes through their finished-trial caches, values survive a reopen exactly,
/// studies resume, and schema problems give one-line errors. Derived classes supply the database.
/// </summary>
public abstract class RdbStorageTests : IDisposable
{
    private readonly List<IStudyStorage> _opened = [];

    /// <summary>A URL of a fresh, empty storage.</summary>
    protected abstract string NewUrl();

    /// <summary>Opens <paramref name="url"/> through <see cref="StorageFactory"/> and disposes it after the test.</summary>
    protected IStudyStorage Open(string url, TimeProvider? clock = null)
    {
        var s = StorageFactory.Open(url, clock);
        _opened.Add(s);
        return s;
    }

    /// <summary>Runs raw SQL on the database behind <paramref name="url"/> (to tamper with it).</summary>
    protected static void ExecuteSql(string url, string sql)
    {
        if (url.StartsWith("sqlite", StringComparison.Ordinal))
        {
            using var conn = new SqliteConnection("Data Source=" + SqliteStorage.ParsePath(url) + ";Pooling=False");
            conn.Open();
            using var cmd = conn.CreateCommand();
            cmd.CommandText = sql;
            cmd.ExecuteNonQuery();
        }
        else
        {
            using var ds = NpgsqlDataSource.Create(PostgresUrl.Parse(url).ConnectionString);
            using var cmd = ds.CreateCommand(sql);
            cmd.ExecuteNonQuery();
        }
    }

    public void Dispose()
    {
        foreach (var s in _opened) (s as IDisposable)?.Dispose();
        GC.SuppressFinalize(this);
    }

    [Fact]
    public void StoragesOnOneDatabaseSeeEachOthersWrites()
    {
        string url = NewUrl();
        IStudyStorage a = Open(url), b = Open(url);
        long study = a.CreateStudy("s", [StudyDirection.Minimize]);
        var x = new FloatDistribution(0, 1);
        long t0 = b.CreateTrial(study).TrialId;                                     // stays running for a while
        long t1 = b.CreateTrial(study).TrialId;
        b.SetTrialParam(t1, "x", 0.25, x);
        b.TrySetTrialState(t1, TrialState.Running, TrialState.Complete, [1.0]);
        Assert.Equal([TrialState.Running, TrialState.Complete], a.GetAllTrials(study).Select(t => t.State)); // a caches #1

        b.SetTrialParam(t0, "x", 0.5, x);                                            // a running trial changes
        Assert.Equal(0.5, a.GetAllTrials(study)[0].InternalParams["x"]);
        b.TrySetTrialState(t0, TrialState.Running, TrialState.Pruned, [2.0]);
        long t2 = b.CreateTrial(study, new FrozenTrial { State = TrialState.Waiting }).TrialId;
        var all = a.GetAllTrials(study);
        Assert.Equal([TrialState.Pruned, TrialState.Complete, TrialState.Waiting], all.Select(t => t.State));
        Assert.Equal([2.0], all[0].Values);
        Assert.Equal([t1], a.GetAllTrials(study, [TrialState.Complete]).Select(t => t.TrialId));
        Assert.Equal([t1, t2], a.GetAllTrials(study, afterTrialId: t0).Select(t => t.TrialId));
        Assert.Equal([t2], a.GetAllTrials(study, [TrialState.Waiting, TrialState.Running], afterTrialId: t0).Select(t => t.TrialId));

        Assert.True(b.TrySetTrialState(t2, TrialState.Waiting, TrialState.Running));
        Assert.False(a.TrySetTrialState(t2, TrialState.Waiting, TrialState.Running));  // b already claimed it
        Assert.Equal(TrialState.Running, a.GetAllTrials(study)[2].State);
        b.DeleteStudy(study);
        Assert.Throws<KeyNotFoundException>(() => a.GetAllTrials(study));
    }

    [Fact]
    public void ValuesAndAttributesSurviveAReopenExactly()
    {
        string url = NewUrl();
        var w = Open(url);
        long study = w.CreateStudy("s", [StudyDirection.Maximize, StudyDirection.Minimize]);
        long id = w.CreateTrial(study).TrialId;
        var cat = new CategoricalDistribution(["a\"b", 2L, 2.5, true, null]);
        w.SetTrialParam(id, "c", 4, cat);
        w.SetTrialParam(id, "f", 1e-300, new FloatDistribution(1e-300, 1e300, log: true));
        w.SetTrialParam(id, "q", 0.3, new FloatDistribution(0, 1, step: 0.1));
        w.SetTrialParam(id, "i", 64, new IntDistribution(2, 1024, log: true));
        w.SetTrialIntermediateValue(id, 0, [double.NaN]);
        w.SetTrialIntermediateValue(id, 1, [double.PositiveInfinity]);
        w.SetTrialIntermediateValue(id, 2, [double.NegativeInfinity, double.Epsilon]);
        w.SetTrialIntermediateValue(id, 1, [-0.5]);                                   // overwrites the scalar at step 1
        var nested = new Dictionary<string, object?>
        {
            ["text"] = "line\nbreak \"quoted\" \\ tab\t é 𝔘 \u0001",
            ["two"] = 2.0, ["twoL"] = 2L, ["nan"] = double.NaN, ["inf"] = double.NegativeInfinity,
            ["big"] = long.MinValue, ["tiny"] = 5e-324, ["list"] = new object?[] { null, true, new[] { 1, 2 } },
            ["empty"] = new Dictionary<string, object?>(),
        };
        w.SetTrialUserAttr(id, "nested", nested);
        w.SetTrialSystemAttr(id, "none", null);
        w.TrySetTrialState(id, TrialState.Running, TrialState.Complete, [double.MaxValue, -1e-310]);
        w.SetStudyUserAttr(study, "k", new[] { "x", "y" });

        var r = Open(url);                                                           // a fresh cache reads the database
        var t = r.GetTrial(id);
        var expected = w.GetTrial(id);
        Assert.Equal(expected.InternalParams, t.InternalParams);
        Assert.Equal(expected.Distributions, t.Distributions);
        Assert.Null(t.Params["c"]);
        Assert.Equal(0.3, t.InternalParams["q"]);
        Assert.Equal(new FloatDistribution(0, 1, step: 0.1), t.Distributions["q"]);
        Assert.Equal([double.MaxValue, -1e-310], t.Values);
        Assert.True(double.IsNaN(t.IntermediateValues[0]));
        Assert.Equal(-0.5, t.IntermediateValues[1]);
        Assert.Equal([double.NegativeInfinity, double.Epsilon], t.IntermediateVectors[2]);
        Assert.True(AttrValues.DeepEquals(AttrValues.Normalize(nested), t.UserAttrs["nested"]));
        var map = (IReadOnlyDictionary<string, object?>)t.UserAttrs["nested"]!;
        Assert.IsType<double>(map["two"]);
        Assert.IsType<long>(map["twoL"]);
        Assert.True(t.SystemAttrs.ContainsKey("none") && t.SystemAttrs["none"] is null);
        Assert.Equal(["x", "y"], ((IReadOnlyList<object?>)r.GetStudyUserAttrs(study)["k"]!).Cast<string>());
        Assert.Equal([StudyDirection.Maximize, StudyDirection.Minimize], r.GetAllStudies().Single().Directions);
        Assert.Equal(expected.DatetimeComplete!.Value.ToUnixTimeMilliseconds(), t.DatetimeComplete!.Value.ToUnixTimeMilliseconds());
    }

    [Fact]
    public void AStudyResumesInAnotherStorageObject()
    {
        string url = NewUrl();
        static double Objective(Trial t) => Math.Pow(t.SuggestFloat("x", -3, 3) - 1, 2) + t.SuggestInt("k", 0, 3);
        var first = Study.Create(new StudyOptions { StudyName = "resume", Storage = Open(url), Sampler = new TpeSampler(1) });
        first.Optimize(Objective, nTrials: 12);
        first.EnqueueTrial(new Dictionary<string, object?> { ["x"] = 1.0, ["k"] = 0 });

        var second = Study.Create(new StudyOptions { StudyName = "resume", Storage = Open(url), Sampler = new TpeSampler(2), LoadIfExists = true });
        second.Optimize(Objective, nTrials: 6);
        Assert.Equal(Enumerable.Range(0, 18), second.Trials.Select(t => t.Number));
        Assert.Equal(0.0, second.Trials[12].Value);                                  // the enqueued point ran first
        Assert.Equal(0.0, first.BestValue);
        Assert.Equal(first.BestTrial.Number, second.BestTrial.Number);
        Assert.Throws<ArgumentException>(() => Study.Create(new StudyOptions
            { StudyName = "resume", Storage = Open(url), Direction = StudyDirection.Maximize, LoadIfExists = true }));
        Assert.Throws<DuplicateStudyException>(() => Study.Create(new StudyOptions { StudyName = "resume", Storage = Open(url) }));
    }

    [Fact]
    public void ASchemaVersionMismatchIsOneLineNamingBothVersions()
    {
        string url = NewUrl();
        Open(url).CreateStudy("s", [StudyDirection.Minimize]);
        ExecuteSql(url, "UPDATE descent_schema SET version = 99");
        var e = Assert.Throws<StorageException>(() => Open(url));
        Assert.Contains("schema version 99", e.Message, StringComparison.Ordinal);
        Assert.Contains($"schema version {RdbStorage.SchemaVersion}", e.Message, StringComparison.Ordinal);
        Assert.DoesNotContain('\n', e.Message);
    }

    [Fact]
    public void ADatabaseOfAnotherProgramIsRefused()
    {
        string url = NewUrl();
        ExecuteSql(url, "CREATE TABLE studies (study_id INTEGER PRIMARY KEY, study_name TEXT)"); // e.g. Optuna's tables
        var e = Assert.Throws<StorageException>(() => Open(url));
        Assert.Contains("not a Descent study database", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void ConcurrentWorkersInOneProcessNeverShareANumber()
    {
        string url = NewUrl();
        long study = Open(url).CreateStudy("s", [StudyDirection.Minimize]);
        var storages = Enumerable.Range(0, 4).Select(_ => Open(url)).ToArray();
        var numbers = new System.Collections.Concurrent.ConcurrentBag<int>();
        Parallel.For(0, 4, w =>
        {
            for (int i = 0; i < 10; i++)
            {
                var (id, number) = storages[w].CreateTrial(study);
                storages[w].SetTrialParam(id, "x", w, new FloatDistribution(0, 4));
                Assert.True(storages[w].TrySetTrialState(id, TrialState.Running, TrialState.Complete, [number]));
                numbers.Add(number);
            }
        });
        Assert.Equal(Enumerable.Range(0, 40), numbers.Order());
        Assert.Equal(Enumerable.Range(0, 40).Select(n => (double)n), storages[0].GetAllTrials(study).Select(t => t.Value!.Value));
    }
}
