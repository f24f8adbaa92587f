using System.Text.Json;
using System.Text.Json.Serialization;

namespace Descent.Experiments.Runs;

/// <summary>
/// One step of a pruning run as <c>pruning.json</c> stores it (an array of these, step 0 being the model before
/// pruning): the sparsity reached, the model's size and cost, and its test accuracy and loss after the step's
/// fine-tuning. Schema in docs/pruning.md; the report draws accuracy against sparsity from it.
/// </summary>
/// <param name="Step">0 before pruning, then 1, 2, ….</param>
/// <param name="Sparsity">Fraction of the prunable weights removed (structured: 1 − parameters / parameters before; unstructured: masked entries).</param>
/// <param name="Parameters">Parameter count (masks not counted; masked entries counted, they are still stored).</param>
/// <param name="Macs">Multiply-accumulates per sample (<c>ModelComplexity</c>).</param>
/// <param name="CheckpointBytes">Size of the model's weights file (safetensors with its architecture).</param>
/// <param name="Accuracy">Test accuracy (null for regression).</param>
/// <param name="Loss">Test loss.</param>
/// <param name="AccuracyBeforeFinetune">Test accuracy right after pruning, before fine-tuning (null at step 0 or without fine-tuning).</param>
/// <param name="Latency">Measured forward latency (null: not measured by this writer).</param>
public sealed record PruningStepRecord(int Step, double Sparsity, long Parameters, long Macs, long CheckpointBytes, double? Accuracy, double Loss,
    double? AccuracyBeforeFinetune = null, PruningLatency? Latency = null)
{
    /// <summary>JSON options of pruning.json (snake_case, indented, NaN as strings).</summary>
    public static JsonSerializerOptions JsonOptions { get; } = new()
    {
        PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower,
        NumberHandling = JsonNumberHandling.AllowNamedFloatingPointLiterals,
        WriteIndented = true,
        DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
    };
}

/// <summary>Forward latency in milliseconds (warm-up, then median) at batch 1 and 256, on one thread and all threads.</summary>
public sealed record PruningLatency(double Batch1_1threadMs, double Batch1AllMs, double Batch256_1threadMs, double Batch256AllMs)
{
    /// <summary>Batch 1, one thread.</summary>
    [JsonPropertyName("batch1_1thread_ms")]
    public double Batch1_1threadMs { get; init; } = Batch1_1threadMs;

    /// <summary>Batch 1, all threads.</summary>
    [JsonPropertyName("batch1_all_ms")]
    public double Batch1AllMs { get; init; } = Batch1AllMs;

    /// <summary>Batch 256, one thread.</summary>
    [JsonPropertyName("batch256_1thread_ms")]
    public double Batch256_1threadMs { get; init; } = Batch256_1threadMs;

    /// <summary>Batch 256, all threads.</summary>
    [JsonPropertyName("batch256_all_ms")]
    public double Batch256AllMs { get; init; } = Batch256AllMs;
}
