using Descent.Training;
using Descent.Training.Checkpointing;
using Descent.Experiments;
using Descent.Experiments.Runs;
using Descent.Tests.Experiments.Runs;

namespace Descent.Tests.Experiments;

/// <summary>Experiments run into run directories: files, determinism, exact resume, stopping, the tuner's hooks.</summary>
public sealed class ExperimentRunnerTests : IDisposable
{
    private readonly DirectoryInfo _dir = Directory.CreateTempSubdirectory("descent-runner-");

    public void Dispose() => _dir.Delete(recursive: true);

    private const string Blobs = """
        name: blobs
        seed: 3
        epochs: 3
        data:
          dataset: synthetic
          synthetic: {kind: blobs, samples: 400, classes: 3, features: 4, noise: 1.0}
          batch_size: 16
          validation: 0.2
          normalize: true
        model:
          layers:
            - linear: {out: 16}
            - relu
            - dropout: 0.1
            - linear
        optimizer: {name: adam, lr: 0.01}
        schedule: {name: StepLR, per: batch, step_size: 7, gamma: 0.9}
        callbacks:
          checkpoint: {every_steps: 5}
        """;

    private string Dir(string name) => Path.Combine(_dir.FullName, name);

    private static byte[][] Weights(string checkpoint) =>
        TrainingCheckpoint.Load(checkpoint).Model.Select(kv => kv.Value.ToDoubleArray().SelectMany(BitConverter.GetBytes).ToArray()).ToArray();

    [Fact]
    public void ARunWritesEveryFile()
    {
        var result = ExperimentRunner.Run(ExperimentConfig.Parse(Blobs, "blobs.yaml"), Dir("a"));
        var run = result.Run;
        Assert.Equal("completed", result.Status);
        Assert.True(result.Test["accuracy"] > 0.9, $"test accuracy {result.Test["accuracy"]}");
        Assert.True(File.Exists(run.LastCheckpointPath) && File.Exists(run.BestCheckpointPath));
        Assert.Equal("cross_entropy", run.ReadConfig().Loss.Name);      // the resolved config
        var history = run.ReadHistory();
        Assert.Equal(3, history.Epochs.Count);
        Assert.Equal(["loss", "accuracy", "val_loss", "val_accuracy", "lr", "seconds"], history.MetricNames);
        var steps = run.ReadSteps();
        Assert.Equal(3 * 16, steps.Count);                              // 256 training samples / 16 per batch × 3 epochs
        Assert.Equal(Enumerable.Range(1, 48).Select(i => (long)i), steps.Select(s => s.Step));
        Assert.Equal(0.01 * Math.Pow(0.9, 47 / 7), steps[^1].Lr, 12);   // StepLR per batch: the rate used by step 48
        Assert.All(steps, s => Assert.True(s.GradNorm > 0 && double.IsFinite(s.GradNorm)));
        var summary = run.ReadSummary();
        Assert.Equal(("a", "completed", 3, 3L), (summary.Name, summary.Status, summary.Epochs, summary.Seed));
        Assert.Equal(4 * 16 + 16 + 16 * 3 + 3, summary.Parameters);
        Assert.Equal(["0 (Linear)", "1 (ReLU)", "2 (Dropout)", "3 (Linear)"], summary.ModelSummary.Select(l => l.Layer));
        Assert.Equal([3], summary.ModelSummary[^1].OutputShape);
        Assert.Equal(80, summary.ConfusionMatrix!.Sum(r => r.Sum()));
        Assert.Equal(["0", "1", "2"], summary.ClassNames);
        Assert.True(summary.Timing.SamplesPerSec > 0);
        Assert.Equal(result.Test["loss"], summary.Test["loss"]);
    }

    [Fact]
    public void TheSameSeedGivesIdenticalWeights()
    {
        var config = ExperimentConfig.Parse(Blobs, "blobs.yaml") with { Epochs = 2 };
        ExperimentRunner.Run(config, Dir("s1"));
        ExperimentRunner.Run(config, Dir("s2"));
        ExperimentRunner.Run(config with { Seed = 4 }, Dir("s3"));
        var a = Weights(new RunDirectory(Dir("s1")).LastCheckpointPath);
        Assert.Equal(a, Weights(new RunDirectory(Dir("s2")).LastCheckpointPath));
        Assert.NotEqual(a, Weights(new RunDirectory(Dir("s3")).LastCheckpointPath));
    }

