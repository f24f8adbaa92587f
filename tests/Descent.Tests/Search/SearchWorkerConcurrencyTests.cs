using Descent.Tests.Tuning.Storage;
using Descent.Tuning;

namespace Descent.Tests.Search;

/// <summary>
/// <c>descent search</c> workers (the search runner in <c>Descent.TuningWorker</c> processes) sharing one PostgreSQL study:
/// a worker killed with SIGKILL mid-candidate has its trial failed after the heartbeat grace period and retried with the
/// same architecture by a survivor; four workers then finish every candidate exactly once, none lost or duplicated.
/// </summary>
[Collection(PostgresCollection.Name)]
public sealed class SearchWorkerConcurrencyTests(PostgresServer server) : IDisposable
{
    private static readonly TimeSpan WorkerTimeout = TimeSpan.FromSeconds(300);
    private const int GraceMs = 8000;
    private readonly string _dir = Directory.CreateTempSubdirectory("descent-search-workers-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    [Fact]
    public void FourWorkersLoseNoCandidateWhenOneIsKilled()
    {
        // Five processes train while the machine may be shared: give connections more than Npgsql's default 15 s to open.
        string url = server.NewSchemaUrl() + "&connect_timeout=120";
        string file = Path.Combine(_dir, "search.yaml");
        File.WriteAllText(file, ArchitectureSearchRunnerTests.Blobs("study: {metric: val_accuracy, strategy: evolution}"));
        string runs = Path.Combine(_dir, "runs");
        // The grace period is generous because a live worker whose heartbeat thread is starved longer than the grace (seen
        // at load average 100 with 1.5 s) has its running candidate failed by a survivor, which then counts one short.
        string[] common = ["--storage", url, "--study", "arch", "--search", file, "--runs-dir", runs, "--heartbeat-ms", "200", "--grace-ms", GraceMs.ToString(System.Globalization.CultureInfo.InvariantCulture)];
        var storage = StorageFactory.Open(url);
        try
        {
            using (var doomed = new WorkerProcess([.. common, "--trials", "1", "--sleep-ms", "600000"]))
            {
                Assert.True(doomed.WaitForLine("sleeping 0", WorkerTimeout), "the worker never started its candidate: " + string.Join(" | ", doomed.Lines));
                long sid = storage.FindStudyId("arch")!.Value;
                long dead = storage.GetTrialIdFromNumber(sid, 0);
                Assert.True(Poll(() => storage.GetStaleTrialIds(sid, TimeSpan.Zero).Contains(dead)), "the running candidate never recorded a heartbeat");
                doomed.Kill();
                Assert.True(Poll(() => storage.GetStaleTrialIds(sid, TimeSpan.FromMilliseconds(GraceMs)).Contains(dead)), "the dead candidate never became stale");
            }

            var workers = Enumerable.Range(0, 4)
                .Select(i => new WorkerProcess([.. common, "--trials", "4", "--max-retry", "1", "--seed", i.ToString(System.Globalization.CultureInfo.InvariantCulture)]))
                .ToList();
            try
            {
                foreach (var w in workers) w.AssertSucceeds(WorkerTimeout);
            }
            finally
            {
                foreach (var w in workers) w.Dispose();
            }

            long studyId = storage.FindStudyId("arch")!.Value;
            var trials = storage.GetAllTrials(studyId);
            Assert.Equal(Enumerable.Range(0, 17), trials.Select(t => t.Number));            // the killed one + 4 × 4, numbered once
            Assert.Equal(TrialState.Failed, trials[0].State);
            var retry = Assert.Single(trials, t => t.SystemAttrs.TryGetValue(Study.FailedTrialKey, out var f) && Equals(f, 0L));
            Assert.Equal(trials[0].Params, retry.Params);                                    // the same candidate, trained again
            Assert.Equal(16, trials.Count(t => t.State == TrialState.Complete));
            foreach (var t in trials.Where(t => t.State == TrialState.Complete))
            {
                // Nothing lost: each value is the best validation accuracy of the candidate's own run.
                var csv = File.ReadAllLines(Path.Combine(runs, "studies", "arch", $"trial-{t.Number:D4}", "metrics.csv"));
                int col = Array.IndexOf(csv[0].Split(','), "val_accuracy");
                double best = csv.Skip(1).Max(l => double.Parse(l.Split(',')[col], System.Globalization.CultureInfo.InvariantCulture));
                Assert.Equal(best, t.Values![0], 12);
                Assert.True(t.UserAttrs.ContainsKey("architecture"));
            }
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
