using Descent.NN;
using Descent.Training.Checkpointing;

namespace Descent.Training.Callbacks;

/// <summary>
/// Writes checkpoints atomically: <c>last.ckpt</c>, a full training checkpoint (everything needed to resume
/// exactly) at the end of every epoch and, with <see cref="EverySteps"/>, every N steps; and <c>best.safetensors</c>,
/// the model weights of the best epoch by the monitored metric.
/// </summary>
public sealed class ModelCheckpoint : ICallback
{
    /// <summary>Creates the callback writing into <paramref name="directory"/>.</summary>
    public ModelCheckpoint(string directory, string monitor = "val_loss", MonitorMode mode = MonitorMode.Auto,
        bool saveBest = true, bool saveLast = true, int everySteps = 0)
    {
        if (everySteps < 0) throw new ArgumentOutOfRangeException(nameof(everySteps), everySteps, "ModelCheckpoint: every_steps must be ≥ 0.");
        Directory = directory;
        Monitor = new MetricMonitor(monitor, mode);
        SaveBest = saveBest;
        SaveLast = saveLast;
        EverySteps = everySteps;
    }

    /// <summary>Output directory.</summary>
    public string Directory { get; }

    /// <summary>The metric deciding the best epoch.</summary>
    public MetricMonitor Monitor { get; }

    /// <summary>Write best.safetensors on improvement.</summary>
    public bool SaveBest { get; }

    /// <summary>Write last.ckpt every epoch.</summary>
    public bool SaveLast { get; }

    /// <summary>Also write last.ckpt every N optimizer steps (0 = only at epoch ends).</summary>
    public int EverySteps { get; }

    /// <summary>Supplies extra states (scheduler, callbacks) stored in each full checkpoint.</summary>
    public Func<IReadOnlyDictionary<string, Dictionary<string, object?>>>? Extras { get; init; }

    /// <summary>Path of the full checkpoint.</summary>
    public string LastPath => Path.Combine(Directory, "last.ckpt");

    /// <summary>Path of the best model weights.</summary>
    public string BestPath => Path.Combine(Directory, "best.safetensors");

    void ICallback.OnTrainBegin(TrainingContext context) => System.IO.Directory.CreateDirectory(Directory);

    void ICallback.OnBatchEnd(TrainingContext context)
    {
        if (context.IsMidEpochCheckpointStep(EverySteps))
            TrainingCheckpoint.Capture(context, afterBatch: true, Extras?.Invoke()).Save(LastPath);
    }

    void ICallback.OnEpochEnd(TrainingContext context)
    {
        if (SaveBest && context.EpochLogs.TryGetValue(Monitor.Metric, out var value) && Monitor.Update(value, context.Epoch))
            context.Model.SaveCheckpoint(BestPath, new Dictionary<string, string>
            {
                ["epoch"] = (context.Epoch + 1).ToString(System.Globalization.CultureInfo.InvariantCulture),
                [Monitor.Metric] = value.ToString("R", System.Globalization.CultureInfo.InvariantCulture),
            });
        if (SaveLast)
            TrainingCheckpoint.Capture(context, afterBatch: false, Extras?.Invoke()).Save(LastPath);
    }
}