    /// <summary>Simulates the process dying: no epoch-end or train-end work after step <c>steps</c>.</summary>
    private sealed class Die(int steps) : ICallback
    {
        public void OnBatchEnd(TrainingContext context)
        {
            if (context.GlobalStep + 1 >= steps) throw new OperationCanceledException("killed");
        }
    }

    [Fact]
    public void ResumingACrashedRunEndsWithTheWeightsOfAnUninterruptedRun()
    {
        var config = ExperimentConfig.Parse(Blobs, "blobs.yaml");
        ExperimentRunner.Run(config, Dir("full"));
        // Dies at step 23 (epoch 2, batch 7); the last checkpoint is from step 20, and steps.csv holds steps up to 20.
        Assert.Throws<OperationCanceledException>(() => ExperimentRunner.Run(config, Dir("crash"), [new Die(23)]));
        var crashed = new RunDirectory(Dir("crash"));
        Assert.Equal("failed", crashed.ReadSummary().Status);
        Assert.Equal(20, TrainingCheckpoint.Load(crashed.LastCheckpointPath).Resume.GlobalStep);

        var resumed = ExperimentRunner.Resume(Dir("crash"));
        Assert.Equal("completed", resumed.Status);
        var full = new RunDirectory(Dir("full"));
        Assert.Equal(Weights(full.LastCheckpointPath), Weights(crashed.LastCheckpointPath));
        Assert.Equal(full.ReadSteps().Select(s => (s.Step, s.Loss, s.Lr, s.GradNorm)), crashed.ReadSteps().Select(s => (s.Step, s.Loss, s.Lr, s.GradNorm)));
        Assert.Equal(full.ReadHistory().Series("val_loss"), crashed.ReadHistory().Series("val_loss"));
        Assert.Equal(full.ReadSummary().Test["accuracy"], resumed.Test["accuracy"]);
    }

    /// <summary>
    /// Mid-epoch resume is exact for every file, the epoch's training metrics included: the checkpoint carries the metric
    /// accumulators (accuracy's counts) of the batches before the resume point, not only the running loss.
    /// </summary>
    [Fact]
    public void AResumedRunWritesTheFilesOfAnUninterruptedRun()
    {
        var config = ExperimentConfig.Parse(Blobs, "blobs.yaml");
        ExperimentRunner.Run(config, Path.Combine(Dir("full"), "run"));
        // Dies at step 28; the last checkpoint is from step 25, batch 5 of epoch 2 (20 batches an epoch).
        Assert.Throws<OperationCanceledException>(() => ExperimentRunner.Run(config, Path.Combine(Dir("crash"), "run"), [new Die(28)]));
        var saved = TrainingCheckpoint.Load(new RunDirectory(Path.Combine(Dir("crash"), "run")).LastCheckpointPath);
        Assert.True(saved.Resume is { Epoch: 1, BatchIndex: > 0 }, "the resume point must be inside an epoch");
        Assert.NotNull(saved.Resume.PartialEpoch?.Metrics?["accuracy"]);

        ExperimentRunner.Resume(Path.Combine(Dir("crash"), "run"));
        RunFiles.AssertSame(Path.Combine(Dir("full"), "run"), Path.Combine(Dir("crash"), "run"));
    }

