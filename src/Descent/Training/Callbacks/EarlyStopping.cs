using Descent.NN;

namespace Descent.Training.Callbacks;

/// <summary>
/// Stops training when a monitored metric has not improved for <see cref="Patience"/> epochs (Keras'
/// EarlyStopping). With <see cref="RestoreBestWeights"/> the best epoch's weights are restored at the end of
/// training whether or not it stopped early (Keras restores only when it stops; we always do, as documented).
/// </summary>
public sealed class EarlyStopping : ICallback
{
    private StateDict? _bestWeights;
    private int _wait;

    /// <summary>Creates the callback.</summary>
    public EarlyStopping(string monitor = "val_loss", int patience = 0, double minDelta = 0,
        MonitorMode mode = MonitorMode.Auto, bool restoreBestWeights = false)
    {
        if (patience < 0) throw new ArgumentOutOfRangeException(nameof(patience), patience, "EarlyStopping: patience must be ≥ 0.");
        Monitor = new MetricMonitor(monitor, mode, minDelta);
        Patience = patience;
        RestoreBestWeights = restoreBestWeights;
    }

    /// <summary>The monitored metric and its best value.</summary>
    public MetricMonitor Monitor { get; }

    /// <summary>Epochs without improvement before stopping.</summary>
    public int Patience { get; }

    /// <summary>Restore the best epoch's weights at the end of training.</summary>
    public bool RestoreBestWeights { get; }

    /// <summary>Epoch at which training was stopped (−1 when it ran to the end).</summary>
    public int StoppedEpoch { get; private set; } = -1;

    /// <summary>Epochs since the last improvement.</summary>
    public int Wait => _wait;

    /// <summary>
    /// The best epoch's weights kept for <see cref="RestoreBestWeights"/> (null before any); saved in and restored from
    /// checkpoints so a resumed run restores the same weights.
    /// </summary>
    public StateDict? BestWeights
    {
        get => _bestWeights;
        set => _bestWeights = value;
    }

    void ICallback.OnEpochEnd(TrainingContext context)
    {
        double value = Monitor.Read(context.EpochLogs);
        if (Monitor.Update(value, context.Epoch))
        {
            _wait = 0;
            if (RestoreBestWeights) _bestWeights = context.Model.StateDict().Clone();
            return;
        }
        if (++_wait > Patience)
        {
            StoppedEpoch = context.Epoch;
            context.StopTraining = true;
            context.StopReason = $"early stopping: {Monitor.Metric} did not improve for {_wait} epochs (best {Monitor.Best:G6} at epoch {Monitor.BestEpoch + 1})";
        }
    }

    void ICallback.OnTrainEnd(TrainingContext context)
    {
        if (RestoreBestWeights && _bestWeights is not null)
            context.Model.LoadStateDict(_bestWeights);
    }

    /// <summary>Counters for checkpoints (the best weights themselves are saved by the checkpoint callback).</summary>
    public IReadOnlyDictionary<string, double> State() => new Dictionary<string, double>
    {
        ["best"] = Monitor.Best, ["best_epoch"] = Monitor.BestEpoch, ["wait"] = _wait,
    };

    /// <summary>Restores counters saved by <see cref="State"/>.</summary>
    public void LoadState(IReadOnlyDictionary<string, double> state)
    {
        Monitor.Best = state["best"];
        Monitor.BestEpoch = (int)state["best_epoch"];
        _wait = (int)state["wait"];
    }
}
