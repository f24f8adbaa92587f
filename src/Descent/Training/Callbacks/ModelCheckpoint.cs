using System.Globalization;
using Descent.NN;
using Descent.NN.Architecture;
using Descent.Training.Checkpointing;

namespace Descent.Training.Callbacks;

/// <summary>
/// Writes checkpoints into <see cref="Directory"/>, atomically (Keras' and Lightning's <c>ModelCheckpoint</c>); run
/// directories use it for their <c>checkpoints/</c> folder. Files:
/// <list type="bullet">
/// <item><c>last.ckpt</c> (<see cref="SaveLast"/>): a full <see cref="TrainingCheckpoint"/> at the end of every epoch
/// and, with <see cref="EverySteps"/>, every N optimizer steps within an epoch: the point a run resumes from.</item>
/// <item><c>best.ckpt</c> and <c>best.safetensors</c> (<see cref="SaveBest"/>): when the monitored metric improves, the
/// full checkpoint of that epoch and its model weights alone (<see cref="ModuleCheckpoint.SaveCheckpoint"/>: plain
/// safetensors with the model's repr, loadable by PyTorch).</item>
/// </list>
/// Every checkpoint holds this callback's state under <see cref="StateKey"/> (the monitor, its best value and epoch);
/// <see cref="LoadState"/> restores it when resuming, so best.ckpt is only replaced by an epoch better than every
/// epoch before the interruption too. <see cref="EverySteps"/> only refines <see cref="SaveLast"/>: with last off no
/// last.ckpt is written at all (it is one resume point, and a mid-epoch one that epoch ends never refresh would leave
/// resume behind the newest finished epoch). Put it last among the callbacks so a checkpoint sees every other
/// callback's state after the step.
/// </summary>
public sealed class ModelCheckpoint : ICallback
{
    /// <summary>File name of the latest full checkpoint.</summary>
    public const string LastFileName = "last.ckpt";

    /// <summary>File name of the best epoch's full checkpoint.</summary>
    public const string BestFileName = "best.ckpt";

    /// <summary>File name of the best epoch's model weights.</summary>
    public const string BestWeightsFileName = "best.safetensors";

    /// <summary>Checkpoint extra holding this callback's state (monitor, best value, best epoch).</summary>
    public const string StateKey = "checkpoint";

    // Written by the run-directory checkpointer this class replaced (best and best_epoch only): still read on resume.
    private const string LegacyStateKey = "run";

    /// <summary>Creates the callback writing into <paramref name="directory"/>.</summary>
    public ModelCheckpoint(string directory, string monitor = "val_loss", MonitorMode mode = MonitorMode.Auto,
        bool saveBest = true, bool saveLast = true, int everySteps = 0)
    {
        ArgumentException.ThrowIfNullOrEmpty(directory);
        if (everySteps < 0) throw new ArgumentOutOfRangeException(nameof(everySteps), everySteps, "ModelCheckpoint: every_steps must be ≥ 0.");
        Directory = directory;
        Monitor = new MetricMonitor(monitor, mode);
        SaveBest = saveBest;
        SaveLast = saveLast;
        EverySteps = everySteps;
    }

    /// <summary>Output directory.</summary>
    public string Directory { get; }

    /// <summary>The metric deciding the best epoch (updated every epoch, also when <see cref="SaveBest"/> is off).</summary>
    public MetricMonitor Monitor { get; }

    /// <summary>Write best.ckpt and best.safetensors on improvement.</summary>
    public bool SaveBest { get; }

    /// <summary>Write last.ckpt at every epoch end (and every <see cref="EverySteps"/> steps).</summary>
    public bool SaveLast { get; }

    /// <summary>With <see cref="SaveLast"/>, also write last.ckpt every N optimizer steps (0 = only at epoch ends).</summary>
    public int EverySteps { get; }

    /// <summary>Supplies extra states (scheduler, callbacks) stored in each full checkpoint.</summary>
    public Func<IReadOnlyDictionary<string, Dictionary<string, object?>>>? Extras { get; init; }

