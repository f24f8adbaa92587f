using Descent.Tests.Tuning.Storage;
using Descent.Tuning;

namespace Descent.Tests.Tuning;

/// <summary>
/// The sampler keeps the strategy it last restored or updated in memory; a sampler created per trial
/// has nothing cached and rebuilds everything from the storage. Both must produce the same study.
/// </summary>
public class CmaEsSamplerCacheTests
{
    private const int Trials = 340;

    // Three phases that each exercise a path of the sampler: a flat objective (IPOP restart with a
    // doubled population after ~25 generations), a sphere (ordinary generation updates, including
    // the IPOP termination test on every update), then "y" is dropped, which shrinks the intersection
    // search space and starts a new run numbered past the others.
    private static double Objective(Trial t)
    {
        double x = t.SuggestFloat("x", -2, 2);
        int w = t.SuggestInt("w", 1, 64, log: true);
        if (t.Number >= 280) return Math.Pow(x - 0.3, 2) + Math.Abs(Math.Log2(w) - 3);
        double y = t.SuggestFloat("y", 1e-3, 10, log: true);
        if (t.Number < 190) return 1;
        return Math.Pow(x - 0.3, 2) + Math.Pow(Math.Log10(y), 2) + Math.Abs(Math.Log2(w) - 3);
    }

    private static Study Create(string name, IStudyStorage storage, long seed) =>
        Study.Create(new StudyOptions { StudyName = name, Storage = storage, Sampler = new CmaEsSampler(seed) });

    private static void AssertSameTrials(Study expected, Study actual)
    {
        var e = expected.Trials;
        var a = actual.Trials;
        Assert.Equal(e.Count, a.Count);
        for (int i = 0; i < e.Count; i++)
        {
            Assert.Equal(e[i].InternalParams.OrderBy(kv => kv.Key), a[i].InternalParams.OrderBy(kv => kv.Key));
            Assert.Equal(e[i].Values, a[i].Values);
            // The stored strategy (mean, σ, C, paths, history) and the run/generation tags match bit for bit.
            Assert.True(AttrValues.DeepEquals(AttrValues.Normalize(e[i].SystemAttrs.ToDictionary()), AttrValues.Normalize(a[i].SystemAttrs.ToDictionary())),
                $"trial {i}: system attributes differ");
        }
    }

    [Fact]
    public void CachedStrategyGivesTheSameStudyAsRebuildingItFromStorageEveryTrial()
    {
        var cached = Create("cached", new InMemoryStorage(), 11);
        cached.Optimize(Objective, nTrials: Trials);

        var storage = new InMemoryStorage();
        Create("fresh", storage, 11);
        for (int i = 0; i < Trials; i++) Study.Load("fresh", storage, new CmaEsSampler(11)).Optimize(Objective, nTrials: 1);
        var fresh = Study.Load("fresh", storage);

        // The scenario did reach the paths it is meant to cover.
        var restarts = cached.Trials.Select(t => t.SystemAttrs.TryGetValue(CmaEsSampler.RestartKey, out var r) ? (long)r! : -1).ToList();
        Assert.Equal(0, restarts[1]);
        Assert.Contains(1L, restarts.Take(280));
        Assert.True(restarts[^1] >= 2, $"the shrunken space did not start a new run: {restarts[^1]}");
        AssertSameTrials(cached, fresh);
    }

    [Fact]
    public void StatesRestoredFromSqliteJsonMatchTheCachedObjects()
    {
        // SQLite stores the state as JSON text (numbers re-parsed, 3.0 read back as 3): a sampler per trial
        // restores every state from that text, one sampler keeps its objects; both also match in-memory.
        using var dir = new TempDir("descent-cmaes-cache");
        using var storage = new SqliteStorage(Path.Combine(dir.Path, "cma.db"));
        var cached = Create("cached", storage, 5);
        cached.Optimize(Objective, nTrials: Trials);
        Create("fresh", storage, 5);
        for (int i = 0; i < Trials; i++) Study.Load("fresh", storage, new CmaEsSampler(5)).Optimize(Objective, nTrials: 1);
        AssertSameTrials(cached, Study.Load("fresh", storage));

        var memory = Create("memory", new InMemoryStorage(), 5);
        memory.Optimize(Objective, nTrials: Trials);
        AssertSameTrials(memory, cached);
    }

    [Fact]
    public void WorkersTakingIrregularTurnsMatchASingleWorker()
    {
        // Each worker's cached strategy goes stale whenever another worker updates the generation (or
        // restarts the run) in between; the trial sequence must still be the single worker's.
        var single = Create("single", new InMemoryStorage(), 4);
        single.Optimize(Objective, nTrials: Trials);

        var storage = new InMemoryStorage();
        var workers = new[] { Create("shared", storage, 4), Study.Load("shared", storage, new CmaEsSampler(4)), Study.Load("shared", storage, new CmaEsSampler(4)) };
        var turns = new TuningRandom(123);
        for (int i = 0; i < Trials; i++)
        {
            // Runs of 1–12 trials on one worker, so some workers skip whole generations.
            var worker = workers[turns.NextInt(workers.Length)];
            int run = Math.Min(1 + turns.NextInt(12), Trials - i);
            worker.Optimize(Objective, nTrials: run);
            i += run - 1;
        }
        AssertSameTrials(single, workers[0]);
    }
}
