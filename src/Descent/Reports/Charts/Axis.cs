namespace Descent.Reports.Charts;

/// <summary>
/// A linear or log10 axis mapping data values to pixels, with "nice" tick values (Heckbert, "Nice Numbers
/// for Graph Labels", Graphics Gems 1990).
/// </summary>
public sealed class Axis
{
    /// <summary>
    /// Creates an axis over [min, max] mapped to pixels [from, to]. A loose axis (the default) grows to the nice ticks
    /// around the data; a <paramref name="tight"/> one ends at the data (x axes: no empty quarter after the last epoch)
    /// and labels only ticks inside it. <paramref name="inset"/> pixels are kept free at both ends, so a marker at the
    /// data's limit is drawn whole inside the plot rather than cut by its frame.
    /// </summary>
    public Axis(double min, double max, double from, double to, bool log = false, bool tight = false, double inset = 0)
    {
        Log = log && min > 0 && max > 0;
        if (!double.IsFinite(min) || !double.IsFinite(max)) { min = 0; max = 1; }
        if (min == max) { min -= min == 0 ? 1 : Math.Abs(min) * 0.1; max += max == 0 ? 1 : Math.Abs(max) * 0.1; }
        if (Log) { min = Math.Log10(min); max = Math.Log10(max); }
        Ticks = Log ? Inside(LogTicks(min, max), min, max) : tight ? TightTicks(min, max) : NiceTicks(min, max, 5);
        Min = tight || Log || Ticks.Count == 0 ? min : Math.Min(min, Ticks[0]);
        Max = tight || Log || Ticks.Count == 0 ? max : Math.Max(max, Ticks[^1]);
        double sign = Math.Sign(to - from);
        From = from + sign * inset;
        To = to - sign * inset;
    }

    /// <summary>True for a log10 axis.</summary>
    public bool Log { get; }

    /// <summary>Lower end (log10 units on a log axis).</summary>
    public double Min { get; }

    /// <summary>Upper end (log10 units on a log axis).</summary>
    public double Max { get; }

    /// <summary>Pixel of <see cref="Min"/>.</summary>
    public double From { get; }

    /// <summary>Pixel of <see cref="Max"/>.</summary>
    public double To { get; }

    /// <summary>Tick positions in axis units (log10 on a log axis).</summary>
    public IReadOnlyList<double> Ticks { get; }

    /// <summary>Pixel position of data value <paramref name="v"/>.</summary>
    public double Map(double v)
    {
        double u = Log ? Math.Log10(v) : v;
        return From + (u - Min) / (Max - Min) * (To - From);
    }

    /// <summary>Pixel position of a tick (in axis units).</summary>
    public double MapTick(double t) => From + (t - Min) / (Max - Min) * (To - From);

    /// <summary>Label of a tick.</summary>
    public string TickLabel(double t) => Svg.Label(Log ? Math.Pow(10, t) : t);

    /// <summary>Heckbert's loose labelling: about <paramref name="count"/> ticks at 1, 2 or 5 × 10^k.</summary>
    public static List<double> NiceTicks(double min, double max, int count)
    {
        double range = Nice(max - min, false);
        double step = Nice(range / Math.Max(count - 1, 1), true);
        double lo = Math.Floor(min / step) * step;
        double hi = Math.Ceiling(max / step) * step;
        var ticks = new List<double>();
        for (double t = lo; t <= hi + step * 0.5; t += step)
            ticks.Add(Math.Abs(t) < step * 1e-9 ? 0 : t);
        return ticks;
    }

    // Decades; within less than two decades also 2× and 5×; the ends when even those leave fewer than two labels.
    private static List<double> LogTicks(double min, double max)
    {
        var ticks = new List<double>();
        for (double t = Math.Floor(min); t <= Math.Ceiling(max); t++) ticks.Add(t);
        if (Inside(ticks, min, max).Count >= 2) return ticks;
        var finer = new List<double>();
        foreach (double t in ticks)
            foreach (double m in new[] { 1.0, 2.0, 5.0 }) finer.Add(t + Math.Log10(m));
        return Inside(finer, min, max).Count >= 2 ? finer : [min, max];
    }

    // Nice ticks inside [min, max] (a finer step when the default leaves fewer than two), else the ends themselves.
    private static List<double> TightTicks(double min, double max)
    {
        foreach (int count in new[] { 5, 10 })
        {
            var inside = Inside(NiceTicks(min, max, count), min, max);
            if (inside.Count >= 2) return inside;
        }
        return [min, max];
    }

    private static List<double> Inside(List<double> ticks, double min, double max)
    {
        double slack = (max - min) * 1e-9;
        return ticks.Where(t => t >= min - slack && t <= max + slack).ToList();
    }

    private static double Nice(double x, bool round)
    {
        if (x <= 0 || !double.IsFinite(x)) return 1;
        double exp = Math.Floor(Math.Log10(x));
        double f = x / Math.Pow(10, exp);
        double nf = round
            ? (f < 1.5 ? 1 : f < 3 ? 2 : f < 7 ? 5 : 10)
            : (f <= 1 ? 1 : f <= 2 ? 2 : f <= 5 ? 5 : 10);
        return nf * Math.Pow(10, exp);
    }
}
