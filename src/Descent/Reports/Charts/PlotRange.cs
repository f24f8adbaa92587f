namespace Descent.Reports.Charts;

/// <summary>The rectangle [XMin, XMax] × [YMin, YMax] shown by a plot.</summary>
public sealed record PlotRange
{
    /// <summary>Creates a range; each minimum must be below its maximum and all finite.</summary>
    public PlotRange(double xMin, double xMax, double yMin, double yMax)
    {
        if (!(double.IsFinite(xMin) && double.IsFinite(xMax) && xMin < xMax))
            throw new ArgumentException($"Plot range: x must go from a finite minimum to a larger finite maximum, got [{xMin}, {xMax}].");
        if (!(double.IsFinite(yMin) && double.IsFinite(yMax) && yMin < yMax))
            throw new ArgumentException($"Plot range: y must go from a finite minimum to a larger finite maximum, got [{yMin}, {yMax}].");
        (XMin, XMax, YMin, YMax) = (xMin, xMax, yMin, yMax);
    }

    /// <summary>Left edge.</summary>
    public double XMin { get; }

    /// <summary>Right edge.</summary>
    public double XMax { get; }

    /// <summary>Bottom edge.</summary>
    public double YMin { get; }

    /// <summary>Top edge.</summary>
    public double YMax { get; }

    /// <summary>The bounding box of <paramref name="points"/> (finite ones) grown by <paramref name="padding"/> of its size on each side (at least 0.5).</summary>
    public static PlotRange Around(IEnumerable<double[]> points, double padding = 0.15)
    {
        double x0 = double.PositiveInfinity, x1 = double.NegativeInfinity, y0 = double.PositiveInfinity, y1 = double.NegativeInfinity;
        foreach (var p in points)
        {
            if (p.Length < 2 || !double.IsFinite(p[0]) || !double.IsFinite(p[1])) continue;
            x0 = Math.Min(x0, p[0]); x1 = Math.Max(x1, p[0]);
            y0 = Math.Min(y0, p[1]); y1 = Math.Max(y1, p[1]);
        }
        if (!double.IsFinite(x0)) return new PlotRange(-1, 1, -1, 1);
        double px = Math.Max((x1 - x0) * padding, 0.5), py = Math.Max((y1 - y0) * padding, 0.5);
        return new PlotRange(x0 - px, x1 + px, y0 - py, y1 + py);
    }
}
