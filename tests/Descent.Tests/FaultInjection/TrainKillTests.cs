using Descent.Experiments.Runs;
using Descent.Serialization;
using Descent.Tests.Experiments.Runs;
using Descent.Training.Checkpointing;

namespace Descent.Tests.FaultInjection;

/// <summary>
/// <c>descent train</c> killed at several points of a fresh run — inside a mid-epoch checkpoint write, inside the best
/// checkpoint's, inside metrics.csv's and steps.csv's writes, inside the final summary.json's (the fault seam
/// DESCENT_FAULT_KILL_IN_WRITE SIGKILLs the process with half of the file in its temporary copy), and by a SIGKILL from
/// outside — then <c>descent resume</c>: every file of the run must equal an uninterrupted run's, timings aside, and no
/// file the killed process had committed may be damaged.
/// </summary>
[Trait("Category", "FaultInjection")]
public sealed class TrainKillTests : IDisposable
{
    private readonly DirectoryInfo _dir = Directory.CreateTempSubdirectory("descent-fault-train-");

    public void Dispose() => _dir.Delete(recursive: true);

    // 600 training samples in batches of 16: 38 steps an epoch, a mid-epoch checkpoint every 5 steps, two epochs.
    private const string Experiment = """
        name: run
        seed: 7
        epochs: 2
        data:
          dataset: fashion-mnist
          source: embedded
          train_samples: 800
          test_samples: 100
          validation: 0.25
          batch_size: 16
          normalize: true
        model: {preset: mlp, hidden: [64]}
        optimizer: {name: adam, lr: 0.003}
        callbacks:
          checkpoint: {every_steps: 5}
        """;

    [Fact]
    public void AKilledTrainResumesToTheFilesOfAnUninterruptedRun()
    {
        var exp = Path.Combine(_dir.FullName, "kill.yaml");
        File.WriteAllText(exp, Experiment);
        string Runs(string label) => Path.Combine(_dir.FullName, label);

        var (code, _, errors) = CliProcess.Run(null, "train", exp, "--runs-dir", Runs("reference"), "--quiet");
        Assert.True(code == 0, errors);
        var reference = Path.Combine(Runs("reference"), "run");

        // The file whose n-th atomic write is cut in half by a SIGKILL.
        var faults = new[] { "last.ckpt:3", "best.ckpt:1", "metrics.csv:1", "steps.csv:9", "summary.json:1" };
        foreach (var fault in faults)
        {
            string label = "killed-" + fault.Replace(':', '-').Replace('.', '-');
            var env = new Dictionary<string, string> { ["DESCENT_FAULT_KILL_IN_WRITE"] = fault };
            (code, _, errors) = CliProcess.Run(env, "train", exp, "--runs-dir", Runs(label), "--quiet");
            Assert.True(code != 0, $"{fault}: the process was not killed (exit 0)");
            var run = new RunDirectory(Path.Combine(Runs(label), "run"));
            AssertCommittedFilesAreWhole(run, fault);
            Assert.False(File.Exists(run.SummaryPath), $"{fault}: summary.json exists although the run was killed");
            Resume(run, fault);
            RunFiles.AssertSame(reference, run.Path);
        }

        // A SIGKILL from outside, between writes, once the first mid-epoch checkpoint is on disk.
        var outside = new RunDirectory(Path.Combine(Runs("killed-outside"), "run"));
        using (var child = new CliProcess(null, "train", exp, "--runs-dir", Runs("killed-outside"), "--quiet"))
        {
            var clock = System.Diagnostics.Stopwatch.StartNew();
            while (!File.Exists(outside.LastCheckpointPath) && !child.HasExited && clock.Elapsed < TimeSpan.FromMinutes(2)) Thread.Sleep(2);
            Assert.False(child.HasExited, "the training process ended before it could be killed");
            child.Kill();
        }
        AssertCommittedFilesAreWhole(outside, "outside kill");
        Resume(outside, "outside kill");
        RunFiles.AssertSame(reference, outside.Path);
    }

    private static void Resume(RunDirectory run, string fault)
    {
        var (code, output, errors) = CliProcess.Run(null, "resume", run.Path, "--quiet");
        Assert.True(code == 0, $"{fault}: resume failed: {errors}");
        Assert.Contains("status: completed after 2 epoch(s)", output);
        Assert.DoesNotContain(Directory.EnumerateFiles(run.Path, "*", SearchOption.AllDirectories), f => AtomicFile.IsTemporaryFile(f));
    }

    // Every file the killed process committed reads back: checkpoints load, CSV and JSON files parse.
    private static void AssertCommittedFilesAreWhole(RunDirectory run, string fault)
    {
        if (File.Exists(run.LastCheckpointPath)) TrainingCheckpoint.Load(run.LastCheckpointPath);
        if (File.Exists(run.BestCheckpointPath)) TrainingCheckpoint.Load(run.BestCheckpointPath);
        Assert.True(File.Exists(run.ConfigPath), $"{fault}: config.yaml is missing");
        run.ReadConfig();
        if (File.Exists(run.StepsPath)) run.ReadSteps();
        if (File.Exists(run.MetricsPath)) run.ReadHistory();
    }
}
