using System.Globalization;
using Descent.Reports.Charts;
using Descent.Reports.Html;

namespace Descent.Reports.Runs;

/// <summary>
/// Renders a <see cref="RunReportModel"/> as one self-contained HTML page with inline SVG: overview, test
/// metrics, a distillation run's comparison, a pruned run's steps, train/validation curves per epoch, loss / learning rate / gradient norm per step (downsampled to
/// the chart's pixel width), confusion matrix, model summary, timing and the resolved configuration.
/// </summary>
public static class RunReport
{
    /// <summary>Width of a per-step chart in pixels; its plot area bounds the points kept per series.</summary>
    public const int StepChartWidth = 640;

    // Plot width of an XYChart (its left and right margins are 64 + 16 px); two points per pixel column at most.
    private const int StepBuckets = StepChartWidth - 80;

    /// <summary>The HTML page.</summary>
    public static string Render(RunReportModel model)
    {
        ArgumentNullException.ThrowIfNull(model);
        string title = model.Title.Length > 0 ? model.Title : model.Name.Length > 0 ? $"Run {model.Name}" : "Run";
        var doc = new HtmlDocument(title);
        if (model.Overview.Count > 0) doc.Heading("Overview").KeyValues(model.Overview);
        if (model.TestMetrics.Count > 0)
            doc.Heading("Test metrics").KeyValues(model.TestMetrics.Select(m => (m.Name, Format(m.Value))));
        if (model.Distillation is { } kd) DistillationSection.Render(doc, kd);
        if (model.Pruning.Count > 0) PruningSection.Render(doc, model.Pruning);
        bool stepLr = model.Steps is { } st && HasFinite(st.LearningRate);
        if (model.Epochs is { Epochs.Count: > 0 } epochs)
        {
            var charts = EpochCharts(epochs, model.BestEpoch, skipLr: stepLr);
            if (charts.Count > 0) doc.Heading("Training curves").FigureRow([.. charts]);
        }
        if (model.Steps is { Steps.Count: > 0 } steps)
        {
            var charts = StepCharts(steps);
            if (charts.Count > 0)
            {
                doc.Heading("Per step").FigureRow([.. charts]);
                if (steps.Steps.Count > 2 * StepBuckets)
                    doc.Paragraph(string.Create(CultureInfo.InvariantCulture,
                        $"{steps.Steps.Count} steps, drawn per pixel column as the minimum–maximum band and the mean."));
            }
        }
        if (model.Confusion is { } cm) ConfusionSection(doc, cm);
        if (model.Model is { } summary) SummarySection(doc, summary);
        if (model.Timing.Count > 0) doc.Heading("Timing").KeyValues(model.Timing);
        if (!string.IsNullOrEmpty(model.Config)) doc.Heading("Configuration").Preformatted(model.Config);
        return doc.ToString();
    }

    /// <summary>
    /// One chart per metric: <c>X</c> and <c>val_X</c> (or <c>train_X</c>) share a chart as train and validation.
    /// Learning rate per epoch is left out when the steps already show it.
    /// </summary>
    private static List<string> EpochCharts(EpochSeries epochs, double? bestEpoch, bool skipLr)
    {
        var groups = new List<(string Base, List<MetricColumn> Cols)>();
        foreach (var col in epochs.Columns)
        {
            string b = BaseName(col.Name);
            if (skipLr && b == "lr") continue;
            if (!HasFinite(col.Values)) continue;
            int gi = groups.FindIndex(g => g.Base == b);
            if (gi < 0) groups.Add((b, [col]));
            else groups[gi].Cols.Add(col);
        }
        var charts = new List<string>();
        foreach (var (b, cols) in groups)
        {
            var series = new List<Series>();
            foreach (var c in cols)
                series.Add(new Series(SeriesName(c.Name, b, cols.Count), epochs.Epochs, c.Values) { Markers = epochs.Epochs.Count <= 60 });
            if (bestEpoch is double best && b != "seconds" && b != "lr")
            {
                var ys = cols.SelectMany(c => c.Values).Where(double.IsFinite).ToList();
                series.Add(new Series("best epoch", [best, best], [ys.Min(), ys.Max()]) { Color = "#999999" });
            }
            charts.Add(XYChart.Render(series, new ChartOptions
            {
                Title = TitleOf(b) + " per epoch", XLabel = "epoch", IntegerX = true, YLabel = b, Width = 480, Height = 300, LogY = b == "lr" && SpansDecades(cols.SelectMany(c => c.Values).ToList()),
            }));
        }
        return charts;
    }

