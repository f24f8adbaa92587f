using Descent.Data;
using Descent.NN;
using Descent.Optim;
using Descent.Tensors;
using Descent.Training;
using Descent.Training.Callbacks;
using Descent.Training.Metrics;

namespace Descent.Tests.Training;

public class TrainerTests
{
    /// <summary>y = x·w + b with w, b of shape [1]: enough to exercise the loop without depending on layer code.</summary>
    private sealed class Affine : Module
    {
        public Affine(DType dtype)
        {
            W = RegisterParameter("w", Tensor.Zeros(new Shape(1), dtype));
            B = RegisterParameter("b", Tensor.Zeros(new Shape(1), dtype));
        }

        public Tensor W { get; }
        public Tensor B { get; }
        public override Tensor Forward(Tensor input) => input * W + B;
    }

    private static (Trainer Trainer, Affine Model) Make(double lr = 0.5, DType dtype = DType.Float64, params Func<IMetric>[] metrics)
    {
        var model = new Affine(dtype);
        var opt = OptimizerFactory.Create("SGD", model.Parameters(), new Dictionary<string, object?> { ["lr"] = lr });
        return (new Trainer(model, new MSELoss(), opt, new TrainerOptions { Metrics = metrics }), model);
    }

    private static DataLoader Loader(int n = 128, int batch = 16, long seed = 1, bool shuffle = true) =>
        new(SyntheticData.LinearRegression(n, 2.0, 2.0, noise: 0.01, seed: seed, dtype: DType.Float64), batch, shuffle, seed);

    [Fact]
    public void FitRecoversTheLineAndRecordsHistory()
    {
        var (trainer, model) = Make(metrics: [() => new MeanAbsoluteError()]);
        var history = trainer.Fit(Loader(), Loader(64, 64, 2, false), epochs: 30);
        Assert.Equal(30, history.Epochs.Count);
        Assert.Equal(2.0, model.W.Item(), 1);
        Assert.Equal(2.0, model.B.Item(), 1);
        var loss = history.Series("loss");
        Assert.True(loss[^1] < loss[0] / 100, $"loss went from {loss[0]} to {loss[^1]}");
        Assert.True(history.Series("val_mae")[^1] < 0.05);
        Assert.Contains("lr", history.MetricNames);
    }

    [Fact]
    public void SameSeedGivesIdenticalWeights()
    {
        var (t1, m1) = Make();
        var (t2, m2) = Make();
        t1.Fit(Loader(), epochs: 3);
        t2.Fit(Loader(), epochs: 3);
        Assert.Equal(m1.W.Item(), m2.W.Item());
        Assert.Equal(m1.B.Item(), m2.B.Item());
    }

    [Fact]
    public void ResumingMidEpochMatchesAnUninterruptedRun()
    {
        var (full, mFull) = Make();
        full.Fit(Loader(), epochs: 3);

        // Stop after 1.5 epochs, keep the optimizer/model state and the loader position, then resume.
        var (first, m1) = Make();
        var loader = Loader();
        first.With(new StopAfterSteps(12));
        var history = first.Fit(loader, epochs: 3);
        var ctx = first.LastContext!;
        var (second, m2) = Make();
        m2.LoadStateDict(m1.StateDict());
        second.Optimizer.LoadStateDict(first.Optimizer.StateDict());
        var resumed = new TrainingResume(ctx.Epoch, ctx.BatchIndex + 1, ctx.GlobalStep, history)
        {
            PartialEpoch = new PartialEpoch(ctx.PartialLossSum, ctx.PartialSamples),
        };
        second.Fit(Loader(), epochs: 3, resume: resumed);
        Assert.Equal(mFull.W.Item(), m2.W.Item());
        Assert.Equal(mFull.B.Item(), m2.B.Item());
    }

    private sealed class StopAfterSteps(int steps) : ICallback
    {
        public void OnBatchEnd(TrainingContext context)
        {
            if (context.GlobalStep + 1 >= steps) context.StopTraining = true;
        }
    }

    [Fact]
    public void EarlyStoppingStopsAndRestoresBestWeights()
    {
        var (trainer, model) = Make(lr: 0.5);
        var stop = new EarlyStopping("val_loss", patience: 1, restoreBestWeights: true);
        var recorder = new WeightRecorder();
        trainer.With(recorder, stop, new DivergeAfter(4));
        var history = trainer.Fit(Loader(), Loader(64, 64, 2, false), epochs: 50);
        Assert.True(history.Epochs.Count < 50, "training should have stopped early");
        Assert.Contains("early stopping", trainer.LastContext!.StopReason);
        int best = stop.Monitor.BestEpoch;
        Assert.Equal(recorder.Weights[best], model.W.Item());
    }

