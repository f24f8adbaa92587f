using Descent.NN;
using Descent.Training;
using Descent.Training.Callbacks;
using Descent.Training.Checkpointing;
using static Descent.Tests.Training.AffineRegression;

namespace Descent.Tests.Training;

public sealed class TrainingCheckpointTests : IDisposable
{
    private readonly DirectoryInfo _dir = Directory.CreateTempSubdirectory("descent-ckpt-");

    public void Dispose() => _dir.Delete(recursive: true);

    [Fact]
    public void ResumeFromMidEpochCheckpointEqualsUninterruptedRun()
    {
        var reference = Make(out var refModel);
        reference.Fit(Loader(), epochs: 3);

        var interrupted = Make(out _);
        var ckpt = new ModelCheckpoint(_dir.FullName, monitor: "loss", everySteps: 5);
        Assert.Throws<OperationCanceledException>(() =>
            interrupted.With(ckpt, new DieAfterSteps(12)).Fit(Loader(), epochs: 3));   // dies after step 12; last save at step 10

        var saved = TrainingCheckpoint.Load(ckpt.LastPath);
        Assert.Equal(1, saved.Resume.Epoch);
        Assert.Equal(2, saved.Resume.BatchIndex);
        Assert.Equal(10, saved.Resume.GlobalStep);

        var resumed = Make(out var model);
        saved.Restore(model, resumed.Optimizer);
        var history = resumed.Fit(Loader(), epochs: 3, resume: saved.Resume);
        Assert.Equal(refModel.W.Item(), model.W.Item());
        Assert.Equal(refModel.B.Item(), model.B.Item());
        Assert.Equal(3, history.Epochs.Count);
        Assert.Equal(reference.LastContext!.History.Series("loss"), history.Series("loss"));
    }

    [Fact]
    public void EpochEndCheckpointResumesAtTheNextEpoch()
    {
        var first = Make(out _);
        var ckpt = new ModelCheckpoint(_dir.FullName, monitor: "loss");
        first.With(ckpt).Fit(Loader(), epochs: 2);
        var saved = TrainingCheckpoint.Load(ckpt.LastPath);
        Assert.Equal(2, saved.Resume.Epoch);
        Assert.Equal(0, saved.Resume.BatchIndex);
        Assert.Equal(2, saved.Resume.History.Epochs.Count);
        Assert.True(File.Exists(ckpt.BestPath));
    }

    [Fact]
    public void AModelOnlyFileCannotResume()
    {
        var path = Path.Combine(_dir.FullName, "weights.safetensors");
        new Affine().SaveCheckpoint(path);
        var e = Assert.Throws<InvalidDataException>(() => TrainingCheckpoint.Load(path));
        Assert.Contains("not a Descent training checkpoint", e.Message);
    }
}
