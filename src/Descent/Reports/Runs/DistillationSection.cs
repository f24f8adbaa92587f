using System.Globalization;
using Descent.Reports.Charts;
using Descent.Reports.Html;

namespace Descent.Reports.Runs;

/// <summary>
/// A distillation run's comparison, as plain values: the distilled student, the same-seed scratch student and the
/// teachers (test metrics, parameters, latency), and each student's agreement with the teachers per epoch.
/// </summary>
/// <param name="Settings">One line describing the distillation (temperature, α, how teacher logits were obtained).</param>
/// <param name="Models">One row per model, student first.</param>
/// <param name="Agreement">Agreement with the teachers per epoch: one series per student (distilled, scratch).</param>
public sealed record DistillationComparison(string Settings, IReadOnlyList<ComparedModelRow> Models, IReadOnlyList<AgreementSeries> Agreement);

/// <summary>One compared model: its role ("student", "scratch", "teacher"), where it comes from, size, latency and test metrics.</summary>
public sealed record ComparedModelRow(string Role, string Source, long? Parameters, double? LatencyMs, IReadOnlyList<(string Metric, double Value)> Test);

/// <summary>A student's agreement with the teachers (share of samples with the teachers' class) at each epoch.</summary>
public sealed record AgreementSeries(string Name, IReadOnlyList<double> Epochs, IReadOnlyList<double> Values);

/// <summary>Renders a <see cref="DistillationComparison"/>: the comparison table and the agreement chart.</summary>
internal static class DistillationSection
{
    public static void Render(HtmlDocument doc, DistillationComparison kd)
    {
        doc.Heading("Distillation").Paragraph(kd.Settings);
        var metrics = kd.Models.SelectMany(m => m.Test.Select(t => t.Metric)).Distinct().ToList();
        var header = new List<string> { "model", "from" };
        header.AddRange(metrics.Select(m => "test " + m));
        header.AddRange(["parameters", "latency (ms)"]);
        doc.Table(header, kd.Models.Select(m =>
        {
            var row = new List<string> { m.Role, m.Source };
            row.AddRange(metrics.Select(name => m.Test.Where(t => t.Metric == name).Select(t => RunReport.Format(t.Value)).FirstOrDefault() ?? ""));
            row.Add(m.Parameters?.ToString("N0", CultureInfo.InvariantCulture) ?? "");
            row.Add(m.LatencyMs is double ms ? ms.ToString("F3", CultureInfo.InvariantCulture) : "");
            return (IReadOnlyList<string>)row;
        }));
        var series = kd.Agreement.Where(a => a.Values.Any(double.IsFinite))
            .Select(a => new Series(a.Name, a.Epochs, a.Values) { Markers = a.Epochs.Count <= 60 }).ToList();
        if (series.Count > 0)
            doc.Figure(XYChart.Render(series, new ChartOptions
            {
                Title = "Agreement with the teacher per epoch", XLabel = "epoch", IntegerX = true, YLabel = "agreement", Width = 480, Height = 300,
            }), "Share of validation samples (training batches without a validation set) on which the student predicts the teacher's class.");
    }
}
