using System.Text.Json.Serialization;
using System.Text.Json;

namespace Descent.Experiments.Runs;

/// <summary>
/// The run directory's <c>summary.json</c>: outcome, best epoch, model summary, test metrics, confusion matrix and
/// timing. Property names are written in snake_case (<c>best_epoch</c>, <c>model_summary</c>, ...); see docs/experiments.md.
/// A run always writes every key; a file read back may leave any out (hand-made or older files), which reads as null
/// or empty.
/// </summary>
public sealed record RunSummary
{
    /// <summary>Run name (null when the file has none).</summary>
    public string? Name { get; init; }

    /// <summary>
    /// "completed" (all epochs ran), "stopped" (early stopping, cancellation, a callback), "diverged" (the NaN guard
    /// found a non-finite or exploding loss) or "failed".
    /// </summary>
    public string? Status { get; init; }

    /// <summary>Epochs completed.</summary>
    public int? Epochs { get; init; }

    /// <summary>Best epoch by the checkpoint monitor, counting from 1 (null when none was recorded).</summary>
    public int? BestEpoch { get; init; }

    /// <summary>The monitored metric that decided <see cref="BestEpoch"/>.</summary>
    public string? Monitor { get; init; }

    /// <summary>Why training stopped before its last epoch, or the error of a failed run (null when completed).</summary>
    public string? StopReason { get; init; }

    /// <summary>The experiment's seed.</summary>
    public long? Seed { get; init; }

    /// <summary>Number of model parameters.</summary>
    public long? Parameters { get; init; }

    /// <summary>One row per layer: name, output shape per sample, own parameters.</summary>
    public IReadOnlyList<LayerSummary> ModelSummary { get; init; } = [];

    /// <summary>Test metrics: loss and the experiment's metrics, in file order (empty for a failed run).</summary>
    public IReadOnlyDictionary<string, double> Test { get; init; } = new Dictionary<string, double>();

    /// <summary>Test confusion matrix [true class][predicted class] (null for regression and single-output models).</summary>
    public long[][]? ConfusionMatrix { get; init; }

    /// <summary>Class names by class id (empty for regression).</summary>
    public IReadOnlyList<string> ClassNames { get; init; } = [];

    /// <summary>Training time and throughput.</summary>
    public RunTiming Timing { get; init; } = new(null, null);

    /// <summary>A distillation run's comparison: the student, the same-seed scratch student and the teachers (null otherwise).</summary>
    public DistillationSummary? Distillation { get; init; }

    /// <summary>JSON options of the file (snake_case names, NaN/Infinity allowed as strings, indented).</summary>
    public static JsonSerializerOptions JsonOptions { get; } = new()
    {
        PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower,
        NumberHandling = JsonNumberHandling.AllowNamedFloatingPointLiterals,
        WriteIndented = true,
        DefaultIgnoreCondition = JsonIgnoreCondition.Never,
    };
}

/// <summary>A row of the model summary.</summary>
/// <param name="Layer">Layer name and type, e.g. "1 (Linear)".</param>
/// <param name="OutputShape">Output shape of one sample (batch dimension left out).</param>
/// <param name="Parameters">Parameters registered on the layer itself.</param>
public sealed record LayerSummary(string Layer, int[] OutputShape, long Parameters);

/// <summary>Training time of a run (null: not in the file).</summary>
/// <param name="Seconds">Wall-clock seconds of the training epochs (validation included, test evaluation excluded).</param>
/// <param name="SamplesPerSec">Training samples per second over those epochs.</param>
public sealed record RunTiming(double? Seconds, double? SamplesPerSec);

/// <summary>
/// The comparison a distillation run records (<c>summary.json</c> key <c>distillation</c>): its settings and one entry
/// per model, all scored on the student's test set.
/// </summary>
/// <param name="Temperature">Softening temperature T.</param>
/// <param name="Alpha">Weight of the hard-label loss.</param>
/// <param name="TeacherLogits">"precomputed" or "on_the_fly": how the run obtained the teachers' logits.</param>
/// <param name="Models">The student, the scratch student (when trained) and each teacher.</param>
public sealed record DistillationSummary(double? Temperature, double? Alpha, string? TeacherLogits, IReadOnlyList<ComparedModel> Models);

/// <summary>One model of a distillation comparison.</summary>
/// <param name="Role">"student", "scratch" or "teacher".</param>
/// <param name="Run">Where the model comes from: the scratch run's directory relative to this run ("scratch"), a teacher's run directory or checkpoint, or null for the student itself.</param>
/// <param name="Parameters">Number of parameters.</param>
/// <param name="LatencyMs">Median wall-clock milliseconds of one forward pass over a test batch (eval mode, no gradients).</param>
/// <param name="LatencyBatch">Samples in the timed batch.</param>
/// <param name="Test">Test loss and metrics.</param>
public sealed record ComparedModel(string Role, string? Run, long? Parameters, double? LatencyMs, int? LatencyBatch, IReadOnlyDictionary<string, double> Test);