    /// <summary>
    /// Supplies the architecture stored in each full checkpoint (e.g. the student inside a training wrapper); when
    /// null, the trained model is described when every module in it has a registered kind.
    /// </summary>
    public Func<ModelArchitecture?>? Architecture { get; init; }

    /// <summary>
    /// Runs before each checkpoint is written, e.g. a run directory flushing steps.csv so that after a crash the file
    /// covers at least the checkpoint's steps.
    /// </summary>
    public Action<TrainingContext>? BeforeSave { get; init; }

    /// <summary>Path of the latest full checkpoint.</summary>
    public string LastPath => Path.Combine(Directory, LastFileName);

    /// <summary>Path of the best epoch's full checkpoint.</summary>
    public string BestCheckpointPath => Path.Combine(Directory, BestFileName);

    /// <summary>Path of the best epoch's model weights.</summary>
    public string BestPath => Path.Combine(Directory, BestWeightsFileName);

    /// <summary>
    /// Restores the best value and epoch from the extras of the checkpoint a run resumes from. State recorded for
    /// another monitored metric or direction is ignored (its best is not comparable).
    /// </summary>
    public void LoadState(IReadOnlyDictionary<string, Dictionary<string, object?>> extras)
    {
        ArgumentNullException.ThrowIfNull(extras);
        if (extras.TryGetValue(StateKey, out var s))
        {
            if (s.GetValueOrDefault("monitor") as string != Monitor.Metric || s.GetValueOrDefault("maximize") as bool? != Monitor.Maximize) return;
        }
        else if (!extras.TryGetValue(LegacyStateKey, out s)) return;
        Monitor.Best = Convert.ToDouble(s["best"], CultureInfo.InvariantCulture);
        Monitor.BestEpoch = Convert.ToInt32(s["best_epoch"], CultureInfo.InvariantCulture);
    }

    void ICallback.OnTrainBegin(TrainingContext context) => System.IO.Directory.CreateDirectory(Directory);

    void ICallback.OnBatchEnd(TrainingContext context)
    {
        // An epoch's last batch is left to the epoch end, which saves that state with the epoch's logs.
        if (SaveLast && EverySteps > 0 && (context.GlobalStep + 1) % EverySteps == 0 && context.BatchIndex + 1 < context.BatchesInEpoch)
            Capture(context, afterBatch: true).Save(LastPath);
    }

    void ICallback.OnEpochEnd(TrainingContext context)
    {
        bool improved = context.EpochLogs.TryGetValue(Monitor.Metric, out var value) && Monitor.Update(value, context.Epoch);
        bool best = SaveBest && improved;
        if (!SaveLast && !best) return;
        var checkpoint = Capture(context, afterBatch: false);
        if (best)
        {
            // Best before last: a crash in between resumes from the previous last.ckpt, which still expects this
            // epoch to improve, so best.ckpt is never older than the best epoch last.ckpt remembers.
            checkpoint.Save(BestCheckpointPath);
            context.Model.SaveCheckpoint(BestPath, new Dictionary<string, string>
            {
                ["epoch"] = (context.Epoch + 1).ToString(CultureInfo.InvariantCulture),
                [Monitor.Metric] = value.ToString("R", CultureInfo.InvariantCulture),
            });
        }
        if (SaveLast) checkpoint.Save(LastPath);
    }

    private TrainingCheckpoint Capture(TrainingContext context, bool afterBatch)
    {
        BeforeSave?.Invoke(context);
        var checkpoint = TrainingCheckpoint.Capture(context, afterBatch, Extras?.Invoke(), Architecture?.Invoke());
        checkpoint.Extras[StateKey] = new Dictionary<string, object?>(StringComparer.Ordinal)
        {
            ["monitor"] = Monitor.Metric,
            ["maximize"] = Monitor.Maximize,
            ["best"] = Monitor.Best,
            ["best_epoch"] = Monitor.BestEpoch,
        };
        return checkpoint;
    }
}
