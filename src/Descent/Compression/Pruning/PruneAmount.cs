using System.Globalization;

namespace Descent.Compression.Pruning;

/// <summary>
/// How much to prune: a count of entries/slices, or a fraction of them (PyTorch's <c>amount</c>, where an int is a
/// count and a float a fraction). A fraction is turned into a count with Python's <c>round</c> (half to even).
/// </summary>
public readonly record struct PruneAmount
{
    private PruneAmount(bool isCount, double value)
    {
        IsCount = isCount;
        Value = value;
    }

    /// <summary>True for a count, false for a fraction.</summary>
    public bool IsCount { get; }

    /// <summary>The count or the fraction.</summary>
    public double Value { get; }

    /// <summary>Prune exactly <paramref name="count"/> units.</summary>
    public static PruneAmount Count(int count) =>
        count >= 0 ? new(true, count) : throw new ArgumentOutOfRangeException(nameof(count), count, "prune amount: a count must not be negative.");

    /// <summary>Prune <paramref name="fraction"/> (in [0, 1]) of the units.</summary>
    public static PruneAmount Fraction(double fraction) =>
        fraction is >= 0 and <= 1 ? new(false, fraction)
            : throw new ArgumentOutOfRangeException(nameof(fraction), fraction, "prune amount: a fraction must be in [0, 1].");

    /// <summary>The number of units to prune out of <paramref name="total"/> (PyTorch's <c>_compute_nparams_toprune</c>).</summary>
    public int UnitsOf(long total)
    {
        if (IsCount)
        {
            return Value <= total ? (int)Value
                : throw new ArgumentOutOfRangeException(nameof(total), total, $"prune amount {Value} is larger than the {total} units there are.");
        }
        // Python's round() rounds half to even, which MidpointRounding.ToEven reproduces.
        return (int)Math.Round(Value * total, MidpointRounding.ToEven);
    }

    /// <inheritdoc/>
    public override string ToString() => IsCount
        ? ((int)Value).ToString(CultureInfo.InvariantCulture)
        : Value.ToString("R", CultureInfo.InvariantCulture);
}
