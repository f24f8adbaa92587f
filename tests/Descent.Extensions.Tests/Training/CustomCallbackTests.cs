using Descent.Data;
using Descent.NN;
using Descent.Optim;
using Descent.Tensors;
using Descent.Training;

namespace Descent.Extensions.Tests.Training;

/// <summary>
/// Custom callbacks written outside the library (<see cref="ICallback"/>): they see every event in order, may add to
/// the loss, skip an optimizer step and stop training.
/// </summary>
public class CustomCallbackTests
{
    private static TensorDataset Data() => SyntheticData.LinearRegression(32, 2.0, 1.0, noise: 0.01, seed: 1, dtype: DType.Float64);

    private static Trainer MakeTrainer(out Linear model)
    {
        model = new Linear(1, 1, dtype: DType.Float64, generator: new Generator(5));
        return new Trainer(model, new MSELoss(), new Sgd(model.Parameters(), new SgdOptions(lr: 0.1)));
    }

    /// <summary>Records the events it receives.</summary>
    private sealed class EventLog : ICallback
    {
        public List<string> Events { get; } = [];

        public void OnTrainBegin(TrainingContext context) => Events.Add("train_begin");

        public void OnEpochBegin(TrainingContext context) => Events.Add($"epoch_begin {context.Epoch}");

        public void OnBatchBegin(TrainingContext context) => Events.Add($"batch_begin {context.BatchIndex}");

        public void OnLossComputed(TrainingContext context) => Events.Add("loss");

        public void OnAfterBackward(TrainingContext context) => Events.Add("backward");

        public void OnBatchEnd(TrainingContext context) => Events.Add($"batch_end {context.GlobalStep}");

        public void OnEpochEnd(TrainingContext context) => Events.Add($"epoch_end {context.EpochLogs.ContainsKey("loss")}");

        public void OnTrainEnd(TrainingContext context) => Events.Add("train_end");
    }

    [Fact]
    public void EveryEventArrivesInOrder()
    {
        var log = new EventLog();
        MakeTrainer(out _).With(log).Fit(new DataLoader(Data(), 16), epochs: 1);
        Assert.Equal([
            "train_begin", "epoch_begin 0",
            "batch_begin 0", "loss", "backward", "batch_end 0",
            "batch_begin 1", "loss", "backward", "batch_end 1",
            "epoch_end True", "train_end"], log.Events);
    }

    /// <summary>Skips every optimizer step and doubles the loss that is backpropagated.</summary>
    private sealed class FreezeAndScale : ICallback
    {
        public double LastGrad { get; private set; }

        public void OnLossComputed(TrainingContext context) => context.LossTensor = context.LossTensor! * 2.0;

        public void OnAfterBackward(TrainingContext context)
        {
            LastGrad = context.Optimizer.Parameters[0].Grad!.Item();
            context.SkipStep = true;
        }
    }

    [Fact]
    public void ACallbackMayChangeTheLossAndSkipTheStep()
    {
        var trainer = MakeTrainer(out var model).With(new FreezeAndScale());
        double before = model.Weight.Item();
        var callback = (FreezeAndScale)trainer.Callbacks[0];
        trainer.Fit(new DataLoader(Data(), 32), epochs: 2);
        Assert.Equal(before, model.Weight.Item());

        var x = Data().Features;
        var y = Data().Targets;
        var reference = new Linear(1, 1, dtype: DType.Float64, generator: new Generator(5));
        (new MSELoss().Call(reference.Call(x), y) * 2.0).Backward();
        Assert.Equal(reference.Weight.Grad!.Item(), callback.LastGrad, 12);
    }

    /// <summary>Stops once the epoch loss is below a threshold.</summary>
    private sealed class StopBelow(double threshold) : ICallback
    {
        public void OnEpochEnd(TrainingContext context)
        {
            if (context.EpochLogs["loss"] >= threshold) return;
            context.StopTraining = true;
            context.StopReason = $"loss below {threshold}";
        }
    }

    [Fact]
    public void ACallbackMayStopTraining()
    {
        var trainer = MakeTrainer(out _).With(new StopBelow(1.0));
        var history = trainer.Fit(new DataLoader(Data(), 8), epochs: 100);
        Assert.InRange(history.Epochs.Count, 1, 99);
        Assert.True(history.Series("loss")[^1] < 1.0);
        Assert.All(history.Series("loss")[..^1], l => Assert.True(l >= 1.0));
        Assert.Equal("loss below 1", trainer.LastContext!.StopReason);
    }
}
