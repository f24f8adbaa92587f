using System.Globalization;

namespace Descent.Tuning;

/// <summary>
/// An integer range [low, high] with a step, optionally log-scaled (Optuna's <c>IntDistribution</c>;
/// <see cref="High"/> is rounded down onto the grid low + k·step).
/// </summary>
public sealed record IntDistribution : Distribution
{
    /// <summary>Creates the distribution, validating the arguments.</summary>
    /// <exception cref="ArgumentException">low &gt; high, step &lt; 1, log with low &lt; 1, or log with step ≠ 1.</exception>
    public IntDistribution(int low, int high, bool log = false, int step = 1)
    {
        var error = Check(low, high, log, step);
        if (error is not null) throw new ArgumentException(error);
        Low = low;
        High = (int)(low + (((long)high - low) / step) * step);
        Log = log;
        Step = step;
    }

    /// <summary>Lower bound (inclusive).</summary>
    public int Low { get; }

    /// <summary>Upper bound (inclusive, on the step grid).</summary>
    public int High { get; }

    /// <summary>Sample on a log scale (requires <see cref="Low"/> ≥ 1 and step 1).</summary>
    public bool Log { get; }

    /// <summary>Grid spacing from <see cref="Low"/>.</summary>
    public int Step { get; }

    /// <inheritdoc />
    public override bool IsSingle => Low == High;

    /// <summary>Returns the validation error for these arguments, or null when they are valid.</summary>
    public static string? Check(int low, int high, bool log, int step)
    {
        if (low > high) return $"low {low.ToString(CultureInfo.InvariantCulture)} > high {high.ToString(CultureInfo.InvariantCulture)}";
        if (step < 1) return $"step must be >= 1, got {step.ToString(CultureInfo.InvariantCulture)}";
        if (log && low < 1) return $"log scale needs low >= 1, got low {low.ToString(CultureInfo.InvariantCulture)}";
        if (log && step != 1) return "step other than 1 is not supported together with log";
        return null;
    }

    /// <inheritdoc />
    public override double ToInternal(object? externalValue)
    {
        double v = ToDouble(externalValue, "IntDistribution");
        if (v != Math.Round(v)) throw new ArgumentException($"IntDistribution expects an integer, got {v.ToString("R", CultureInfo.InvariantCulture)}");
        return v;
    }

    /// <inheritdoc />
    public override object? ToExternal(double internalValue) => (int)Math.Round(internalValue);

    /// <inheritdoc />
    public override bool Contains(double internalValue) =>
        internalValue >= Low && internalValue <= High && OnGrid(internalValue, Low, Step);

    /// <inheritdoc />
    public override double SingleInternalValue() =>
        IsSingle ? Low : throw new InvalidOperationException("the distribution is not single");

    /// <inheritdoc />
    public override string ToString() =>
        string.Create(CultureInfo.InvariantCulture, $"IntDistribution(low={Low}, high={High}, log={(Log ? "true" : "false")}, step={Step})");
}
