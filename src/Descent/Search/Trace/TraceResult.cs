using Descent.Tuning;

namespace Descent.Search.Trace;

/// <summary>A column of a trace table: a stable key (fixture vocabulary: grad, v, m, m_hat, …) and a display label.</summary>
/// <param name="Key">Machine name (JSON output, tests).</param>
/// <param name="Label">Human label (g, v, m̂, θ, …).</param>
public sealed record TraceColumn(string Key, string Label);

/// <summary>One step of a trace: for every column, the value per coordinate.</summary>
/// <param name="Step">Step number t (1-based).</param>
/// <param name="Values">Values[c][i]: column c, coordinate i. The gradient is the one at the start of step t; the state,
/// θ and f(θ) are after it.</param>
public sealed record TraceRow(int Step, IReadOnlyList<double[]> Values);

/// <summary>What an optimizer did on a function, step by step (see <see cref="OptimizerTrace"/>).</summary>
public sealed class TraceResult
{
    internal TraceResult(string method, string update, double lr, IDifferentiableFunction function, double[] start,
        IReadOnlyList<TraceColumn> columns, IReadOnlyList<TraceRow> rows, bool diverged)
    {
        Method = method;
        Lr = lr;
        Update = update;
        Function = function;
        Start = start;
        Columns = columns;
        Rows = rows;
        Diverged = diverged;
    }

    /// <summary>The optimizer's name as given (gd, momentum-ema, adam, …).</summary>
    public string Method { get; }

    /// <summary>The learning rate the optimizer ran with.</summary>
    public double Lr { get; }

    /// <summary>The update rule in textbook notation.</summary>
    public string Update { get; }

    /// <summary>The function minimized.</summary>
    public IDifferentiableFunction Function { get; }

    /// <summary>θ₀.</summary>
    public IReadOnlyList<double> Start { get; }

    /// <summary>The table's columns.</summary>
    public IReadOnlyList<TraceColumn> Columns { get; }

    /// <summary>One row per step taken.</summary>
    public IReadOnlyList<TraceRow> Rows { get; }

    /// <summary>True when θ or f(θ) became non-finite and the trace stopped early.</summary>
    public bool Diverged { get; }

    /// <summary>The values of column <paramref name="key"/> for every step (coordinate <paramref name="coordinate"/>).</summary>
    public double[] Column(string key, int coordinate = 0)
    {
        int c = -1;
        for (int i = 0; i < Columns.Count; i++)
            if (Columns[i].Key == key) c = i;
        if (c < 0)
            throw new ArgumentException($"Trace of {Method} has no column '{key}' (columns: {string.Join(", ", Columns.Select(x => x.Key))}).", nameof(key));
        var values = new double[Rows.Count];
        for (int r = 0; r < Rows.Count; r++) values[r] = Rows[r].Values[c][coordinate];
        return values;
    }

    /// <summary>θ₀, θ₁, …: the trajectory including the start.</summary>
    public IReadOnlyList<double[]> Trajectory()
    {
        int c = 0;
        while (Columns[c].Key != "theta") c++;
        var points = new List<double[]>(Rows.Count + 1) { Start.ToArray() };
        foreach (var row in Rows) points.Add(row.Values[c]);
        return points;
    }
}
