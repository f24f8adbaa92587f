using System.Globalization;
using Descent.Experiments.Runs;
using Descent.Reports.Runs;
using Descent.Training;

namespace Descent.Cli.Reports;

/// <summary>
/// Maps what the library read from a run directory (<see cref="RunContents"/>) to the report's plain records
/// (<see cref="RunReportModel"/>), which know nothing of the library: overview rows, epoch and step series, test
/// metrics, confusion matrix, model table, timing and the config text.
/// </summary>
public static class RunReportMapping
{
    /// <summary>
    /// The report model of <paramref name="run"/>; a part the run lacks leaves its sections out. For a distillation run,
    /// <paramref name="scratchHistory"/> (the scratch student's metrics.csv, when there is one) gives the agreement
    /// chart its second line.
    /// </summary>
    public static RunReportModel ToModel(RunContents run, History? scratchHistory = null)
    {
        ArgumentNullException.ThrowIfNull(run);
        var model = new RunReportModel { Name = run.Summary?.Name ?? run.Name, Config = run.Config };
        if (run.Summary is { } summary) model = WithSummary(model, summary);
        if (run.Metrics is { } history) model = model with { Epochs = Epochs(history) };
        if (run.Steps is { } steps) model = model with { Steps = Steps(steps) };
        if (run.Summary?.Distillation is { } kd) model = model with { Distillation = Distillation(kd, run.Metrics, scratchHistory) };
        if (run.Summary?.Distillation is not null || run.Metrics?.MetricNames.Contains("soft_loss") == true) model = DistillationLabels(model);
        return model;
    }

    // A distilled student's "loss" while training is the distillation loss it minimized, α·CE + (1 − α)·T²·KL (+ hints),
    // while validation and test "loss" are the trainer's cross-entropy with the labels. Drawn together they would compare
    // different quantities, so the labels say which is which: the distillation loss gets its own chart, and the
    // training cross-entropy (hard_loss) shares the chart with the validation cross-entropy.
    private static RunReportModel DistillationLabels(RunReportModel model)
    {
        static string Rename(string name) => name switch
        {
            "loss" => "distillation_loss",
            "hard_loss" => "cross_entropy",
            "val_loss" => "val_cross_entropy",
            _ => name,
        };
        return model with
        {
            Epochs = model.Epochs is { } e ? e with { Columns = [.. e.Columns.Select(c => c with { Name = Rename(c.Name) })] } : null,
            Steps = model.Steps is { } st ? st with { LossName = "distillation loss" } : null,
            TestMetrics = [.. model.TestMetrics.Select(m => m.Name == "loss" ? ("cross-entropy loss", m.Value) : m)],
        };
    }

    private static DistillationComparison Distillation(DistillationSummary kd, History? student, History? scratch)
    {
        var settings = string.Create(CultureInfo.InvariantCulture,
            $"The student minimized the Hinton loss α·CE + (1 − α)·T²·KL_batchmean with T = {Format(kd.Temperature ?? double.NaN)}, α = {Format(kd.Alpha ?? double.NaN)}; teacher logits {kd.TeacherLogits ?? "?"}. ") +
            "All models are scored on the student's test set; the test loss is the cross-entropy with the labels for every model, so the rows compare directly. " +
            "Latency: the median forward pass over one test batch (eval mode).";
        var rows = kd.Models.Select(m => new ComparedModelRow(m.Role, m.Run ?? "this run", m.Parameters, m.LatencyMs,
            m.Test.Select(t => (t.Key == "loss" ? "cross-entropy loss" : t.Key, t.Value)).ToList())).ToList();
        var agreement = new List<AgreementSeries>();
        if (Agreement("distilled student", student) is { } a) agreement.Add(a);
        if (Agreement("scratch student", scratch) is { } b) agreement.Add(b);
        return new DistillationComparison(settings, rows, agreement);

        static AgreementSeries? Agreement(string name, History? history)
        {
            if (history is null) return null;
            var key = history.MetricNames.Contains("val_agreement") ? "val_agreement" : history.MetricNames.Contains("agreement") ? "agreement" : null;
            return key is null ? null
                : new AgreementSeries(name, Enumerable.Range(1, history.Epochs.Count).Select(e => (double)e).ToList(), history.Series(key));
        }
    }

    private static RunReportModel WithSummary(RunReportModel model, RunSummary s)
    {
        var overview = new List<(string, string)>();
        Add("name", s.Name);
        Add("status", s.Status);
        Add("stop reason", s.StopReason);
        Add("monitor", s.Monitor);
        Add("epochs", Integer(s.Epochs));
        Add("best epoch", Integer(s.BestEpoch));
        Add("seed", Integer(s.Seed));
        Add("parameters", s.Parameters?.ToString("N0", CultureInfo.InvariantCulture));

        var timing = new List<(string, string)>();
        if (s.Timing.Seconds is double seconds) timing.Add(("seconds", Format(seconds)));
        if (s.Timing.SamplesPerSec is double rate) timing.Add(("samples per sec", Format(rate)));

        return model with
        {
            Overview = overview,
            BestEpoch = s.BestEpoch,
            TestMetrics = s.Test.Select(kv => (kv.Key, kv.Value)).ToList(),
            Timing = timing,
            Model = s.ModelSummary.Count == 0 ? null : new ModelSummary(
                s.ModelSummary.Select(l => new ModelSummaryRow(l.Layer, "[" + string.Join(", ", l.OutputShape) + "]", l.Parameters)).ToList(),
                s.Parameters ?? s.ModelSummary.Sum(l => l.Parameters)),
            Confusion = Confusion(s),
        };

        void Add(string key, string? value)
        {
            if (value is not null) overview.Add((key, value));
        }
    }

    private static ConfusionMatrix? Confusion(RunSummary s)
    {
        if (s.ConfusionMatrix is not { Length: > 0 } rows) return null;
        int cols = rows[0].Length, classes = Math.Max(rows.Length, cols);
        var counts = new long[rows.Length, cols];
        for (int r = 0; r < rows.Length; r++)
            for (int c = 0; c < cols; c++) counts[r, c] = rows[r][c];
        // No names (regression writers leave the list empty): class ids.
        var names = s.ClassNames.Count > 0 ? s.ClassNames
            : Enumerable.Range(0, classes).Select(k => k.ToString(CultureInfo.InvariantCulture)).ToList();
        return new ConfusionMatrix(counts, names);
    }

    private static EpochSeries Epochs(History history) =>
        new(Enumerable.Range(1, history.Epochs.Count).Select(e => (double)e).ToList(),
            history.MetricNames.Select(name => new MetricColumn(name, history.Series(name))).ToList());

    private static StepSeries Steps(IReadOnlyList<StepRecord> steps) =>
        new(steps.Select(s => (double)s.Step).ToList(), steps.Select(s => s.Loss).ToList(),
            steps.Select(s => s.Lr).ToList(), steps.Select(s => s.GradNorm).ToList())
        {
            Epoch = steps.Select(s => (double)s.Epoch).ToList(),
        };

    private static string? Integer(long? v) => v?.ToString(CultureInfo.InvariantCulture);

    private static string Format(double v) => v.ToString("G6", CultureInfo.InvariantCulture);
}
