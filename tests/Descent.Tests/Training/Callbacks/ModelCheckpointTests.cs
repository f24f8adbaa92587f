using Descent.NN;
using Descent.Serialization;
using Descent.Training;
using Descent.Training.Callbacks;
using Descent.Training.Checkpointing;
using static Descent.Tests.Training.AffineRegression;

namespace Descent.Tests.Training.Callbacks;

/// <summary>
/// The one checkpoint writer: save-best with its monitor state persisted (a resumed run remembers the best so far),
/// save-last, every-N-steps mid-epoch checkpoints, and the interop weights file.
/// </summary>
public sealed class ModelCheckpointTests : IDisposable
{
    private readonly DirectoryInfo _dir = Directory.CreateTempSubdirectory("descent-model-ckpt-");

    public void Dispose() => _dir.Delete(recursive: true);

    /// <summary>Logs <c>score</c> = <c>scores[epoch]</c>: a monitored metric whose course the test decides.</summary>
    private sealed class Score(double[] scores) : ICallback
    {
        public void OnEpochEnd(TrainingContext context) => context.EpochLogs["score"] = scores[context.Epoch];
    }

    private ModelCheckpoint Checkpoint(bool saveLast = true, int everySteps = 0, string folder = "checkpoints") =>
        new(Path.Combine(_dir.FullName, folder), monitor: "score", mode: MonitorMode.Min, saveLast: saveLast, everySteps: everySteps);

    /// <summary>Trains to <paramref name="epochs"/> epochs, continuing from last.ckpt (as a resumed run does) when asked.</summary>
    private ModelCheckpoint Train(int epochs, double[] scores, bool resume)
    {
        var trainer = Make(out var model);
        var checkpoint = Checkpoint();
        TrainingResume? from = null;
        if (resume)
        {
            var saved = TrainingCheckpoint.Load(checkpoint.LastPath);
            saved.Restore(model, trainer.Optimizer);
            checkpoint.LoadState(saved.Extras);
            from = saved.Resume;
        }
        trainer.With(new Score(scores), checkpoint).Fit(Loader(), epochs: epochs, resume: from);
        return checkpoint;
    }

    [Theory]
    [InlineData(0.5, 0.3, 2)]   // interrupted after a better epoch: the best is the last one
    [InlineData(0.3, 0.5, 1)]   // interrupted after a worse one: 0.4 improves on the last epoch but not on the best
    public void AResumedRunReplacesBestOnlyWithAGenuinelyBetterEpoch(double first, double second, int bestEpoch)
    {
        double[] scores = [first, second, 0.4, 0.2];
        var checkpoint = Train(2, scores, resume: false);
        var best = File.ReadAllBytes(checkpoint.BestCheckpointPath);
        var weights = File.ReadAllBytes(checkpoint.BestPath);
        Assert.Equal(bestEpoch, TrainingCheckpoint.Load(checkpoint.BestCheckpointPath).Resume.Epoch);

        checkpoint = Train(3, scores, resume: true);               // epoch 3 scores 0.4: worse than the best, 0.3
        Assert.Equal(best, File.ReadAllBytes(checkpoint.BestCheckpointPath));
        Assert.Equal(weights, File.ReadAllBytes(checkpoint.BestPath));
        Assert.Equal((0.3, bestEpoch - 1), (checkpoint.Monitor.Best, checkpoint.Monitor.BestEpoch));

        checkpoint = Train(4, scores, resume: true);               // epoch 4 scores 0.2: better
        Assert.Equal(4, TrainingCheckpoint.Load(checkpoint.BestCheckpointPath).Resume.Epoch);
        Assert.Equal("4", Descent.Serialization.Checkpoint.Load(checkpoint.BestPath).Metadata["epoch"]);
        Assert.Equal((0.2, 3), (checkpoint.Monitor.Best, checkpoint.Monitor.BestEpoch));
    }

