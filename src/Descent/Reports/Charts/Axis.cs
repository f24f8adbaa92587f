namespace Descent.Reports.Charts;

/// <summary>
/// A linear or log10 axis mapping data values to pixels, with "nice" tick values (Heckbert, "Nice Numbers
/// for Graph Labels", Graphics Gems 1990).
/// </summary>
public sealed class Axis
{
    /// <summary>Creates an axis over [min, max] mapped to pixels [from, to].</summary>
    public Axis(double min, double max, double from, double to, bool log = false)
    {
        Log = log && min > 0 && max > 0;
        if (!double.IsFinite(min) || !double.IsFinite(max)) { min = 0; max = 1; }
        if (min == max) { min -= min == 0 ? 1 : Math.Abs(min) * 0.1; max += max == 0 ? 1 : Math.Abs(max) * 0.1; }
        if (Log) { min = Math.Log10(min); max = Math.Log10(max); }
        Ticks = Log ? LogTicks(min, max) : NiceTicks(min, max, 5);
        Min = Math.Min(min, Ticks.Count > 0 && !Log ? Ticks[0] : min);
        Max = Math.Max(max, Ticks.Count > 0 && !Log ? Ticks[^1] : max);
        From = from;
        To = to;
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

    private static List<double> LogTicks(double min, double max)
    {
        var ticks = new List<double>();
        for (double t = Math.Floor(min); t <= Math.Ceiling(max); t++) ticks.Add(t);
        return ticks;
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
