using System.Globalization;
using Descent.Reports.Charts;

namespace Descent.Reports.Studies;

/// <summary>The SVG charts of a study report (Optuna's visualization module: history, intermediate values, slices, Pareto front).</summary>
public static class StudyCharts
{
    // Okabe–Ito colours: complete blue, pruned orange, best-so-far green (distinct from pruned), others grey.
    private const string CompleteColor = "#0072B2", PrunedColor = "#D55E00", OtherColor = "#999999", BestColor = "#009E73";

    /// <summary>Legend name of pruned trials, drawn at the last value they reported.</summary>
    public const string PrunedName = "pruned (last reported value)";

    /// <summary>
    /// Objective <paramref name="objective"/> of each complete trial by trial number, with the best-so-far line
    /// (single-objective studies). Null when no complete trial has the value.
    /// </summary>
    public static string? History(StudyReportModel m, int objective)
    {
        var complete = Complete(m, objective);
        if (complete.Count == 0) return null;
        var o = m.Objectives[objective];
        var series = new List<Series>
        {
            new("objective", complete.Select(t => (double)t.Number).ToList(), complete.Select(t => t.Values![objective]).ToList())
                { Line = false, Markers = true, Color = CompleteColor },
        };
        var pruned = Pruned(m);
        if (m.Objectives.Count == 1 && pruned.Count > 0)
            series.Add(new Series(PrunedName, pruned.Select(p => (double)p.Trial.Number).ToList(), pruned.Select(p => p.Value).ToList())
                { Line = false, Markers = true, Color = PrunedColor });
        if (m.Objectives.Count == 1)
        {
            var best = new List<double>(complete.Count);
            double run = double.NaN;
            foreach (var t in complete)
            {
                double v = t.Values![objective];
                run = double.IsNaN(run) || (o.Minimize ? v < run : v > run) ? v : run;
                best.Add(run);
            }
            series.Add(new Series("best so far", complete.Select(t => (double)t.Number).ToList(), best) { Step = true, Color = BestColor });
        }
        return XYChart.Render(series, new ChartOptions
        {
            Title = $"Optimization history: {o.Name}", XLabel = "trial", IntegerX = true, YLabel = o.Name, Width = 640, Height = 320,
        });
    }

    /// <summary>
    /// Intermediate values per step, one line per trial: complete trials blue, pruned trials orange (so the
    /// pruner's decisions are visible), others grey. Null when no trial reported any.
    /// </summary>
    public static string? Intermediate(StudyReportModel m, int buckets = 560)
    {
        var trials = m.Trials.Where(t => t.Intermediate.Any(p => double.IsFinite(p.Value))).ToList();
        if (trials.Count == 0) return null;
        var series = new List<Series>();
        foreach (var t in trials)
        {
            var (x, y) = Downsample.MinMax(t.Intermediate.Select(p => p.Step).ToList(), t.Intermediate.Select(p => p.Value).ToList(), buckets);
            string color = t.State == StudyTrial.Complete ? CompleteColor : t.State == StudyTrial.Pruned ? PrunedColor : OtherColor;
            // Single-point trials (pruned at their first report) are invisible as a line: give them a marker.
            series.Add(new Series($"trial {t.Number}", x, y) { Color = color, InLegend = false, Markers = x.Length == 1 });
        }
        foreach (var (name, color, state) in new[] { ("complete", CompleteColor, StudyTrial.Complete), ("pruned", PrunedColor, StudyTrial.Pruned) })
            if (trials.Any(t => t.State == state)) series.Add(new Series(name, [], []) { Color = color });
        if (trials.Any(t => t.State is not StudyTrial.Complete and not StudyTrial.Pruned)) series.Add(new Series("other", [], []) { Color = OtherColor });
        string name0 = m.Objectives[0].Name;
        return XYChart.Render(series, new ChartOptions { Title = "Intermediate values", XLabel = "step", IntegerX = true, YLabel = name0, Width = 640, Height = 320 });
    }

    /// <summary>Parallel coordinates of the parameters and the first objective over complete trials; null without any.</summary>
    public static string? Parallel(StudyReportModel m)
    {
        var complete = Complete(m, 0);
        if (complete.Count == 0 || m.Parameters.Count == 0) return null;
        var dims = m.Parameters.Select(p => p.Log ? $"log10 {p.Name}" : p.Name).Append(m.Objectives[0].Name).ToList();
        var pruned = m.Objectives.Count == 1 ? Pruned(m) : [];
        var rows = complete.Select(t => Row(t, t.Values![0])).Concat(pruned.Select(p => Row(p.Trial, p.Value))).ToList();
        var isPruned = complete.Select(_ => false).Concat(pruned.Select(_ => true)).ToList();
        int width = Math.Clamp(140 * dims.Count, 480, 1200);
        return ParallelCoordinates.Render(dims, rows, "Parallel coordinates", m.Objectives[0].Minimize, width, pruned: isPruned);

        double[] Row(StudyTrial t, double objective)
        {
            var r = new double[dims.Count];
            for (int j = 0; j < m.Parameters.Count; j++)
            {
                var p = m.Parameters[j];
                r[j] = t.Params.TryGetValue(p.Name, out double v) ? (p.Log && v > 0 ? Math.Log10(v) : v) : double.NaN;
            }
            r[^1] = objective;
            return r;
        }
    }

