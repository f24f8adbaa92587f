using System.Globalization;
using Descent.Training;
using Descent.Training.Callbacks;
using Descent.Training.Checkpointing;

namespace Descent.Experiments.Runs;

/// <summary>
/// Keeps a run directory current: after every epoch metrics.csv and steps.csv are rewritten and
/// <c>checkpoints/last.ckpt</c> (and <c>best.ckpt</c> on improvement of the monitored metric) saved; with
/// <see cref="EverySteps"/> last.ckpt is also saved mid-epoch. steps.csv is always written before the checkpoint, so
/// after a crash it holds at least the checkpoint's steps (a resume drops the rows after them). Put it last among the
/// callbacks so the checkpoint sees every other callback's state after the step.
/// </summary>
public sealed class RunCheckpointer : ICallback
{
    /// <summary>Checkpoint extra holding this callback's own state.</summary>
    public const string StateKey = "run";

    private readonly RunDirectory _run;
    private readonly StepRecorder _steps;
    private readonly Func<Dictionary<string, Dictionary<string, object?>>> _extras;

    /// <summary>Writes into <paramref name="run"/>; <paramref name="extras"/> supplies the other states a checkpoint holds.</summary>
    public RunCheckpointer(RunDirectory run, StepRecorder steps, Func<Dictionary<string, Dictionary<string, object?>>> extras,
        string monitor, MonitorMode mode = MonitorMode.Auto, bool saveBest = true, bool saveLast = true, int everySteps = 0)
    {
        _run = run ?? throw new ArgumentNullException(nameof(run));
        _steps = steps ?? throw new ArgumentNullException(nameof(steps));
        _extras = extras ?? throw new ArgumentNullException(nameof(extras));
        if (everySteps < 0) throw new ArgumentOutOfRangeException(nameof(everySteps), everySteps, "every_steps must be ≥ 0.");
        Monitor = new MetricMonitor(monitor, mode);
        SaveBest = saveBest;
        SaveLast = saveLast;
        EverySteps = everySteps;
    }

    /// <summary>The metric deciding the best epoch.</summary>
    public MetricMonitor Monitor { get; }

    /// <summary>Save best.ckpt on improvement.</summary>
    public bool SaveBest { get; }

    /// <summary>Save last.ckpt at every epoch end.</summary>
    public bool SaveLast { get; }

    /// <summary>Also save last.ckpt every N optimizer steps (0: only at epoch ends).</summary>
    public int EverySteps { get; }

    /// <summary>Restores the monitor's best value from a checkpoint's extras.</summary>
    public void LoadState(IReadOnlyDictionary<string, Dictionary<string, object?>> extras)
    {
        if (!extras.TryGetValue(StateKey, out var s)) return;
        Monitor.Best = Convert.ToDouble(s["best"], CultureInfo.InvariantCulture);
        Monitor.BestEpoch = Convert.ToInt32(s["best_epoch"], CultureInfo.InvariantCulture);
    }

    void ICallback.OnTrainBegin(TrainingContext context) => Directory.CreateDirectory(_run.CheckpointsDirectory);

    void ICallback.OnBatchEnd(TrainingContext context)
    {
        if (SaveLast && context.IsMidEpochCheckpointStep(EverySteps))
        {
            _run.WriteSteps(_steps.Steps);
            TrainingCheckpoint.Capture(context, afterBatch: true, Extras()).Save(_run.LastCheckpointPath);
        }
    }

    void ICallback.OnEpochEnd(TrainingContext context)
    {
        var history = new History();
        foreach (var e in context.History.Epochs) history.Add(e);
        history.Add(context.EpochLogs);
        _run.WriteHistory(history);
        _run.WriteSteps(_steps.Steps);
        bool improved = context.EpochLogs.TryGetValue(Monitor.Metric, out var value) && Monitor.Update(value, context.Epoch);
        if (!SaveLast && !(SaveBest && improved)) return;
        var checkpoint = TrainingCheckpoint.Capture(context, afterBatch: false, Extras());
        if (SaveLast) checkpoint.Save(_run.LastCheckpointPath);
        if (SaveBest && improved) checkpoint.Save(_run.BestCheckpointPath);
    }

    private Dictionary<string, Dictionary<string, object?>> Extras()
    {
        var extras = _extras();
        extras[StateKey] = new Dictionary<string, object?>(StringComparer.Ordinal)
        {
            ["best"] = Monitor.Best,
            ["best_epoch"] = Monitor.BestEpoch,
        };
        return extras;
    }
}
