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
    /// <summary>The report model of <paramref name="run"/>; a part the run lacks leaves its sections out.</summary>
    public static RunReportModel ToModel(RunContents run)
    {
        ArgumentNullException.ThrowIfNull(run);
        var model = new RunReportModel { Name = run.Summary?.Name ?? run.Name, Config = run.Config };
        if (run.Summary is { } summary) model = WithSummary(model, summary);
        if (run.Metrics is { } history) model = model with { Epochs = Epochs(history) };
        if (run.Steps is { } steps) model = model with { Steps = Steps(steps) };
        return model;
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
