using System.Globalization;

namespace Descent.Optim;

/// <summary>
/// The interval a numeric hyperparameter must lie in, with the words errors use for it (<c>in [0, 1)</c>,
/// <c>≥ 0 and finite</c>). A declaration (<see cref="Hyperparameter"/>) checks values against it, and <c>descent tune</c>
/// checks a searched range against it before any trial runs. NaN is in no range.
/// </summary>
/// <param name="Low">Lower bound (may be −∞).</param>
/// <param name="LowIncluded">Whether <paramref name="Low"/> itself is allowed.</param>
/// <param name="High">Upper bound (may be +∞).</param>
/// <param name="HighIncluded">Whether <paramref name="High"/> itself is allowed.</param>
/// <param name="Description">How messages state the range ("in [0, 1)").</param>
public sealed record ValueRange(double Low, bool LowIncluded, double High, bool HighIncluded, string Description)
{
    /// <summary>0 ≤ value &lt; ∞ (learning rates, weight decay).</summary>
    public static ValueRange NonNegative { get; } = new(0, true, double.PositiveInfinity, false, "≥ 0 and finite");

    /// <summary>0 &lt; value &lt; ∞ (ε, division factors).</summary>
    public static ValueRange Positive { get; } = new(0, false, double.PositiveInfinity, false, "> 0 and finite");

    /// <summary>0 ≤ value &lt; 1 (decay rates such as β and momentum).</summary>
    public static ValueRange HalfOpenUnit { get; } = new(0, true, 1, false, "in [0, 1)");

    /// <summary>0 ≤ value ≤ 1.</summary>
    public static ValueRange ClosedUnit { get; } = new(0, true, 1, true, "in [0, 1]");

    /// <summary>0 &lt; value &lt; 1 (multiplicative decay factors).</summary>
    public static ValueRange OpenUnit { get; } = new(0, false, 1, false, "in (0, 1)");

    /// <summary>0 &lt; value ≤ 1 (start factors of warmups).</summary>
    public static ValueRange PositiveUnit { get; } = new(0, false, 1, true, "in (0, 1]");

    /// <summary>1, 2, 3, … (step counts, periods).</summary>
    public static ValueRange PositiveInteger { get; } = new(1, true, int.MaxValue, true, "a positive integer");

    /// <summary>0, 1, 2, … (patience, milestones).</summary>
    public static ValueRange NonNegativeInteger { get; } = new(0, true, int.MaxValue, true, "≥ 0");

    /// <summary>Any finite or infinite number except NaN.</summary>
    public static ValueRange Any { get; } = new(double.NegativeInfinity, true, double.PositiveInfinity, true, "a number");

    /// <summary>An interval described as <c>in [low, high)</c> (brackets follow the inclusion flags).</summary>
    public static ValueRange Interval(double low, double high, bool lowIncluded = true, bool highIncluded = true) =>
        new(low, lowIncluded, high, highIncluded,
            $"in {(lowIncluded ? '[' : '(')}{Format(low)}, {Format(high)}{(highIncluded ? ']' : ')')}");

    /// <summary>True when <paramref name="value"/> lies in the range.</summary>
    public bool Contains(double value) =>
        (LowIncluded ? value >= Low : value > Low) && (HighIncluded ? value <= High : value < High);

    // The messages say the value ("got 1.5"), so the exceptions carry no ActualValue: that would add a second line.

    /// <summary>Returns <paramref name="value"/>, or throws naming <paramref name="owner"/>, <paramref name="name"/> and the range.</summary>
    public double Check(string owner, string name, double value) => Contains(value) ? value
        : throw new ArgumentOutOfRangeException(name, $"{owner}: {name} must be {Description}, got {Format(value)}.");

    /// <summary>Returns <paramref name="value"/>, or throws naming <paramref name="owner"/>, <paramref name="name"/> and the range.</summary>
    public int Check(string owner, string name, int value) => Contains(value) ? value
        : throw new ArgumentOutOfRangeException(name, $"{owner}: {name} must be {Description}, got {Format(value)}.");

    /// <summary>A number as messages print it (shortest round-trip form).</summary>
    public static string Format(double value) => value.ToString("R", CultureInfo.InvariantCulture);
}
