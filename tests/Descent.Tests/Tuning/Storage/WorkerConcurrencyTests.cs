using Descent.Tuning;

namespace Descent.Tests.Tuning.Storage;

/// <summary>
/// Real worker processes sharing one stored study (<c>Descent.TuningWorker</c>): no trial is lost or numbered
/// twice, and a worker killed with SIGKILL mid-trial has its trial failed after the heartbeat grace period and
/// retried. Derived classes supply the storage.
/// </summary>
public abstract class WorkerConcurrencyTests
{
    private static readonly TimeSpan WorkerTimeout = TimeSpan.FromSeconds(180);

    /// <summary>A URL of a fresh, empty storage.</summary>
    protected abstract string NewUrl();

    [Fact]
    public void FourWorkersFinishExactlyOneHundredDistinctTrials()
    {
        string url = NewUrl();
        var workers = Enumerable.Range(0, 4)
            .Select(i => new WorkerProcess("--storage", url, "--study", "shared", "--trials", "25", "--seed", i.ToString(System.Globalization.CultureInfo.InvariantCulture)))
            .ToList();
        try
        {
            foreach (var w in workers) w.AssertSucceeds(WorkerTimeout);
        }
        finally
        {
            foreach (var w in workers) w.Dispose();
        }

        var reported = workers.Select(w => w.Lines.Where(l => l.StartsWith("trial ", StringComparison.Ordinal)).ToList()).ToList();
        Assert.All(reported, lines => Assert.Equal(25, lines.Count));
        var reportedNumbers = reported.SelectMany(lines => lines.Select(l => int.Parse(l.Split(' ')[1], System.Globalization.CultureInfo.InvariantCulture))).Order();
        Assert.Equal(Enumerable.Range(0, 100), reportedNumbers); // every number once, across all workers

        var storage = StorageFactory.Open(url);
        try
        {
            long study = storage.FindStudyId("shared") ?? throw new InvalidOperationException("the workers created no study");
            var trials = storage.GetAllTrials(study);
            Assert.Equal(Enumerable.Range(0, 100), trials.Select(t => t.Number));
            Assert.Equal(100, trials.Select(t => t.TrialId).Distinct().Count());
            foreach (var t in trials)
            {
                Assert.Equal(TrialState.Complete, t.State);
                // Nothing lost: each stored value is the objective of the stored parameters.
                double x = (double)t.Params["x"]!;
                int n = (int)t.Params["n"]!;
                string c = (string)t.Params["c"]!;
                Assert.Equal((x - 1) * (x - 1) + n + (c[0] - 'a'), t.Value!.Value, 12);
            }
        }
        finally
        {
            (storage as IDisposable)?.Dispose();
        }
    }

    [Fact]
    public void FourWorkersWithOneSeedNeverRunTheSameParameters()
    {
        // Issue #18: four `tune` processes with one seed each ran the same parameter sets. The continuous x must differ
        // in every trial, startup (random) trials and TPE trials alike.
        string url = NewUrl();
        var workers = Enumerable.Range(0, 4).Select(_ => new WorkerProcess("--storage", url, "--study", "seeded", "--trials", "5", "--seed", "1")).ToList();
        try
        {
            foreach (var w in workers) w.AssertSucceeds(WorkerTimeout);
        }
        finally
        {
            foreach (var w in workers) w.Dispose();
        }
        // A fifth worker joins after the others: a restart continues with new candidates too.
        using (var late = new WorkerProcess("--storage", url, "--study", "seeded", "--trials", "3", "--seed", "1"))
            late.AssertSucceeds(WorkerTimeout);

        var storage = StorageFactory.Open(url);
        try
        {
            var trials = storage.GetAllTrials(storage.FindStudyId("seeded")!.Value);
            Assert.Equal(23, trials.Count);
            var xs = trials.Select(t => (double)t.Params["x"]!).ToList();
            Assert.Equal(xs.Count, xs.Distinct().Count());
        }
        finally
        {
            (storage as IDisposable)?.Dispose();
        }
    }

    [Fact]
    public void KilledWorkersTrialFailsAfterTheGracePeriodAndIsRetried()
    {
        string url = NewUrl();
        string[] heartbeat = ["--heartbeat-ms", "200", "--grace-ms", "1500"];
        var storage = StorageFactory.Open(url);
        try
        {
            using (var doomed = new WorkerProcess(["--storage", url, "--study", "hb", "--trials", "1", "--sleep-ms", "600000", .. heartbeat]))
            {
                Assert.True(doomed.WaitForLine("sleeping 0", WorkerTimeout), "the worker never started its trial: " + string.Join(" | ", doomed.Lines));
                long sid = storage.FindStudyId("hb")!.Value;
                long dead = storage.GetTrialIdFromNumber(sid, 0);
                // Wait for a recorded heartbeat (stale with zero grace once any time has passed), then kill mid-trial.
                Assert.True(Poll(() => storage.GetStaleTrialIds(sid, TimeSpan.Zero).Contains(dead)), "the running trial never recorded a heartbeat");
                doomed.Kill();
                Assert.Equal(TrialState.Running, storage.GetTrial(dead).State); // nobody has noticed yet
                // The trial turns stale only once its last heartbeat is older than the grace period.
                Assert.True(Poll(() => storage.GetStaleTrialIds(sid, TimeSpan.FromMilliseconds(1500)).Contains(dead)), "the dead trial never became stale");
            }

            using (var rescuer = new WorkerProcess(["--storage", url, "--study", "hb", "--trials", "3", "--max-retry", "1", .. heartbeat]))
                rescuer.AssertSucceeds(WorkerTimeout);

            long studyId = storage.FindStudyId("hb")!.Value;
            var trials = storage.GetAllTrials(studyId);
            var killed = trials[0];
            Assert.Equal(TrialState.Failed, killed.State);
            var retry = Assert.Single(trials, t => t.SystemAttrs.TryGetValue(Study.FailedTrialKey, out var f) && Equals(f, 0L));
            Assert.Equal(TrialState.Complete, retry.State);
            Assert.Equal(killed.Params["x"], retry.Params["x"]);                 // the retry re-evaluates the same point
            Assert.Equal(3, trials.Count(t => t.State == TrialState.Complete));  // the rescuer's three trials
            Assert.Equal(4, trials.Count);
            Assert.DoesNotContain(trials, t => !t.State.IsFinished());           // the study completed
        }
        finally
        {
            (storage as IDisposable)?.Dispose();
        }
    }

    private static bool Poll(Func<bool> condition)
    {
        var deadline = DateTime.UtcNow + WorkerTimeout;
        while (DateTime.UtcNow < deadline)
        {
            if (condition()) return true;
            Thread.Sleep(50);
        }
        return false;
    }
}

/// <summary>Worker processes on one SQLite file.</summary>
public sealed class SqliteWorkerConcurrencyTests : WorkerConcurrencyTests, IDisposable
{
    private readonly TempDir _dir = new("descent-sqlite-workers");
    private int _files;

    protected override string NewUrl() => "sqlite:///" + Path.Combine(_dir.Path, $"study{_files++}.db");

    public void Dispose() => _dir.Dispose();
}

/// <summary>Worker processes on one PostgreSQL database (the test server; a fresh schema per test).</summary>
[Collection(PostgresCollection.Name)]
public sealed class PostgresWorkerConcurrencyTests(PostgresServer server) : WorkerConcurrencyTests
{
    protected override string NewUrl() => server.NewSchemaUrl();
}
