namespace Descent.Reports.Charts;

/// <summary>A line segment in data coordinates.</summary>
/// <param name="X1">Start x.</param>
/// <param name="Y1">Start y.</param>
/// <param name="X2">End x.</param>
/// <param name="Y2">End y.</param>
public readonly record struct Segment(double X1, double Y1, double X2, double Y2);

/// <summary>
/// Contour lines of a function sampled on a regular grid, by marching squares (Lorensen &amp; Cline's 2-D case): each
/// cell's corners above/below the level select which edges the contour crosses, the crossing points are linearly
/// interpolated, and the two ambiguous saddle cases are resolved with the cell-centre average. Filled bands between two
/// levels clip each cell's square by both levels along the same interpolated edges (Sutherland–Hodgman), so their
/// borders are the contour lines. Cells with a non-finite corner are skipped.
/// </summary>
public static class MarchingSquares
{
    /// <summary>Samples <paramref name="function"/> on an nx × ny grid over <paramref name="range"/>: values[j, i] at (x_i, y_j).</summary>
    public static double[,] Sample(Func<double, double, double> function, PlotRange range, int nx, int ny)
    {
        ArgumentNullException.ThrowIfNull(function);
        ArgumentNullException.ThrowIfNull(range);
        if (nx < 2 || ny < 2) throw new ArgumentOutOfRangeException(nameof(nx), "Contour grid needs at least 2×2 samples.");
        var values = new double[ny, nx];
        for (int j = 0; j < ny; j++)
        {
            double y = range.YMin + (range.YMax - range.YMin) * j / (ny - 1);
            for (int i = 0; i < nx; i++)
                values[j, i] = function(range.XMin + (range.XMax - range.XMin) * i / (nx - 1), y);
        }
        return values;
    }

    /// <summary>The segments of the contour f = <paramref name="level"/> of a grid sampled by <see cref="Sample"/>.</summary>
    public static List<Segment> Contour(double[,] values, PlotRange range, double level)
    {
        ArgumentNullException.ThrowIfNull(values);
        ArgumentNullException.ThrowIfNull(range);
        int ny = values.GetLength(0), nx = values.GetLength(1);
        double dx = (range.XMax - range.XMin) / (nx - 1), dy = (range.YMax - range.YMin) / (ny - 1);
        var segments = new List<Segment>();
        for (int j = 0; j + 1 < ny; j++)
        {
            for (int i = 0; i + 1 < nx; i++)
            {
                double v00 = values[j, i], v10 = values[j, i + 1], v11 = values[j + 1, i + 1], v01 = values[j + 1, i];
                if (!double.IsFinite(v00) || !double.IsFinite(v10) || !double.IsFinite(v11) || !double.IsFinite(v01)) continue;
                int mask = (v00 > level ? 1 : 0) | (v10 > level ? 2 : 0) | (v11 > level ? 4 : 0) | (v01 > level ? 8 : 0);
                if (mask is 0 or 15) continue;
                double x0 = range.XMin + i * dx, y0 = range.YMin + j * dy;

                // Crossing points on the four edges (only the ones used are meaningful).
                (double, double) Bottom() => (x0 + dx * Frac(v00, v10, level), y0);
                (double, double) Right() => (x0 + dx, y0 + dy * Frac(v10, v11, level));
                (double, double) Top() => (x0 + dx * Frac(v01, v11, level), y0 + dy);
                (double, double) Left() => (x0, y0 + dy * Frac(v00, v01, level));
                void Add((double X, double Y) a, (double X, double Y) b) => segments.Add(new Segment(a.X, a.Y, b.X, b.Y));

                bool centreHigh = (v00 + v10 + v11 + v01) / 4 > level;
                switch (mask)
                {
                    case 1 or 14: Add(Left(), Bottom()); break;
                    case 2 or 13: Add(Bottom(), Right()); break;
                    case 3 or 12: Add(Left(), Right()); break;
                    case 4 or 11: Add(Right(), Top()); break;
                    case 6 or 9: Add(Bottom(), Top()); break;
                    case 7 or 8: Add(Left(), Top()); break;
                    case 5:
                        if (centreHigh) { Add(Left(), Top()); Add(Bottom(), Right()); }
                        else { Add(Left(), Bottom()); Add(Right(), Top()); }
                        break;
                    case 10:
                        if (centreHigh) { Add(Left(), Bottom()); Add(Right(), Top()); }
                        else { Add(Left(), Top()); Add(Bottom(), Right()); }
                        break;
                }
            }
        }
        return segments;
    }