    /// <summary>
    /// Loss, learning rate and gradient norm per step. A series longer than the chart is wide is drawn as its
    /// min/max envelope per pixel column (light) with the column means on top (dark), so spikes stay visible
    /// and the trend stays readable.
    /// </summary>
    private static List<string> StepCharts(StepSeries s)
    {
        var charts = new List<string>();
        Add(s.Loss, s.LossName, TitleOf(s.LossName.Replace(' ', '_')) + " per step");
        Add(s.LearningRate, "lr", "Learning rate per step");
        Add(s.GradNorm, "grad norm", "Gradient norm per step");
        return charts;

        void Add(IReadOnlyList<double> values, string name, string title)
        {
            if (!HasFinite(values)) return;
            var series = new List<Series>();
            if (Math.Min(s.Steps.Count, values.Count) > 2 * StepBuckets && !IsSmooth(values))
            {
                var (ex, ey) = Downsample.MinMax(s.Steps, values, StepBuckets);
                var (mx, my) = Downsample.Means(s.Steps, values, StepBuckets);
                series.Add(new Series($"{name} (min/max)", ex, ey) { Color = "#9ecae1" });
                series.Add(new Series($"{name} (mean)", mx, my) { Color = "#08519c" });
            }
            else
            {
                var (x, y) = Downsample.MinMax(s.Steps, values, StepBuckets);
                series.Add(new Series(name, x, y));
            }
            charts.Add(XYChart.Render(series, new ChartOptions
            {
                Title = title, XLabel = "step", IntegerX = true, YLabel = name, Width = StepChartWidth, Height = 300, LogY = SpansDecades(values),
            }));
        }
    }

    // A monotone series (a learning-rate schedule) has no noise to summarise: its envelope is the line itself.
    private static bool IsSmooth(IReadOnlyList<double> v)
    {
        int up = 0, down = 0;
        for (int i = 1; i < v.Count; i++)
        {
            if (v[i] > v[i - 1]) up++;
            else if (v[i] < v[i - 1]) down++;
        }
        return up == 0 || down == 0;
    }

    // Log scale when positive values span more than two decades (gradient norms with early spikes, lr warm-up).
    private static bool SpansDecades(IReadOnlyList<double> v)
    {
        double lo = double.PositiveInfinity, hi = 0;
        foreach (var x in v)
        {
            if (!double.IsFinite(x)) continue;
            if (x <= 0) return false;
            lo = Math.Min(lo, x);
            hi = Math.Max(hi, x);
        }
        return hi > 0 && hi / lo > 100;
    }

    private static void ConfusionSection(HtmlDocument doc, ConfusionMatrix cm)
    {
        int n = cm.Counts.GetLength(0);
        var names = cm.ClassNames.Count == n && cm.Counts.GetLength(1) == n
            ? cm.ClassNames
            : Enumerable.Range(0, Math.Max(n, cm.Counts.GetLength(1))).Select(i => i.ToString(CultureInfo.InvariantCulture)).ToList();
        var rows = names.Take(n).ToList();
        var cols = names.Take(cm.Counts.GetLength(1)).ToList();
        // Cells shrink for many classes so the matrix stays about 560 px wide.
        int cell = Math.Clamp(560 / Math.Max(1, cols.Count), 10, 36);
        long total = 0, diag = 0;
        for (int r = 0; r < n; r++)
            for (int c = 0; c < cm.Counts.GetLength(1); c++)
            {
                total += cm.Counts[r, c];
                if (r == c) diag += cm.Counts[r, c];
            }
        doc.Heading("Confusion matrix")
           .Figure(Heatmap.Render(cm.Counts, rows, cols, "Confusion matrix", cell: cell),
               total > 0 ? string.Create(CultureInfo.InvariantCulture, $"rows: true class, columns: predicted; {diag} of {total} on the diagonal ({100.0 * diag / total:0.##}%)") : "");
    }

    private static void SummarySection(HtmlDocument doc, ModelSummary summary)
    {
        var rows = summary.Rows.Select(r => (IReadOnlyList<string>)[r.Layer, r.OutputShape, Count(r.Parameters)]).ToList();
        rows.Add(["total", "", Count(summary.TotalParameters)]);
        doc.Heading("Model").Table(["layer", "output shape", "parameters"], rows);
    }

    private static string BaseName(string name) =>
        name.StartsWith("val_", StringComparison.Ordinal) && name.Length > 4 ? name[4..]
        : name.StartsWith("train_", StringComparison.Ordinal) && name.Length > 6 ? name[6..]
        : name;

    private static string SeriesName(string name, string baseName, int groupSize) =>
        groupSize == 1 ? name
        : name.StartsWith("val_", StringComparison.Ordinal) ? "validation"
        : name == baseName || name.StartsWith("train_", StringComparison.Ordinal) ? "train"
        : name;

    private static string TitleOf(string b) => b switch
    {
        "lr" => "Learning rate",
        "seconds" => "Seconds",
        _ => b.Length > 0 ? char.ToUpperInvariant(b[0]) + b[1..].Replace('_', ' ') : b,
    };

    private static bool HasFinite(IReadOnlyList<double> v)
    {
        for (int i = 0; i < v.Count; i++)
            if (double.IsFinite(v[i])) return true;
        return false;
    }

    /// <summary>A metric value with up to 6 significant digits, invariant culture.</summary>
    internal static string Format(double v) => v.ToString("G6", CultureInfo.InvariantCulture);

    private static string Count(long v) => v.ToString("N0", CultureInfo.InvariantCulture);
}
