namespace Descent.Training.Callbacks;

/// <summary>Whether a monitored metric improves by going down (loss) or up (accuracy); Auto infers it from the name.</summary>
public enum MonitorMode
{
    /// <summary>"acc", "r2" or "auc" in the name → max, else min (Keras' rule).</summary>
    Auto,
    /// <summary>Lower is better.</summary>
    Min,
    /// <summary>Higher is better.</summary>
    Max,
}

/// <summary>Tracks the best value of a monitored metric (shared by early stopping, checkpoints and plateau logic).</summary>
public sealed class MetricMonitor
{
    /// <summary>Monitors <paramref name="metric"/>; an improvement must beat the best by more than <paramref name="minDelta"/>.</summary>
    public MetricMonitor(string metric, MonitorMode mode = MonitorMode.Auto, double minDelta = 0)
    {
        if (string.IsNullOrWhiteSpace(metric)) throw new ArgumentException("monitor: metric name is empty.", nameof(metric));
        if (minDelta < 0 || double.IsNaN(minDelta)) throw new ArgumentOutOfRangeException(nameof(minDelta), minDelta, "min_delta must be ≥ 0.");
        Metric = metric;
        Maximize = mode == MonitorMode.Max || (mode == MonitorMode.Auto &&
            (metric.Contains("acc", StringComparison.OrdinalIgnoreCase) || metric.EndsWith("r2", StringComparison.OrdinalIgnoreCase) ||
             metric.Contains("auc", StringComparison.OrdinalIgnoreCase)));
        MinDelta = minDelta;
        Best = Maximize ? double.NegativeInfinity : double.PositiveInfinity;
    }

    /// <summary>The metric's key in the epoch logs.</summary>
    public string Metric { get; }

    /// <summary>True when higher is better.</summary>
    public bool Maximize { get; }

    /// <summary>Minimum change that counts as an improvement.</summary>
    public double MinDelta { get; }

    /// <summary>Best value so far.</summary>
    public double Best { get; set; }

    /// <summary>Epoch of the best value (−1 before any).</summary>
    public int BestEpoch { get; set; } = -1;

    /// <summary>
    /// The metric's value in <paramref name="logs"/>, or an <see cref="ArgumentException"/> (the monitor that was asked
    /// for names no logged metric: a setting, not a state of the trainer) listing what is available.
    /// </summary>
    public double Read(IReadOnlyDictionary<string, double> logs) =>
        logs.TryGetValue(Metric, out var v) ? v :
        throw new ArgumentException($"Monitored metric '{Metric}' is not in the epoch logs (available: {string.Join(", ", logs.Keys)}).");

    /// <summary>True (and records it) when <paramref name="value"/> improves on the best.</summary>
    public bool Update(double value, int epoch)
    {
        if (double.IsNaN(value)) return false;
        bool better = Maximize ? value > Best + MinDelta : value < Best - MinDelta;
        if (better)
        {
            Best = value;
            BestEpoch = epoch;
        }
        return better;
    }
}