    /// <summary><paramref name="count"/> contour levels at evenly spaced quantiles of the finite grid values (so steep
    /// functions such as Rosenbrock still get lines near their minimum).</summary>
    public static double[] QuantileLevels(double[,] values, int count)
    {
        ArgumentNullException.ThrowIfNull(values);
        var finite = values.Cast<double>().Where(double.IsFinite).Order().ToArray();
        if (finite.Length == 0 || count <= 0) return [];
        var levels = new SortedSet<double>();
        for (int k = 1; k <= count; k++)
        {
            double q = (double)k / (count + 1);
            // Square the quantile position: more lines at low values, where the minima and the trajectories are.
            levels.Add(finite[(int)Math.Min(finite.Length - 1, Math.Round(q * q * (finite.Length - 1)))]);
        }
        return [.. levels];
    }

    /// <summary>
    /// The region where <paramref name="low"/> ≤ f &lt; <paramref name="high"/> (either bound may be infinite) as
    /// polygons in data coordinates: runs of cells wholly inside the band as one rectangle, and each cell the band's
    /// border crosses clipped to it.
    /// </summary>
    public static List<(double X, double Y)[]> Band(double[,] values, PlotRange range, double low, double high)
    {
        ArgumentNullException.ThrowIfNull(values);
        ArgumentNullException.ThrowIfNull(range);
        int ny = values.GetLength(0), nx = values.GetLength(1);
        double dx = (range.XMax - range.XMin) / (nx - 1), dy = (range.YMax - range.YMin) / (ny - 1);
        var polygons = new List<(double X, double Y)[]>();
        var corners = new List<(double X, double Y, double V)>(8);
        for (int j = 0; j + 1 < ny; j++)
        {
            double y0 = range.YMin + j * dy;
            int runStart = -1;
            for (int i = 0; i + 1 < nx; i++)
            {
                double v00 = values[j, i], v10 = values[j, i + 1], v11 = values[j + 1, i + 1], v01 = values[j + 1, i];
                bool finite = double.IsFinite(v00) && double.IsFinite(v10) && double.IsFinite(v11) && double.IsFinite(v01);
                bool inside = finite && In(v00) && In(v10) && In(v11) && In(v01);
                if (inside)
                {
                    if (runStart < 0) runStart = i;
                    continue;
                }
                CloseRun(i);
                if (!finite) continue;
                double x0 = range.XMin + i * dx;
                corners.Clear();
                corners.AddRange([(x0, y0, v00), (x0 + dx, y0, v10), (x0 + dx, y0 + dy, v11), (x0, y0 + dy, v01)]);
                var clipped = Clip(Clip(corners, low, keepAbove: true), high, keepAbove: false);
                if (clipped.Count >= 3) polygons.Add([.. clipped.Select(c => (c.X, c.Y))]);
            }
            CloseRun(nx - 1);

            void CloseRun(int end)
            {
                if (runStart < 0) return;
                double xa = range.XMin + runStart * dx, xb = range.XMin + end * dx;
                polygons.Add([(xa, y0), (xb, y0), (xb, y0 + dy), (xa, y0 + dy)]);
                runStart = -1;
            }
        }
        return polygons;

        bool In(double v) => v >= low && v < high;
    }

    // One Sutherland–Hodgman pass: keeps the part of the polygon with value ≥ level (keepAbove) or < level, cutting each
    // crossing edge where the linearly interpolated value equals the level.
    private static List<(double X, double Y, double V)> Clip(List<(double X, double Y, double V)> polygon, double level, bool keepAbove)
    {
        if (double.IsInfinity(level)) return polygon;
        var output = new List<(double X, double Y, double V)>(polygon.Count + 2);
        for (int k = 0; k < polygon.Count; k++)
        {
            var a = polygon[k];
            var b = polygon[(k + 1) % polygon.Count];
            bool aIn = keepAbove ? a.V >= level : a.V < level, bIn = keepAbove ? b.V >= level : b.V < level;
            if (aIn) output.Add(a);
            if (aIn != bIn)
            {
                double t = Frac(a.V, b.V, level);
                output.Add((a.X + (b.X - a.X) * t, a.Y + (b.Y - a.Y) * t, level));
            }
        }
        return output;
    }

    private static double Frac(double a, double b, double level) => a == b ? 0.5 : Math.Clamp((level - a) / (b - a), 0, 1);
}
