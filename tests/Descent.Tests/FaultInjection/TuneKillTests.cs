using System.Globalization;
using Descent.Experiments.Runs;
using Descent.Tests.Tuning.Storage;
using Descent.Tuning;

namespace Descent.Tests.FaultInjection;

/// <summary>
/// <c>descent tune</c> workers killed mid-trial on a fresh SQLite and a fresh PostgreSQL study, then two workers finishing
/// the study side by side: every trial number is used once, the killed trial never counts as complete, no two trials
/// draw the same parameters, the storage still opens, and every complete trial's value is its own run's best val_loss
/// (nothing lost or mixed up).
/// </summary>
[Trait("Category", "FaultInjection")]
[Collection(PostgresCollection.Name)]
public sealed class TuneKillTests(PostgresServer server) : IDisposable
{
    private readonly DirectoryInfo _dir = Directory.CreateTempSubdirectory("descent-fault-tune-");

    public void Dispose() => _dir.Delete(recursive: true);

    private const string Study = """
        name: killtune
        seed: 5
        epochs: 3
        data:
          dataset: synthetic
          synthetic: {kind: blobs, samples: 3000, classes: 3, features: 8, noise: 2.0}
          validation: 0.2
          batch_size: 16
        model: {preset: mlp, hidden: [64, 64]}
        optimizer: {name: adam, lr: 0.003}
        callbacks:
          checkpoint: {every_steps: 10}
        search:
          lr: {float: [1e-4, 1e-1], log: true}
        study: {metric: val_loss, direction: minimize, trials: 3}
        """;

    [Fact]
    public void KilledSqliteWorkersLoseAndRepeatNoTrial() =>
        KillAndFinish("sqlite:///" + Path.Combine(_dir.FullName, "study.db"));

    [Fact]
    public void KilledPostgresWorkersLoseAndRepeatNoTrial() =>
        KillAndFinish(server.NewSchemaUrl() + "&connect_timeout=120");

    private void KillAndFinish(string url)
    {
        var file = Path.Combine(_dir.FullName, "study.yaml");
        File.WriteAllText(file, Study);
        var runs = Path.Combine(_dir.FullName, "runs");
        string[] common = ["tune", file, "--storage", url, "--runs-dir", runs, "--quiet"];
        var first = new RunDirectory(Path.Combine(runs, "studies", "killtune", "trial-0000"));

        // Killed inside its first trial, once that trial has checkpointed.
        using (var doomed = new CliProcess(null, [.. common, "--trials", "3"]))
        {
            var clock = System.Diagnostics.Stopwatch.StartNew();
            while (!File.Exists(first.LastCheckpointPath) && !doomed.HasExited && clock.Elapsed < TimeSpan.FromMinutes(3)) Thread.Sleep(5);
            Assert.False(doomed.HasExited, "the tune worker ended before it could be killed: " + doomed.Err);
            Assert.False(File.Exists(first.SummaryPath), "the first trial finished before the kill");
            doomed.Kill();
        }

        // Two workers finish the study side by side.
        var workers = new[] { new CliProcess(null, [.. common, "--trials", "3"]), new CliProcess(null, [.. common, "--trials", "3"]) };
        try
        {
            foreach (var w in workers)
            {
                int code = w.WaitForExit(TimeSpan.FromMinutes(5));
                Assert.True(code == 0, $"a worker failed ({code}): {w.Err}");
                Assert.DoesNotContain("   at ", w.Err);
            }
        }
        finally
        {
            foreach (var w in workers) w.Dispose();
        }

        var storage = StorageFactory.Open(url);
        try
        {
            long id = storage.FindStudyId("killtune") ?? throw new InvalidOperationException("no study was created");
            var trials = storage.GetAllTrials(id);
            Assert.Equal(Enumerable.Range(0, 7), trials.Select(t => t.Number));          // the killed trial + 2 × 3, each number once
            Assert.NotEqual(TrialState.Complete, trials[0].State);
            Assert.Equal(6, trials.Count(t => t.State == TrialState.Complete));
            var lrs = trials.Select(t => Convert.ToDouble(t.Params["lr"], CultureInfo.InvariantCulture)).ToList();
            Assert.Equal(lrs.Count, lrs.Distinct().Count());                              // no candidate drawn twice
            foreach (var t in trials.Where(t => t.State == TrialState.Complete))
            {
                var run = RunDirectory.Open(Path.Combine(runs, "studies", "killtune", $"trial-{t.Number:D4}"));
                double best = run.ReadHistory().Series("val_loss").Min();
                Assert.Equal(best, t.Values![0], 12);
                Assert.Equal("completed", run.ReadSummary().Status);
                Assert.Equal(Convert.ToDouble(t.Params["lr"], CultureInfo.InvariantCulture), run.ReadConfig().Optimizer.Options.Lr, 12);
            }
        }
        finally
        {
            (storage as IDisposable)?.Dispose();
        }
    }
}
