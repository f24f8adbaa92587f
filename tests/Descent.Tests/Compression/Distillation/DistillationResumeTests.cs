using Descent.Compression.Distillation;
using Descent.Data;
using Descent.NN;
using Descent.Optim;
using Descent.Optim.Schedules;
using Descent.Tensors;
using Descent.Training;
using Descent.Training.Callbacks;
using Descent.Training.Checkpointing;

using Descent.Tests.Training;

namespace Descent.Tests.Compression.Distillation;

/// <summary>
/// Distillation keeps the trainer's machinery: a run killed mid-epoch and resumed from its checkpoint ends exactly
/// where the uninterrupted run does (with augmentation and hint regressors), early stopping and schedules read the
/// distillation epochs.
/// </summary>
public sealed class DistillationResumeTests : IDisposable
{
    private readonly DirectoryInfo _dir = Directory.CreateTempSubdirectory("descent-distill-");

    public void Dispose() => _dir.Delete(recursive: true);

    private static TensorDataset Images()
    {
        var blobs = SyntheticData.Blobs(60, classes: 3, features: 16, seed: 3, dtype: DType.Float64);
        return new TensorDataset(blobs.Features.Reshape(60, 1, 4, 4).Clone(), blobs.Targets);
    }

    private static DataLoader Loader() =>
        new(Images(), new DataLoaderOptions { BatchSize = 16, Shuffle = true, Seed = 5, Transform = new RandomHorizontalFlip() });

    private static Trainer Make(out Module model, params ICallback[] callbacks)
    {
        var distiller = new Distiller(DistillerTests.Mlp(32, 1),
            new DistillationOptions { Hints = [new HintPair("2", "2")], ValidationAgreement = false });
        model = distiller.Prepare(DistillerTests.Mlp(8, 2), Images().Features.Narrow(0, 0, 1), new Generator(6));
        var opt = new Adam(model.Parameters(), new AdamOptions(0.01));
        return new Trainer(model, new CrossEntropyLoss(), opt, new TrainerOptions { Objective = distiller }).With(callbacks);
    }

    [Fact]
    public void ResumeFromAMidEpochCheckpointEqualsTheUninterruptedRun()
    {
        var reference = Make(out var refModel);
        var refHistory = reference.Fit(Loader(), epochs: 3);

        var ckpt = new ModelCheckpoint(_dir.FullName, monitor: "loss", everySteps: 3);
        var interrupted = Make(out _, ckpt, new AffineRegression.DieAfterSteps(7));
        Assert.Throws<OperationCanceledException>(() => interrupted.Fit(Loader(), epochs: 3));
        var saved = TrainingCheckpoint.Load(ckpt.LastPath);
        Assert.Equal((1, 2), (saved.Resume.Epoch, saved.Resume.BatchIndex));   // step 6 = epoch 1, after batch 1
        Assert.Contains("hints.0.regressor.weight", saved.Model.Keys);

        var resumed = Make(out var model);
        saved.Restore(model, resumed.Optimizer);
        var history = resumed.Fit(Loader(), epochs: 3, resume: saved.Resume);
        Assert.Equal(refModel.Parameters().SelectMany(p => p.ToDoubleArray()), model.Parameters().SelectMany(p => p.ToDoubleArray()));
        Assert.Equal(refHistory.Series("loss"), history.Series("loss"));
        // Whole epochs after the resume are logged exactly as in the uninterrupted run.
        Assert.Equal(refHistory.Series("soft_loss")[2], history.Series("soft_loss")[2]);
        Assert.Equal(refHistory.Series("hint_loss")[2], history.Series("hint_loss")[2]);
    }

    [Fact]
    public void EarlyStoppingAndSchedulesReadTheDistillationEpochs()
    {
        // A min-delta no epoch can beat: training stops at the first epoch that does not improve, on the distiller's own log.
        var stop = new EarlyStopping("soft_loss", patience: 0, minDelta: 1e9);
        var trainer = Make(out _, stop);
        var scheduler = new LrSchedulerCallback(new LrScheduler(trainer.Optimizer, new StepLR(1, 0.5)));
        trainer.With(scheduler);
        var history = trainer.Fit(Loader(), epochs: 10);
        Assert.Equal(2, history.Epochs.Count);
        Assert.Equal(1, stop.StoppedEpoch);
        Assert.Equal([0.01, 0.005], history.Series("lr"));
        Assert.Equal(0.0025, trainer.Optimizer.ParamGroups[0].Lr, 15);
    }
}