    [Fact]
    public void EveryCheckpointHoldsTheMonitorState()
    {
        var checkpoint = Train(2, [0.3, 0.5], resume: false);
        var state = TrainingCheckpoint.Load(checkpoint.LastPath).Extras[ModelCheckpoint.StateKey];
        Assert.Equal("score", state["monitor"]);
        Assert.Equal(false, state["maximize"]);
        Assert.Equal(0.3, state["best"]);
        Assert.Equal(0, state["best_epoch"]);
        // The best checkpoint holds the state as it was after its own epoch.
        Assert.Equal(0, TrainingCheckpoint.Load(checkpoint.BestCheckpointPath).Extras[ModelCheckpoint.StateKey]["best_epoch"]);
    }

    [Fact]
    public void StateOfAnotherMonitorIsIgnoredAndTheOlderRunStateIsRead()
    {
        var checkpoint = Checkpoint();
        checkpoint.LoadState(new Dictionary<string, Dictionary<string, object?>>
        {
            [ModelCheckpoint.StateKey] = new() { ["monitor"] = "loss", ["maximize"] = false, ["best"] = 0.1, ["best_epoch"] = 4 },
        });
        Assert.Equal((double.PositiveInfinity, -1), (checkpoint.Monitor.Best, checkpoint.Monitor.BestEpoch));
        checkpoint.LoadState(new Dictionary<string, Dictionary<string, object?>>
        {
            [ModelCheckpoint.StateKey] = new() { ["monitor"] = "score", ["maximize"] = true, ["best"] = 0.1, ["best_epoch"] = 4 },
        });
        Assert.Equal(-1, checkpoint.Monitor.BestEpoch);
        // Checkpoints of run directories written before the checkpointers were merged keep it under "run".
        checkpoint.LoadState(new Dictionary<string, Dictionary<string, object?>>
        {
            ["run"] = new() { ["best"] = 0.25, ["best_epoch"] = 2 },
        });
        Assert.Equal((0.25, 2), (checkpoint.Monitor.Best, checkpoint.Monitor.BestEpoch));
    }

    [Fact]
    public void EveryStepsRefreshesLastMidEpochAndNothingWhenLastIsOff()
    {
        var on = Checkpoint(everySteps: 3);
        Assert.Throws<OperationCanceledException>(() =>
            Make(out _).With(new Score([0.5, 0.4]), on, new DieAfterSteps(13)).Fit(Loader(), epochs: 2));
        var saved = TrainingCheckpoint.Load(on.LastPath);
        Assert.Equal((12, 1, 4), (saved.Resume.GlobalStep, saved.Resume.Epoch, saved.Resume.BatchIndex));

        // Decision (docs/experiments.md): every_steps refines save_last; with last off there is no last.ckpt at all.
        var off = Checkpoint(saveLast: false, everySteps: 3, folder: "last-off");
        Assert.Throws<OperationCanceledException>(() =>
            Make(out _).With(new Score([0.5, 0.4]), off, new DieAfterSteps(13)).Fit(Loader(), epochs: 2));
        Assert.False(File.Exists(off.LastPath));
        Assert.Equal(1, TrainingCheckpoint.Load(off.BestCheckpointPath).Resume.Epoch);   // save-best is unaffected
    }

    [Fact]
    public void BestWeightsAreAPlainModelCheckpoint()
    {
        var checkpoint = Train(2, [0.5, 0.3], resume: false);
        var model = new Affine();
        model.LoadCheckpoint(checkpoint.BestPath);
        var full = TrainingCheckpoint.Load(checkpoint.BestCheckpointPath).Model;
        Assert.Equal(full["w"].Item(), model.W.Item());
        Assert.Equal(full["b"].Item(), model.B.Item());
        var metadata = Descent.Serialization.Checkpoint.Load(checkpoint.BestPath).Metadata;
        Assert.Equal(("2", "0.3"), (metadata["epoch"], metadata["score"]));
        Assert.Contains("Affine", metadata[ModuleCheckpoint.ModelKey]);
    }
}
