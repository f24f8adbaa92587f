using Descent.Experiments;
using Descent.Experiments.Runs;
using Descent.NN;
using Descent.Training;
using Descent.Training.Callbacks;
using Descent.Training.Checkpointing;

namespace Descent.Tests.Experiments.Runs;

/// <summary>
/// Run directories across an interruption: a resumed run remembers its best epoch (best.ckpt is only replaced by a
/// genuinely better one), a run directory written before the checkpointers were merged (Fixtures/run-v1, written by
/// commit 064e6a6: legacy "run" state in its checkpoints) still reads, evaluates and resumes, and with
/// <c>checkpoint.last: false</c> there is no resume point.
/// </summary>
public sealed class RunResumeTests : IDisposable
{
    private readonly DirectoryInfo _dir = Directory.CreateTempSubdirectory("descent-run-resume-");

    public void Dispose() => _dir.Delete(recursive: true);

    // The experiment of Fixtures/run-v1: 57 training samples in batches of 16, 4 steps per epoch.
    private const string Blobs = """
        name: legacy
        seed: 5
        epochs: 4
        data:
          dataset: synthetic
          synthetic: {kind: blobs, samples: 96, classes: 3, features: 4, noise: 1.0}
          batch_size: 16
          validation: 0.25
        model:
          layers:
            - linear: {out: 8}
            - relu
            - linear
        optimizer: {name: adam, lr: 0.01}
        """;

    /// <summary>
    /// Sets each epoch's <c>val_loss</c> (the checkpoint monitor) to a value the test decides, records best.ckpt at
    /// every epoch begin, and dies before epoch <c>dieAt</c> (counting from 0), as a killed process would.
    /// </summary>
    private sealed class ScriptedValLoss(double[] values, string? bestPath, int dieAt = int.MaxValue) : ICallback
    {
        public List<byte[]> BestAtEpochBegin { get; } = [];

        public void OnEpochBegin(TrainingContext context)
        {
            if (context.Epoch >= dieAt) throw new OperationCanceledException("killed");
            if (bestPath is not null) BestAtEpochBegin.Add(File.ReadAllBytes(bestPath));
        }

        public void OnEpochEnd(TrainingContext context) => context.EpochLogs["val_loss"] = values[context.Epoch];
    }

    // Epochs 1–2 as in the fixture; 3 is worse than the best (2), 4 better.
    private static readonly double[] ValLoss = [0.5, 0.2, 0.3, 0.1];

    private string CopyOfFixture()
    {
        var source = Path.Combine(AppContext.BaseDirectory, "Experiments", "Runs", "Fixtures", "run-v1");
        var target = Path.Combine(_dir.FullName, "run-v1");
        foreach (var file in Directory.EnumerateFiles(source, "*", SearchOption.AllDirectories))
        {
            var to = Path.Combine(target, Path.GetRelativePath(source, file));
            Directory.CreateDirectory(Path.GetDirectoryName(to)!);
            File.Copy(file, to);
        }
        return target;
    }

    /// <summary>Resumes the run interrupted after epoch 2 (best so far: epoch 2, 0.2) and checks best.ckpt's course.</summary>
    private static void ResumeRemembersTheBest(string path)
    {
        var run = new RunDirectory(path);
        var before = File.ReadAllBytes(run.BestCheckpointPath);
        Assert.Equal(2, TrainingCheckpoint.Load(run.BestCheckpointPath).Resume.Epoch);
        var script = new ScriptedValLoss(ValLoss, run.BestCheckpointPath);

        var result = ExperimentRunner.Resume(path, [script]);

        // Epoch 3 (0.3) improved on the last epoch before a forgetful resume's +∞, not on the best: best.ckpt stayed.
        Assert.Equal([before, before], script.BestAtEpochBegin);
        Assert.Equal(4, TrainingCheckpoint.Load(run.BestCheckpointPath).Resume.Epoch);   // epoch 4 (0.1) replaced it
        Assert.Equal("4", Descent.Serialization.Checkpoint.Load(run.BestWeightsPath).Metadata["epoch"]);
        Assert.Equal(("completed", 4, 4), (result.Status, result.Summary.Epochs, result.Summary.BestEpoch));
        Assert.Equal(ValLoss, run.ReadHistory().Series("val_loss"));
        Assert.Equal(Enumerable.Range(1, 16).Select(i => (long)i), run.ReadSteps().Select(s => s.Step));
        var state = TrainingCheckpoint.Load(run.LastCheckpointPath).Extras[ModelCheckpoint.StateKey];
        Assert.Equal((0.1, 3), ((double)state["best"]!, (int)state["best_epoch"]!));
    }

    [Fact]
    public void AResumedRunReplacesBestOnlyWithAGenuinelyBetterEpoch()
    {
        var path = Path.Combine(_dir.FullName, "current");
        var config = ExperimentConfig.Parse(Blobs, "blobs.yaml");
        Assert.Throws<OperationCanceledException>(() =>
            ExperimentRunner.Run(config, path, [new ScriptedValLoss(ValLoss, null, dieAt: 2)]));
        ResumeRemembersTheBest(path);
    }

    [Fact]
    public void ARunDirectoryOfThePreviousVersionReadsEvaluatesAndResumes()
    {
        var path = CopyOfFixture();
        var contents = new RunDirectory(path).ReadContents();
        Assert.Equal(("run-v1", "failed", 2, "val_loss"), (contents.Summary!.Name, contents.Summary.Status, contents.Summary.BestEpoch, contents.Summary.Monitor));
        Assert.Equal([8, 8, 3], contents.Summary.ModelSummary.Select(l => l.OutputShape.Single()));
        Assert.Equal([0.5, 0.2], contents.Metrics!.Series("val_loss"));
        Assert.Equal(8, contents.Steps!.Count);
        Assert.StartsWith("name: legacy", contents.Config);

        var model = CheckpointModel.Load(path);                                // its best.ckpt
        Assert.EndsWith("best.ckpt", model.Path);
        var (result, confusion) = model.Evaluate();
        Assert.True(result.Samples > 0 && double.IsFinite(result.Loss));
        Assert.NotNull(confusion);

        ResumeRemembersTheBest(path);
    }

    [Fact]
    public void WithLastOffThereIsNoResumePointEvenWithEverySteps()
    {
        var config = ExperimentConfig.Parse(Blobs + "\ncallbacks:\n  checkpoint: {last: false, every_steps: 1}\n", "blobs.yaml");
        var result = ExperimentRunner.Run(config with { Epochs = 2 }, Path.Combine(_dir.FullName, "no-last"));
        Assert.False(File.Exists(result.Run.LastCheckpointPath));
        Assert.True(File.Exists(result.Run.BestCheckpointPath) && File.Exists(result.Run.BestWeightsPath));
        var e = Assert.Throws<FileNotFoundException>(() => ExperimentRunner.Resume(result.Run.Path));
        Assert.Contains("checkpoint.last was off", e.Message);
        // The best weights load into the experiment's model: they are the interop copy of best.ckpt.
        var built = ExperimentBuilder.Build(result.Run.ReadConfig());
        built.Model.LoadCheckpoint(result.Run.BestWeightsPath);
        Assert.Equal(TrainingCheckpoint.Load(result.Run.BestCheckpointPath).Model.Select(kv => kv.Value.ToDoubleArray()),
            built.Model.StateDict().Select(kv => kv.Value.ToDoubleArray()));
    }
}
