using System.Globalization;
using Descent.Reports.Charts;
using Descent.Reports.Html;

namespace Descent.Reports.Runs;

/// <summary>Measured inference latency of one pruning step, milliseconds per forward pass (medians; null when not measured).</summary>
/// <param name="Batch1OneThreadMs">Batch 1, one thread.</param>
/// <param name="Batch1AllMs">Batch 1, all threads.</param>
/// <param name="Batch256OneThreadMs">Batch 256, one thread.</param>
/// <param name="Batch256AllMs">Batch 256, all threads.</param>
public sealed record PruningLatency(double? Batch1OneThreadMs, double? Batch1AllMs, double? Batch256OneThreadMs, double? Batch256AllMs);

/// <summary>One entry of a run's <c>pruning.json</c>: the model after a pruning step (step 0 is the model before pruning).</summary>
/// <param name="Step">Pruning step (0: before).</param>
/// <param name="Sparsity">Fraction pruned (of the weights, or of the channels for structured pruning).</param>
/// <param name="Parameters">Parameter count.</param>
/// <param name="Macs">Multiply-accumulates per sample.</param>
/// <param name="CheckpointBytes">Size of the saved checkpoint file.</param>
/// <param name="Accuracy">Test (or validation) accuracy, 0–1, or null.</param>
/// <param name="Loss">Test (or validation) loss, or null.</param>
/// <param name="Latency">Measured latency.</param>
public sealed record PruningStepRow(int Step, double Sparsity, long? Parameters, long? Macs, long? CheckpointBytes, double? Accuracy, double? Loss,
    PruningLatency Latency);

/// <summary>Renders a run's pruning history: before/after, a table per step and accuracy against sparsity.</summary>
internal static class PruningSection
{
    public static void Render(HtmlDocument doc, IReadOnlyList<PruningStepRow> steps)
    {
        doc.Heading("Pruning");
        var first = steps[0];
        var last = steps[^1];
        doc.KeyValues(
        [
            ("steps", (steps.Count - 1).ToString(CultureInfo.InvariantCulture)),
            ("sparsity", $"{Percent(first.Sparsity)} → {Percent(last.Sparsity)}"),
            ("parameters", Change(first.Parameters, last.Parameters)),
            ("MACs per sample", Change(first.Macs, last.Macs)),
            ("checkpoint size", Change(first.CheckpointBytes, last.CheckpointBytes, Bytes)),
            ("accuracy", $"{Fraction(first.Accuracy)} → {Fraction(last.Accuracy)}"),
            ("latency batch 256, 1 thread", $"{Ms(first.Latency.Batch256OneThreadMs)} → {Ms(last.Latency.Batch256OneThreadMs)} ms{Speedup(first.Latency.Batch256OneThreadMs, last.Latency.Batch256OneThreadMs)}"),
        ]);
        doc.Table(["step", "sparsity", "parameters", "MACs", "checkpoint", "accuracy", "loss", "b1 1 thread (ms)", "b1 all (ms)", "b256 1 thread (ms)", "b256 all (ms)"],
            steps.Select(s => (IReadOnlyList<string>)
            [
                s.Step.ToString(CultureInfo.InvariantCulture), Percent(s.Sparsity), Count(s.Parameters), Count(s.Macs), Bytes(s.CheckpointBytes),
                Fraction(s.Accuracy), s.Loss is double l ? RunReport.Format(l) : "", Ms(s.Latency.Batch1OneThreadMs), Ms(s.Latency.Batch1AllMs),
                Ms(s.Latency.Batch256OneThreadMs), Ms(s.Latency.Batch256AllMs),
            ]));
        var points = steps.Where(s => s.Accuracy is double a && double.IsFinite(a)).ToList();
        if (points.Count > 0)
            doc.Figure(XYChart.Render([new Series("accuracy", points.Select(s => s.Sparsity * 100).ToList(), points.Select(s => s.Accuracy!.Value).ToList()) { Markers = true }],
                new ChartOptions { Title = "Accuracy against sparsity", XLabel = "sparsity (%)", YLabel = "accuracy", Width = 480, Height = 300 }),
                "Accuracy after each pruning step (step 0: before pruning).");
    }

    private static string Percent(double v) => v.ToString("P1", CultureInfo.InvariantCulture);

    private static string Fraction(double? v) => v is double a ? a.ToString("F4", CultureInfo.InvariantCulture) : "–";

    private static string Count(long? v) => v?.ToString("N0", CultureInfo.InvariantCulture) ?? "";

    private static string Ms(double? v) => v is double ms ? ms.ToString("F3", CultureInfo.InvariantCulture) : "";

    private static string Bytes(long? v) => v switch
    {
        null => "",
        >= 1 << 20 => (v.Value / 1048576.0).ToString("F2", CultureInfo.InvariantCulture) + " MiB",
        >= 1 << 10 => (v.Value / 1024.0).ToString("F1", CultureInfo.InvariantCulture) + " KiB",
        _ => v.Value.ToString(CultureInfo.InvariantCulture) + " B",
    };

    private static string Change(long? before, long? after, Func<long?, string>? format = null)
    {
        format ??= Count;
        if (before is null || after is null) return $"{format(before)} → {format(after)}";
        string ratio = after.Value > 0 ? string.Create(CultureInfo.InvariantCulture, $" ({before.Value / (double)after.Value:F2}× smaller)") : "";
        return $"{format(before)} → {format(after)}{ratio}";
    }

    private static string Speedup(double? before, double? after) =>
        before is double b && after is double a && a > 0 ? string.Create(CultureInfo.InvariantCulture, $" ({b / a:F2}× faster)") : "";
}