    /// <summary>A finished run is left alone unless more epochs or a forced resume are asked for.</summary>
    [Fact]
    public void AFinishedRunIsNotResumedUnlessAsked()
    {
        var path = Dir("finished");
        ExperimentRunner.Run(ExperimentConfig.Parse(Blobs, "blobs.yaml", ["epochs=2"]), path);
        var before = RunFiles.Files(path).ToDictionary(f => f, f => File.ReadAllBytes(Path.Combine(path, f)));
        var e = Assert.Throws<ArgumentException>(() => ExperimentRunner.Resume(path));
        Assert.Contains("already completed 2 epoch(s)", e.Message);
        foreach (var (f, bytes) in before) Assert.Equal(bytes, File.ReadAllBytes(Path.Combine(path, f)));

        var more = ExperimentRunner.Resume(path, new ResumeOptions { Epochs = 3 });
        Assert.Equal(("completed", 3), (more.Status, more.History.Epochs.Count));
        Assert.Equal(3, new RunDirectory(path).ReadConfig().Epochs);
        Assert.Throws<ArgumentException>(() => ExperimentRunner.Resume(path, new ResumeOptions { Epochs = 3 }));   // not more than done
        // --force redoes the end of the run from last.ckpt (an epoch end): the same weights and metrics.
        var forced = ExperimentRunner.Resume(path, new ResumeOptions { Force = true });
        Assert.Equal(more.Test, forced.Test);
    }

    /// <summary>A loss that explodes without overflowing (Adam at lr 1e6) is divergence: status "diverged", and such a run is not resumed.</summary>
    [Fact]
    public void AnExplodingLossEndsTheRunAsDiverged()
    {
        var path = Dir("diverged");
        var result = ExperimentRunner.Run(ExperimentConfig.Parse(Blobs, "blobs.yaml", ["optimizer.lr=1e6", "schedule=none"]), path);
        Assert.Equal("diverged", result.Status);
        Assert.StartsWith("loss exploded at step ", result.Summary.StopReason);
        Assert.Equal("diverged", new RunDirectory(path).ReadSummary().Status);
        Assert.Contains("diverged", Assert.Throws<ArgumentException>(() => ExperimentRunner.Resume(path)).Message);
    }

    /// <summary>Records validation accuracy per epoch and prunes after two epochs, as a tuning trial's callback would.</summary>
    private sealed class Reporter : ICallback
    {
        public List<double> Reported { get; } = [];

        public void OnEpochEnd(TrainingContext context)
        {
            Reported.Add(context.EpochLogs["val_accuracy"]);
            if (Reported.Count == 2)
            {
                context.StopTraining = true;
                context.StopReason = "pruned";
            }
        }
    }

    [Fact]
    public void ExtraCallbacksSeeEveryEpochAndMayStopTheRun()
    {
        var reporter = new Reporter();
        var config = ExperimentConfig.Parse(Blobs, "blobs.yaml", ["optimizer.lr=0.003"]);
        var result = ExperimentRunner.Run(config with { Epochs = 5 }, Dir("pruned"), [reporter]);
        Assert.Equal("stopped", result.Status);
        Assert.Equal("pruned", result.Summary.StopReason);
        Assert.Equal(2, result.History.Epochs.Count);
        Assert.Equal(result.History.Series("val_accuracy"), reporter.Reported);
        Assert.Equal(0.003, result.Run.ReadConfig().Optimizer.Hyperparameters["lr"]);
    }

    [Fact]
    public void CancellationStopsAfterTheCurrentBatch()
    {
        using var cts = new CancellationTokenSource();
        cts.Cancel();
        var result = ExperimentRunner.Run(ExperimentConfig.Parse(Blobs, "blobs.yaml"), Dir("cancel"), null, cts.Token);
        Assert.Equal("stopped", result.Status);
        Assert.Equal("cancelled", result.Summary.StopReason);
        Assert.Single(result.Run.ReadSteps());
    }

    [Fact]
    public void EarlyStoppingStopsAndRestoresTheBestWeights()
    {
        // With lr 0 the validation loss never improves after epoch 1: with patience 1 epoch 3 stops the run.
        var config = ExperimentConfig.Parse(Blobs + "\n  early_stopping: {monitor: val_loss, patience: 1, restore_best_weights: true}\n", "blobs.yaml",
            ["optimizer.lr=0", "epochs=6", "schedule=none"]);
        var result = ExperimentRunner.Run(config, Dir("early"));
        Assert.Equal("stopped", result.Status);
        Assert.StartsWith("early stopping: val_loss did not improve", result.Summary.StopReason);
        Assert.Equal(3, result.History.Epochs.Count);
    }
}