    /// <summary>Records w after each epoch (runs before early stopping in the callback list).</summary>
    private sealed class WeightRecorder : ICallback
    {
        public List<double> Weights { get; } = [];
        public void OnEpochEnd(TrainingContext context) => Weights.Add(((Affine)context.Model).W.Item());
    }

    /// <summary>From epoch k on, pushes the weights away so validation loss gets worse.</summary>
    private sealed class DivergeAfter(int epoch) : ICallback
    {
        public void OnEpochBegin(TrainingContext context)
        {
            if (context.Epoch >= epoch) ((Affine)context.Model).B.AddInPlace(Tensor.Ones(new Shape(1), DType.Float64), context.Epoch);
        }
    }

    [Fact]
    public void NanGuardStopsWithDiagnosticsOrSkips()
    {
        var (trainer, _) = Make();
        var guard = new NanGuard(NanAction.Stop);
        trainer.With(new PoisonGradient(3), guard).Fit(Loader(), epochs: 5);
        Assert.Equal(4, trainer.LastContext!.GlobalStep);   // batches 0..3 were seen; the 4th was not applied
        Assert.Contains("non-finite gradient at step 3", trainer.LastContext.StopReason);
        Assert.Contains("first parameter with a non-finite gradient: w", trainer.LastContext.StopReason);

        var (skipping, m2) = Make();
        var skip = new NanGuard(NanAction.Skip);
        var history = skipping.With(new PoisonGradient(3), skip).Fit(Loader(), epochs: 2);
        Assert.Equal(1, skip.SkippedSteps);
        Assert.Equal(2, history.Epochs.Count);
        Assert.True(double.IsFinite(m2.W.Item()), "a skipped step must not apply the non-finite update");
    }

    /// <summary>Puts a NaN into w's gradient at one step (runs before the guard).</summary>
    private sealed class PoisonGradient(long step) : ICallback
    {
        public void OnAfterBackward(TrainingContext context)
        {
            if (context.GlobalStep == step) ((Affine)context.Model).W.Grad!.FillInPlace(double.NaN);
        }
    }

    [Fact]
    public void ClippingRecordsNormsAndPenaltiesShrinkWeights()
    {
        var (plain, m1) = Make();
        plain.Fit(Loader(), epochs: 5);
        var (penalized, m2) = Make();
        var clip = new GradientClipping(maxNorm: 1.0);
        penalized.With(clip, new PenaltyCallback(l2: 0.5, weightsOnly: false)).Fit(Loader(), epochs: 5);
        Assert.Equal(5 * 8, clip.Norms.Count);
        Assert.True(Math.Abs(m2.W.Item()) < Math.Abs(m1.W.Item()), "an L2 penalty must pull the weight toward 0");
    }

    [Fact]
    public void MetricLoggerWritesCsvAndJsonLines()
    {
        var dir = Directory.CreateTempSubdirectory("descent-log-");
        try
        {
            var csv = Path.Combine(dir.FullName, "metrics.csv");
            var jsonl = Path.Combine(dir.FullName, "metrics.jsonl");
            var (trainer, _) = Make();
            trainer.With(new MetricLogger(csv, jsonl)).Fit(Loader(), Loader(32, 32, 3, false), epochs: 3);
            var lines = File.ReadAllLines(csv);
            Assert.Equal(4, lines.Length);
            Assert.StartsWith("epoch,loss,val_loss,lr,seconds", lines[0]);
            Assert.Equal(3, File.ReadAllLines(jsonl).Length);
        }
        finally
        {
            dir.Delete(true);
        }
    }

    [Fact]
    public void EvaluateAndPredictDoNotChangeTrainingMode()
    {
        var (trainer, model) = Make(metrics: [() => new R2Score()]);
        trainer.Fit(Loader(), epochs: 10);
        var eval = trainer.Evaluate(Loader(64, 64, 5, false));
        Assert.True(eval.Metrics["r2"] > 0.99);
        Assert.Equal(64, eval.Samples);
        var pred = trainer.Predict(Loader(10, 4, 5, false));
        Assert.Equal(new Shape(10, 1), pred.Shape);
        Assert.True(model.Training);
    }
}
