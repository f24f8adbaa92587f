using Descent.Reports.Charts;
using Descent.Search.Trace;

namespace Descent.Cli.Trace;

/// <summary>
/// Turns traces into a <see cref="ContourPlot"/> for <see cref="ContourChart"/>: for a function of two variables its
/// contours (sampled on a 121 × 121 grid) with each trajectory over them; for one variable the curve f(θ) with each
/// trajectory's points (θ, f(θ)) on it. A trajectory that diverged is labelled so and left out of the automatic range.
/// </summary>
public static class TraceChart
{
    /// <summary>
    /// The plot of <paramref name="traces"/> (all of the same function). <paramref name="range"/> defaults to the
    /// bounding box of the trajectories that did not diverge and of every start; <paramref name="markers"/> (e.g. the
    /// known minima) are drawn as crosses on a 2-D plot.
    /// </summary>
    public static ContourPlot Build(IReadOnlyList<TraceResult> traces, PlotRange? range = null, IReadOnlyList<double[]>? markers = null)
    {
        ArgumentNullException.ThrowIfNull(traces);
        if (traces.Count == 0) throw new ArgumentException("trace chart: nothing to draw.", nameof(traces));
        var f = traces[0].Function;
        foreach (var t in traces)
            if (t.Function.Text != f.Text)
                throw new ArgumentException("trace chart: all traces must be of the same function.", nameof(traces));
        if (f.Variables.Count > 2)
            throw new ArgumentException($"trace chart: can draw functions of 1 or 2 variables, '{f.Text}' has {f.Variables.Count}.", nameof(traces));
        // Diverged runs would stretch the view to 1e100: frame the others (and every start) instead.
        var framed = traces.SelectMany(t => t.Diverged ? [t.Trajectory()[0]] : t.Trajectory()).ToList();
        var plot = f.Variables.Count == 2 ? Surface(traces, range ?? PlotRange.Around(framed), markers) : Curve(traces, range, framed);
        return plot with { Title = $"f({string.Join(", ", f.Variables)}) = {f.Text}", XLabel = f.Variables[0] };
    }

    /// <summary>The SVG of <see cref="Build"/>.</summary>
    public static string Svg(IReadOnlyList<TraceResult> traces, PlotRange? range = null, IReadOnlyList<double[]>? markers = null) =>
        ContourChart.Render(Build(traces, range, markers));

    private static ContourPlot Surface(IReadOnlyList<TraceResult> traces, PlotRange r, IReadOnlyList<double[]>? markers)
    {
        var f = traces[0].Function;
        return new ContourPlot(r)
        {
            YLabel = f.Variables[1],
            // Lines only: filled bands of a 121 × 121 grid would make the file several times larger.
            Field = ContourField.Sample((x, y) => f.Evaluate([x, y]), r),
            Paths = [.. traces.Select(t => Path(t, t.Trajectory().Select(p => (p[0], p[1]))))],
            Markers = markers is null ? [] : [.. markers.Select(m => (m[0], m[1]))],
        };
    }

    private static ContourPlot Curve(IReadOnlyList<TraceResult> traces, PlotRange? range, List<double[]> framed)
    {
        var f = traces[0].Function;
        var xs = framed.Select(p => p[0]).Where(double.IsFinite).ToList();
        double x0 = xs.Count > 0 ? xs.Min() : -1, x1 = xs.Count > 0 ? xs.Max() : 1;
        double pad = Math.Max((x1 - x0) * 0.15, 0.5);
        double lo = range?.XMin ?? x0 - pad, hi = range?.XMax ?? x1 + pad;
        const int samples = 400;
        double[] cx = [.. Enumerable.Range(0, samples + 1).Select(i => lo + (hi - lo) * i / samples)];
        double[] cy = [.. cx.Select(x => f.Evaluate([x]))];
        var ys = cy.Where(double.IsFinite).ToList();
        double y0 = ys.Count > 0 ? ys.Min() : -1, y1 = ys.Count > 0 ? ys.Max() : 1;
        if (y1 - y0 < 1e-12) { y0 -= 0.5; y1 += 0.5; }
        var r = range ?? new PlotRange(lo, hi, y0 - (y1 - y0) * 0.05, y1 + (y1 - y0) * 0.05);
        return new ContourPlot(r)
        {
            YLabel = "f",
            Curves = [new Series("f", cx, cy)],
            Paths = [.. traces.Select(t => Path(t, t.Trajectory().Select(p => (p[0], f.Evaluate([p[0]])))))],
        };
    }

    private static ChartPath Path(TraceResult t, IEnumerable<(double X, double Y)> points)
    {
        var list = points.ToList();
        return new ChartPath(t.Method, [.. list.Select(p => p.X)], [.. list.Select(p => p.Y)])
        {
            Label = t.Diverged ? $"{t.Method} (diverged)" : t.Method,
        };
    }
}
