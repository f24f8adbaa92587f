namespace Descent.Training.Metrics;

/// <summary>Reading and writing the named-number states of the built-in metrics (<see cref="IMetric.StateDict"/>), with errors naming the metric and the entry.</summary>
internal static class MetricState
{
    /// <summary>The state of a correct/total counter.</summary>
    public static Dictionary<string, double> Counts(long correct, long total) =>
        new(StringComparer.Ordinal) { ["correct"] = correct, ["total"] = total };

    /// <summary>The counts of a state written by <see cref="Counts"/>.</summary>
    public static (long Correct, long Total) ReadCounts(string metric, IReadOnlyDictionary<string, double> state)
    {
        long correct = Count(metric, state, "correct"), total = Count(metric, state, "total");
        if (correct > total) throw new ArgumentException($"{metric}: the saved state counts {correct} correct of {total}.", nameof(state));
        return (correct, total);
    }

    /// <summary>A non-negative whole-number entry.</summary>
    public static long Count(string metric, IReadOnlyDictionary<string, double> state, string key)
    {
        double v = Value(metric, state, key);
        if (!(v >= 0) || v != Math.Floor(v) || v > (1L << 53))
            throw new ArgumentException($"{metric}: the saved state's '{key}' must be a whole number ≥ 0, got {v}.", nameof(state));
        return (long)v;
    }

    /// <summary>An entry that must be present.</summary>
    public static double Value(string metric, IReadOnlyDictionary<string, double> state, string key)
    {
        ArgumentNullException.ThrowIfNull(state);
        return state.TryGetValue(key, out var v) ? v
            : throw new ArgumentException($"{metric}: the saved state has no '{key}' (has: {string.Join(", ", state.Keys)}).", nameof(state));
    }
}
