namespace Descent.Training;

/// <summary>Metrics of every finished epoch, in order (Keras' History).</summary>
public sealed class History
{
    private readonly List<IReadOnlyDictionary<string, double>> _epochs = [];

    /// <summary>One dictionary of metrics per finished epoch.</summary>
    public IReadOnlyList<IReadOnlyDictionary<string, double>> Epochs => _epochs;

    /// <summary>The series of <paramref name="metric"/> over epochs (NaN where missing).</summary>
    public double[] Series(string metric) =>
        _epochs.Select(e => e.TryGetValue(metric, out var v) ? v : double.NaN).ToArray();

    /// <summary>All metric names seen, in first-seen order.</summary>
    public IReadOnlyList<string> MetricNames =>
        _epochs.SelectMany(e => e.Keys).Distinct(StringComparer.Ordinal).ToList();

    internal void Add(IReadOnlyDictionary<string, double> logs) =>
        _epochs.Add(new Dictionary<string, double>(logs, StringComparer.Ordinal));
}
