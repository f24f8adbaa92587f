namespace Descent.Reports.Charts;

/// <summary>
/// Reduces a long series to at most about two points per pixel column before it is drawn, so a 100k-step run
/// still gives a small SVG. Min/max per bucket (the "M4"-style envelope of Jugel et al., "M4: A Visualization-
/// Oriented Time Series Data Aggregation", VLDB 2014, without the first/last points): every peak and dip stays
/// visible at the chart's resolution, unlike plain striding.
/// </summary>
public static class Downsample
{
    /// <summary>
    /// The points of (<paramref name="x"/>, <paramref name="y"/>) kept for <paramref name="buckets"/> pixel
    /// columns: for each bucket the minimum and maximum finite y in index order. Buckets split the x range when x
    /// is non-decreasing, else the index range. A bucket with only non-finite y keeps one NaN so the line breaks
    /// there. Series with at most 2 × <paramref name="buckets"/> points are returned unchanged.
    /// </summary>
    public static (double[] X, double[] Y) MinMax(IReadOnlyList<double> x, IReadOnlyList<double> y, int buckets)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(buckets, 1);
        int n = Math.Min(x.Count, y.Count);
        if (n <= 2 * buckets)
        {
            var xs = new double[n];
            var ys = new double[n];
            for (int i = 0; i < n; i++) { xs[i] = x[i]; ys[i] = y[i]; }
            return (xs, ys);
        }
        bool sorted = true;
        double xMin = double.PositiveInfinity, xMax = double.NegativeInfinity;
        for (int i = 0; i < n; i++)
        {
            double v = x[i];
            if (!double.IsFinite(v) || (i > 0 && v < x[i - 1])) { sorted = false; break; }
            xMin = Math.Min(xMin, v);
            xMax = Math.Max(xMax, v);
        }
        bool byX = sorted && xMax > xMin;
        var outX = new List<double>(2 * buckets + 2);
        var outY = new List<double>(2 * buckets + 2);
        int start = 0;
        while (start < n)
        {
            int b = Bucket(start);
            int end = start + 1;
            while (end < n && Bucket(end) == b) end++;
            int iMin = -1, iMax = -1;
            for (int i = start; i < end; i++)
            {
                double v = y[i];
                if (!double.IsFinite(v)) continue;
                if (iMin < 0 || v < y[iMin]) iMin = i;
                if (iMax < 0 || v > y[iMax]) iMax = i;
            }
            if (iMin < 0)
            {
                outX.Add(x[start]);
                outY.Add(double.NaN);
            }
            else
            {
                int first = Math.Min(iMin, iMax), second = Math.Max(iMin, iMax);
                outX.Add(x[first]);
                outY.Add(y[first]);
                if (second != first)
                {
                    outX.Add(x[second]);
                    outY.Add(y[second]);
                }
            }
            start = end;
        }
        return (outX.ToArray(), outY.ToArray());

        int Bucket(int i) => byX
            ? Math.Min(buckets - 1, (int)((x[i] - xMin) / (xMax - xMin) * buckets))
            : (int)((long)i * buckets / n);
    }
}
