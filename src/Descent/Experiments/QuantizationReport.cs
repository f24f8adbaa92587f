using System.Globalization;
using System.Text;
using System.Text.Json;
using Descent.Compression.Quantization;
using Descent.Serialization;

namespace Descent.Experiments;

/// <summary>Forward latency of float32 and int8 at one batch size and thread count (medians, µs per call).</summary>
public sealed record LatencyRow(int Batch, int Threads, double Float32Micros, double Int8Micros, double Speedup);

/// <summary>
/// The report of <see cref="QuantizationFlow.Run"/>: sizes, accuracy, latency, per-layer error and the layers that
/// stayed float (where float32 and int8 meet: every int8 layer takes and returns float32, so no stub is needed).
/// Written to the new run as quantization.json and quantization.md.
/// </summary>
public sealed record QuantizationReport(string SourceCheckpoint, string RunDirectory, QuantizationSpec Spec, int CalibrationBatches, int QatEpochs,
    double Float32Accuracy, double Int8Accuracy, double Float32Loss, double Int8Loss, long Float32WeightBytes, long Int8WeightBytes,
    long Float32CheckpointBytes, long Int8CheckpointBytes, IReadOnlyList<LatencyRow> Latency, IReadOnlyList<LayerError> LayerErrors,
    IReadOnlyList<QuantizedLayer> Layers, double? LoadAverage, int ProcessorCount)
{
    /// <summary>File name of the JSON report in the run directory.</summary>
    public const string JsonFileName = "quantization.json";

    /// <summary>File name of the readable report.</summary>
    public const string MarkdownFileName = "quantization.md";

    /// <summary>float32 weights bytes / int8 weights bytes (safetensors of the model state).</summary>
    public double SizeRatio => Int8WeightBytes == 0 ? double.NaN : (double)Float32WeightBytes / Int8WeightBytes;

    /// <summary>Accuracy points lost (float32 − int8, in percentage points).</summary>
    public double AccuracyDropPoints => (Float32Accuracy - Int8Accuracy) * 100;

    private static readonly JsonSerializerOptions JsonOptions = new()
    {
        WriteIndented = true, PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower,
        NumberHandling = System.Text.Json.Serialization.JsonNumberHandling.AllowNamedFloatingPointLiterals,
    };

    /// <summary>Writes both reports atomically into <paramref name="directory"/>.</summary>
    public void Save(string directory)
    {
        var json = JsonSerializer.Serialize(this, JsonOptions);
        AtomicFile.WriteAllBytes(Path.Combine(directory, JsonFileName), Encoding.UTF8.GetBytes(json + "\n"));
        AtomicFile.WriteAllBytes(Path.Combine(directory, MarkdownFileName), Encoding.UTF8.GetBytes(ToMarkdown()));
    }

    /// <summary>The readable report.</summary>
    public string ToMarkdown()
    {
        var c = CultureInfo.InvariantCulture;
        var s = new StringBuilder();
        s.AppendLine(c, $"# Quantization: {Spec.Mode}");
        s.AppendLine();
        s.AppendLine(c, $"- source: `{SourceCheckpoint}`");
        s.AppendLine(c, $"- weights: {(Spec.PerChannel ? "per output channel" : "per tensor")}, qint8 symmetric; activations quint8 {(Spec.ReduceRange ? "[0, 127] (reduce_range)" : "[0, 255]")}");
        if (Spec.Mode == "static") s.AppendLine(c, $"- calibration: {CalibrationBatches} training batches, {Spec.Observer} observer");
        if (Spec.Mode == "qat") s.AppendLine(c, $"- quantization-aware training: {QatEpochs} epoch(s)");
        s.AppendLine();
        s.AppendLine("| | float32 | int8 | |");
        s.AppendLine("|---|---|---|---|");
        s.AppendLine(c, $"| test accuracy | {Float32Accuracy:P2} | {Int8Accuracy:P2} | {(AccuracyDropPoints == 0 ? 0 : -AccuracyDropPoints):+0.00;-0.00;0.00} pt |");
        s.AppendLine(c, $"| test loss | {Float32Loss:F4} | {Int8Loss:F4} | |");
        s.AppendLine(c, $"| weights (safetensors) | {Float32WeightBytes:N0} B | {Int8WeightBytes:N0} B | {SizeRatio:F2}× smaller |");
        s.AppendLine(c, $"| checkpoint file | {Float32CheckpointBytes:N0} B | {Int8CheckpointBytes:N0} B | float32's holds optimizer state |");
        s.AppendLine();
        s.AppendLine(c, $"Latency (median µs per forward; warm-up, alternating float32/int8 blocks; load average {(LoadAverage is double load ? load.ToString("F1", c) : "n/a")}, {ProcessorCount} cores):");
        s.AppendLine();
        s.AppendLine("| batch | threads | float32 µs | int8 µs | float32/int8 |");
        s.AppendLine("|---|---|---|---|---|");
        foreach (var r in Latency) s.AppendLine(c, $"| {r.Batch} | {r.Threads} | {r.Float32Micros:F1} | {r.Int8Micros:F1} | {r.Speedup:F2} |");
        s.AppendLine();
        s.AppendLine("Per-layer quantization error (each int8 layer against its float layer, BatchNorm folded, on the same input):");
        s.AppendLine();
        s.AppendLine("| layer | from | to | relative L2 error | SQNR dB |");
        s.AppendLine("|---|---|---|---|---|");
        var errors = LayerErrors.ToDictionary(e => e.Path);
        foreach (var l in Layers.Where(l => l.To is not null))
        {
            var e = errors.GetValueOrDefault(l.Path);
            s.AppendLine(c, $"| {l.Path} | {l.From} | {l.To} | {(e is null ? "not reached" : e.RelativeError.ToString("E2", c))} | {(e is null ? "" : e.SqnrDb.ToString("F1", c))} |");
        }
        s.AppendLine();
        var kept = Layers.Where(l => l.To is null).ToList();
        s.AppendLine(kept.Count == 0 ? "Every layer with parameters is int8." : "Stayed float32 (boundary: int8 layers take and return float32, so these run unchanged between them):");
        foreach (var l in kept) s.AppendLine(c, $"- `{l.Path}` {l.From}: {l.Note}");
        return s.ToString();
    }
}
