using Descent.Data;
using Descent.NN;
using Descent.Optim;
using Descent.Tensors;
using Descent.Training.Metrics;

namespace Descent.Training;

/// <summary>What callbacks see and may change during <see cref="Trainer.Fit"/>.</summary>
public sealed class TrainingContext
{
    internal TrainingContext(Trainer trainer, DataLoader train, DataLoader? validation, int epochs)
    {
        Trainer = trainer;
        TrainLoader = train;
        ValidationLoader = validation;
        Epochs = epochs;
    }

    /// <summary>The trainer running the loop.</summary>
    public Trainer Trainer { get; }

    /// <summary>The model being trained.</summary>
    public Module Model => Trainer.Model;

    /// <summary>The optimizer.</summary>
    public Optimizer Optimizer => Trainer.Optimizer;

    /// <summary>Training batches.</summary>
    public DataLoader TrainLoader { get; }

    /// <summary>Validation batches (null when there is no validation set).</summary>
    public DataLoader? ValidationLoader { get; }

    /// <summary>Total number of epochs requested.</summary>
    public int Epochs { get; }

    /// <summary>Current epoch (0-based).</summary>
    public int Epoch { get; internal set; }

    /// <summary>Index of the current batch within the epoch.</summary>
    public int BatchIndex { get; internal set; }

    /// <summary>Batches in the current epoch.</summary>
    public int BatchesInEpoch { get; internal set; }

    /// <summary>Optimizer steps taken so far over the whole run (batches seen, including skipped steps).</summary>
    public long GlobalStep { get; internal set; }

    /// <summary>Current batch input (valid during batch events).</summary>
    public Tensor? Input { get; internal set; }

    /// <summary>Current batch target (valid during batch events).</summary>
    public Tensor? Target { get; internal set; }

    /// <summary>Dataset index of each row of the current batch (valid during batch events).</summary>
    public ReadOnlyMemory<int> SampleIndices { get; internal set; }

    /// <summary>Model output of the current batch (valid from <see cref="ICallback.OnLossComputed"/> on).</summary>
    public Tensor? Output { get; internal set; }

    /// <summary>The scalar that will be backpropagated; penalty callbacks add to it.</summary>
    public Tensor? LossTensor { get; set; }

    /// <summary>The data loss of the current batch (set at batch end).</summary>
    public double BatchLoss { get; internal set; }

    /// <summary>Samples in the current batch.</summary>
    public int BatchSize { get; internal set; }

    /// <summary>Set by a callback to skip the optimizer step of this batch (e.g. a non-finite gradient).</summary>
    public bool SkipStep { get; set; }

    /// <summary>Set by a callback to end training after the current epoch (or batch).</summary>
    public bool StopTraining { get; set; }

    /// <summary>Why training stopped early, for logs and summaries.</summary>
    public string? StopReason { get; set; }

    /// <summary>
    /// Set (with <see cref="StopTraining"/>) by a callback that stopped training because the loss diverged: non-finite,
    /// or exploded by orders of magnitude (<see cref="Callbacks.NanGuard"/>). A run directory records it as status
    /// <c>diverged</c>, and <c>descent train</c> exits non-zero.
    /// </summary>
    public bool Diverged { get; set; }

    /// <summary>Metrics of the epoch that just ended: loss, train metrics, val_loss, val_*, lr, seconds.</summary>
    public Dictionary<string, double> EpochLogs { get; } = new(StringComparer.Ordinal);

    /// <summary>Per-epoch records so far.</summary>
    public History History { get; internal set; } = new();

    /// <summary>Σ batch loss × batch size over the batches of the current epoch so far (for mid-epoch checkpoints).</summary>
    public double PartialLossSum { get; internal set; }

    /// <summary>Samples seen in the current epoch so far.</summary>
    public long PartialSamples { get; internal set; }

    /// <summary>The training metrics of the current epoch (accumulating batch by batch).</summary>
    internal IReadOnlyList<IMetric> TrainMetrics { get; set; } = [];

    /// <summary>
    /// The accumulated states of the training metrics so far this epoch, by metric name (for mid-epoch checkpoints);
    /// metrics that keep no saveable state are left out, and null is returned when none has one.
    /// </summary>
    public IReadOnlyDictionary<string, IReadOnlyDictionary<string, double>>? PartialMetricStates()
    {
        var states = new Dictionary<string, IReadOnlyDictionary<string, double>>(StringComparer.Ordinal);
        foreach (var m in TrainMetrics)
            if (m.StateDict() is { } state) states[m.Name] = state.ToDictionary(kv => kv.Key, kv => kv.Value, StringComparer.Ordinal);
        return states.Count == 0 ? null : states;
    }

    /// <summary>Learning rate of the first parameter group right now.</summary>
    public double LearningRate => Optimizer.ParamGroups[0].Lr;
}