    /// <summary>One scatter per parameter: its value against the first objective over complete trials.</summary>
    public static List<string> Slices(StudyReportModel m)
    {
        var charts = new List<string>();
        var complete = Complete(m, 0);
        if (complete.Count == 0) return charts;
        string obj = m.Objectives[0].Name;
        var pruned = m.Objectives.Count == 1 ? Pruned(m) : [];
        foreach (var p in m.Parameters)
        {
            var pts = complete.Where(t => t.Params.TryGetValue(p.Name, out double v) && double.IsFinite(v)).ToList();
            if (pts.Count == 0) continue;
            var xs = pts.Select(t => t.Params[p.Name]).ToList();
            var series = new List<Series>
            {
                new("complete", xs, pts.Select(t => t.Values![0]).ToList()) { Line = false, Markers = true, MarkerRadius = 3.2, Color = CompleteColor },
            };
            var prunedPts = pruned.Where(q => q.Trial.Params.TryGetValue(p.Name, out double v) && double.IsFinite(v)).ToList();
            if (prunedPts.Count > 0)
                series.Add(new Series(PrunedName, prunedPts.Select(q => q.Trial.Params[p.Name]).ToList(), prunedPts.Select(q => q.Value).ToList())
                    { Line = false, Markers = true, MarkerRadius = 3.2, Color = PrunedColor });
            charts.Add(XYChart.Render(series, new ChartOptions
            {
                Title = $"Slice: {p.Name}",
                XLabel = p.Choices is { } c ? "choice: " + string.Join(", ", c.Select((s, i) => $"{i}={s}")) : p.Name,
                YLabel = obj, Width = 400, Height = 280, LogX = p.Log, IntegerX = p.Choices is not null,
            }));
        }
        return charts;
    }

    /// <summary>Importance bars, most important first; null when there are none.</summary>
    public static string? Importance(StudyReportModel m) =>
        m.Importance.Count == 0 ? null
        : BarChart.Render(m.Importance.OrderByDescending(i => i.Importance).Select(i => (i.Name, i.Importance)).ToList(),
            $"Parameter importance ({m.Objectives[0].Name})");

    /// <summary>
    /// Two-objective studies: every complete trial as a grey point, the Pareto-optimal ones highlighted and
    /// joined by the front's staircase. Null for other studies or without complete trials.
    /// </summary>
    public static string? Pareto(StudyReportModel m)
    {
        if (m.Objectives.Count != 2) return null;
        var complete = Complete(m, 1);
        if (complete.Count == 0) return null;
        var front = complete.Where(t => t.Best).OrderBy(t => t.Values![0]).ThenBy(t => t.Values![1]).ToList();
        var others = complete.Where(t => !t.Best).ToList();
        var series = new List<Series>
        {
            new("trials", others.Select(t => t.Values![0]).ToList(), others.Select(t => t.Values![1]).ToList())
                { Line = false, Markers = true, Color = OtherColor },
            new("Pareto front", front.Select(t => t.Values![0]).ToList(), front.Select(t => t.Values![1]).ToList())
                { Step = true, Markers = true, MarkerRadius = 3.6, Color = BestColor },
        };
        return XYChart.Render(series, new ChartOptions
        {
            Title = "Pareto front", XLabel = Label(m.Objectives[0]), YLabel = Label(m.Objectives[1]), Width = 640, Height = 380,
        });
    }

    private static string Label(StudyObjective o) => o.Name + (o.Minimize ? " (minimize)" : " (maximize)");

    /// <summary>
    /// Pruned trials with the last finite value they reported (Optuna's plots leave them out; here they show where the
    /// pruner stopped them, marked as pruned).
    /// </summary>
    internal static List<(StudyTrial Trial, double Value)> Pruned(StudyReportModel m) =>
        m.Trials.Where(t => t.State == StudyTrial.Pruned)
            .Select(t => (t, t.Intermediate.Where(p => double.IsFinite(p.Value)).Select(p => p.Value).DefaultIfEmpty(double.NaN).Last()))
            .Where(p => double.IsFinite(p.Item2)).ToList();

    /// <summary>Complete trials with a finite value for objective <paramref name="objective"/> (and all before it).</summary>
    internal static List<StudyTrial> Complete(StudyReportModel m, int objective) =>
        m.Trials.Where(t => t.State == StudyTrial.Complete && t.Values is { } v && v.Count > objective
            && v.Take(objective + 1).All(double.IsFinite)).ToList();

    internal static string Format(double v) => double.IsNaN(v) ? "" : v.ToString("G6", CultureInfo.InvariantCulture);
}
