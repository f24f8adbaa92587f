using System.Globalization;

namespace Descent.Optim;

/// <summary>
/// Hyperparameter validation with messages that name the optimizer, the argument and the allowed range,
/// e.g. <c>Adam: beta1 must be in [0, 1), got 1.5.</c>
/// </summary>
internal static class OptionChecks
{
    public static double NonNegative(string owner, string name, double value)
    {
        if (!(value >= 0) || double.IsInfinity(value))
            throw Fail(owner, name, value, "≥ 0 and finite");
        return value;
    }

    public static double Positive(string owner, string name, double value)
    {
        if (!(value > 0) || double.IsInfinity(value))
            throw Fail(owner, name, value, "> 0 and finite");
        return value;
    }

    /// <summary>0 ≤ value &lt; 1 (decay rates such as β).</summary>
    public static double HalfOpenUnit(string owner, string name, double value)
    {
        if (!(value >= 0 && value < 1))
            throw Fail(owner, name, value, "in [0, 1)");
        return value;
    }

    /// <summary>0 ≤ value ≤ 1.</summary>
    public static double ClosedUnit(string owner, string name, double value)
    {
        if (!(value >= 0 && value <= 1))
            throw Fail(owner, name, value, "in [0, 1]");
        return value;
    }

    /// <summary>0 &lt; value &lt; 1 (multiplicative decay factors).</summary>
    public static double OpenUnit(string owner, string name, double value)
    {
        if (!(value > 0 && value < 1))
            throw Fail(owner, name, value, "in (0, 1)");
        return value;
    }

    public static int PositiveInt(string owner, string name, int value)
    {
        if (value <= 0)
            throw new ArgumentOutOfRangeException(name, value, $"{owner}: {name} must be a positive integer, got {value}.");
        return value;
    }

    public static ArgumentOutOfRangeException Fail(string owner, string name, double value, string range) =>
        new(name, value, $"{owner}: {name} must be {range}, got {value.ToString("R", CultureInfo.InvariantCulture)}.");
}
