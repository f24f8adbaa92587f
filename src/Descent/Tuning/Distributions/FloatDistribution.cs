using System.Globalization;

namespace Descent.Tuning;

/// <summary>
/// A real-valued range [low, high], optionally log-scaled or discretized by <see cref="Step"/>
/// (Optuna's <c>FloatDistribution</c>; with a step, <see cref="High"/> is rounded down onto the grid).
/// </summary>
public sealed record FloatDistribution : Distribution
{
    /// <summary>Creates the distribution, validating the arguments.</summary>
    /// <exception cref="ArgumentException">low &gt; high, non-finite bounds, log with low ≤ 0, step ≤ 0, or log together with step.</exception>
    public FloatDistribution(double low, double high, bool log = false, double? step = null)
    {
        var error = Check(low, high, log, step);
        if (error is not null) throw new ArgumentException(error);
        Low = low;
        High = step is double s ? AdjustDiscreteHigh(low, high, s) : high;
        Log = log;
        Step = step;
    }

    /// <summary>Lower bound (inclusive).</summary>
    public double Low { get; }

    /// <summary>Upper bound (inclusive).</summary>
    public double High { get; }

    /// <summary>Sample on a log scale (requires <see cref="Low"/> &gt; 0).</summary>
    public bool Log { get; }

    /// <summary>Grid spacing from <see cref="Low"/>, or null for a continuous range.</summary>
    public double? Step { get; }

    /// <inheritdoc />
    public override bool IsSingle => Low == High;

    /// <summary>Returns the validation error for these arguments, or null when they are valid.</summary>
    public static string? Check(double low, double high, bool log, double? step)
    {
        if (!double.IsFinite(low) || !double.IsFinite(high))
            return $"low and high must be finite, got low {F(low)}, high {F(high)}";
        if (low > high) return $"low {F(low)} > high {F(high)}";
        if (log && step is not null) return "step is not supported together with log";
        if (log && low <= 0) return $"log scale needs low > 0, got low {F(low)}";
        if (step is double s && !(s > 0 && double.IsFinite(s))) return $"step must be > 0, got {F(s)}";
        return null;
    }

    /// <inheritdoc />
    public override double ToInternal(object? externalValue) => ToDouble(externalValue, "FloatDistribution");

    /// <inheritdoc />
    public override object? ToExternal(double internalValue) => internalValue;

    /// <inheritdoc />
    public override bool Contains(double internalValue) =>
        internalValue >= Low && internalValue <= High && (Step is not double s || OnGrid(internalValue, Low, s));

    /// <inheritdoc />
    public override double SingleInternalValue() =>
        IsSingle ? Low : throw new InvalidOperationException("the distribution is not single");

    /// <inheritdoc />
    public override string ToString() =>
        $"FloatDistribution(low={F(Low)}, high={F(High)}, log={(Log ? "true" : "false")}, step={(Step is double s ? F(s) : "null")})";

    private static string F(double v) => v.ToString("R", CultureInfo.InvariantCulture);
}
