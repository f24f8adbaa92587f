namespace Descent.Tuning;

/// <summary>
/// A parameter's search range. Samplers work in the <em>internal representation</em>, a double
/// (Optuna's <c>to_internal_repr</c>): floats and ints as themselves, categoricals as the choice index.
/// Distributions are value objects: two with the same fields are equal.
/// </summary>
public abstract record Distribution
{
    private protected Distribution() { }

    /// <summary>True when the range holds exactly one value, so there is nothing to sample.</summary>
    public abstract bool IsSingle { get; }

    /// <summary>Converts a user-facing value (e.g. an enqueued parameter) to the internal double.</summary>
    /// <exception cref="ArgumentException">The value has the wrong type or is not a choice.</exception>
    public abstract double ToInternal(object? externalValue);

    /// <summary>Converts an internal double back to the user-facing value (double, int, or the choice).</summary>
    public abstract object? ToExternal(double internalValue);

    /// <summary>Whether an internal value lies in the range (and on the step grid, if any).</summary>
    public abstract bool Contains(double internalValue);

    /// <summary>The only internal value of a single-valued distribution.</summary>
    /// <exception cref="InvalidOperationException">The distribution is not single.</exception>
    public abstract double SingleInternalValue();

    /// <summary>
    /// Optuna's <c>check_distribution_compatibility</c>: same kind, and for categoricals the same choices.
    /// Numeric ranges may differ (a dynamic range is allowed across trials of a study).
    /// </summary>
    public static bool AreCompatible(Distribution a, Distribution b) => (a, b) switch
    {
        (FloatDistribution, FloatDistribution) => true,
        (IntDistribution, IntDistribution) => true,
        (CategoricalDistribution ca, CategoricalDistribution cb) => ca.Equals(cb),
        _ => false,
    };

    /// <summary>Rounds <paramref name="high"/> down onto the grid low + k·step, as Optuna does (with a warning) for a range that is not a multiple of the step.</summary>
    internal static double AdjustDiscreteHigh(double low, double high, double step)
    {
        double n = Math.Floor((high - low) / step + 1e-9);
        double adjusted = low + n * step;
        // Keep the user's high when it is on the grid up to rounding, so 0.1..1.0 step 0.1 keeps 1.0.
        return Math.Abs(adjusted - high) <= 1e-9 * Math.Max(1.0, Math.Abs(high)) ? high : adjusted;
    }

    /// <summary>Whether <paramref name="value"/> is k·step from low for an integer k, up to 1e-8 (Optuna's tolerance).</summary>
    internal static bool OnGrid(double value, double low, double step)
    {
        double k = (value - low) / step;
        return Math.Abs(k - Math.Round(k)) < 1e-8;
    }

    internal static double ToDouble(object? value, string what) => value switch
    {
        double d => d,
        float f => f,
        int i => i,
        long l => l,
        short s => s,
        byte b => b,
        decimal m => (double)m,
        _ => throw new ArgumentException($"{what} expects a number, got {(value is null ? "null" : value.GetType().Name)}"),
    };
}
