using System.Globalization;
using Descent.Compression.Distillation;
using Descent.Compression.Pruning.Unstructured;
using Descent.Data;
using Descent.NN;
using Descent.NN.Architecture;
using Descent.Optim;
using Descent.Optim.Schedules;
using Descent.Tensors;
using Descent.Training;
using Descent.Training.Callbacks;
using Descent.Training.Checkpointing;

namespace Descent.Experiments;

/// <summary>
/// A built experiment: the resolved config and everything made from it. <see cref="CheckpointExtras"/> and
/// <see cref="RestoreExtras"/> carry the state that a <see cref="TrainingCheckpoint"/> does not hold by itself
/// (schedule, early stopping, the model's generator) plus the resolved config, so a checkpoint can rebuild its model.
/// </summary>
public sealed class Experiment
{
    /// <summary>Checkpoint extra holding the resolved config and the model's input/output sizes.</summary>
    public const string ExperimentKey = "experiment";

    /// <summary>The resolved config (loss and metrics made explicit).</summary>
    public required ExperimentConfig Config { get; init; }

    /// <summary>The data.</summary>
    public required ExperimentData Data { get; init; }

    /// <summary>The model (with distillation: the student).</summary>
    public required Sequential Model { get; init; }

    /// <summary>
    /// What the trainer trains and checkpoints: <see cref="Model"/>, or with distillation hints a
    /// <see cref="HintedStudent"/> holding it and the hint regressors.
    /// </summary>
    public Module TrainedModel
    {
        get => _trainedModel ?? Model;
        init => _trainedModel = value;
    }

    private readonly Module? _trainedModel;

    /// <summary>The distiller (also the trainer's objective) when the experiment distills, else null.</summary>
    public Distiller? Distiller { get; init; }

    /// <summary>The loss.</summary>
    public required Loss Loss { get; init; }

    /// <summary>The optimizer.</summary>
    public required Optimizer Optimizer { get; init; }

    /// <summary>The step-based schedule, if any.</summary>
    public LrScheduler? Scheduler { get; init; }

    /// <summary>ReduceLROnPlateau, if configured.</summary>
    public ReduceLROnPlateau? Plateau { get; init; }

    /// <summary>Early stopping, if configured.</summary>
    public EarlyStopping? EarlyStopping { get; init; }

    /// <summary>The generator of weight initialization and dropout (its state is checkpointed).</summary>
    public required Generator Generator { get; init; }

    /// <summary>Training batches.</summary>
    public required DataLoader TrainLoader { get; init; }

    /// <summary>Validation batches (null without a validation split).</summary>
    public DataLoader? ValidationLoader { get; init; }

    /// <summary>Test batches.</summary>
    public required DataLoader TestLoader { get; init; }

    /// <summary>The training callbacks built from the config (NaN guard, clipping, penalties, schedule, early stopping).</summary>
    public required IReadOnlyList<ICallback> Callbacks { get; init; }

    /// <summary>Metrics and data-parallel replicas.</summary>
    public required TrainerOptions TrainerOptions { get; init; }

    /// <summary>Model outputs (classes, 1 for a binary loss, or the target width).</summary>
    public int Outputs => ExperimentBuilder.Outputs(Config, Data);

    /// <summary>A trainer with the config's callbacks followed by <paramref name="extra"/>.</summary>
    public Trainer CreateTrainer(IEnumerable<ICallback>? extra = null)
    {
        var trainer = new Trainer(TrainedModel, Loss, Optimizer, TrainerOptions);
        trainer.With([.. Callbacks]);
        if (extra is not null) trainer.With([.. extra]);
        return trainer;
    }

    /// <summary>
    /// The architecture a checkpoint of this experiment stores: the model's layers with their current shapes (changed
    /// by pruning), located inside the trained model's state (a hinted student's under "student."). Null when a layer
    /// has no registered kind (e.g. an imported ONNX graph); such a model is rebuilt from its config.
    /// </summary>
    public ModelArchitecture? CheckpointArchitecture()
    {
        if (!ModelArchitecture.TryDescribe(Model, out var architecture, out _)) return null;
        return TrainedModel is HintedStudent ? architecture!.WithWeightsPrefix(HintedStudent.StudentPrefix) : architecture;
    }

    /// <summary>
    /// A checkpoint of the experiment as it is now, outside a training loop (e.g. after pruning): the trained model's
    /// weights, the optimizer, the extras and the architecture, resuming at <paramref name="resume"/>.
    /// </summary>
    public TrainingCheckpoint Snapshot(TrainingResume resume)
    {
        ArgumentNullException.ThrowIfNull(resume);
        return new TrainingCheckpoint
        {
            Model = TrainedModel.StateDict(),
            Optimizer = Optimizer.StateDict(),
            Architecture = CheckpointArchitecture(),
            Extras = CheckpointExtras(),
            Resume = resume,
            Loader = TrainLoader.State,
            Generator = Descent.Tensors.Generator.Default.GetState(),
        };
    }

    /// <summary>The states to store in a checkpoint besides model, optimizer, loader and history.</summary>
    public Dictionary<string, Dictionary<string, object?>> CheckpointExtras()
    {
        var extras = new Dictionary<string, Dictionary<string, object?>>(StringComparer.Ordinal)
        {
            [ExperimentKey] = new(StringComparer.Ordinal)
            {
                ["config"] = Config.ToYaml(),
                ["input_shape"] = Data.InputShape.ToArray(),
                ["classes"] = Data.Classes,
                ["outputs"] = Outputs,
                ["class_names"] = string.Join('\n', Data.ClassNames),
            },
            ["rng"] = new(StringComparer.Ordinal) { ["model"] = Generator.GetState().Select(u => unchecked((long)u)).ToArray() },
        };
        if (Callbacks.OfType<NanGuard>().FirstOrDefault() is { } guard)
            extras["nan_guard"] = guard.State().ToDictionary(kv => kv.Key, kv => (object?)kv.Value, StringComparer.Ordinal);
        if (Callbacks.OfType<UnstructuredPruningCallback>().FirstOrDefault() is { } pruning)
            extras[UnstructuredPruningCallback.StateKey] = pruning.State();
        if (Scheduler is not null) extras["scheduler"] = Scheduler.StateDict();
        if (Plateau is not null) extras["plateau"] = Plateau.StateDict();
        if (EarlyStopping is { } es)
        {
            var state = es.State().ToDictionary(kv => kv.Key, kv => (object?)kv.Value, StringComparer.Ordinal);
            if (es.BestWeights is { } w)
                state["weights"] = w.ToDictionary(kv => kv.Key, kv => (object?)kv.Value, StringComparer.Ordinal);
            extras["early_stopping"] = state;
        }
        return extras;
    }

    /// <summary>Restores the states saved by <see cref="CheckpointExtras"/> (after <see cref="TrainingCheckpoint.Restore"/>).</summary>
    public void RestoreExtras(IReadOnlyDictionary<string, Dictionary<string, object?>> extras)
    {
        ArgumentNullException.ThrowIfNull(extras);
        if (extras.TryGetValue("rng", out var rng) && rng.GetValueOrDefault("model") is long[] words)
            Generator.SetState(words.Select(w => unchecked((ulong)w)).ToArray());
        if (Callbacks.OfType<NanGuard>().FirstOrDefault() is { } guard && extras.TryGetValue("nan_guard", out var g))
            guard.LoadState(g.Where(kv => kv.Value is double).ToDictionary(kv => kv.Key, kv => (double)kv.Value!, StringComparer.Ordinal));
        Callbacks.OfType<UnstructuredPruningCallback>().FirstOrDefault()?.LoadState(extras);
        if (Scheduler is not null && extras.TryGetValue("scheduler", out var s)) Scheduler.LoadStateDict(s);
        if (Plateau is not null && extras.TryGetValue("plateau", out var p)) Plateau.LoadStateDict(p);
        if (EarlyStopping is { } es && extras.TryGetValue("early_stopping", out var e))
        {
            es.LoadState(e.Where(kv => kv.Key != "weights").ToDictionary(kv => kv.Key,
                kv => kv.Value is double or int or long ? Convert.ToDouble(kv.Value, CultureInfo.InvariantCulture)
                    : throw new InvalidDataException($"early_stopping.{kv.Key}: expected a number, got {kv.Value ?? "null"}.")));
            if (e.TryGetValue("weights", out var w) && w is IReadOnlyDictionary<string, object?> weights)
            {
                var dict = new StateDict();
                foreach (var (k, v) in weights)
                    dict.Add(k, v as Tensor ?? throw new InvalidDataException($"early_stopping.weights.{k}: expected a tensor."));
                es.BestWeights = dict;
            }
        }
    }

    /// <summary>What a checkpoint says about its model: the resolved config and the model's input/output sizes.</summary>
    public static CheckpointModelInfo ReadModelInfo(TrainingCheckpoint checkpoint, string path)
    {
        ArgumentNullException.ThrowIfNull(checkpoint);
        if (!checkpoint.Extras.TryGetValue(ExperimentKey, out var e) || e.GetValueOrDefault("config") is not string yaml)
            throw new InvalidDataException($"{path}: the checkpoint does not hold its experiment config, so its model cannot be rebuilt (it was not written by an experiment run).");
        var config = ExperimentConfig.Parse(yaml, $"{path} (stored config)");
        var names = e.GetValueOrDefault("class_names") as string ?? "";
        if (e.GetValueOrDefault("input_shape") is not int[] shape || shape.Any(d => d < 1)
            || e.GetValueOrDefault("classes") is not int classes || classes < 0
            || e.GetValueOrDefault("outputs") is not int outputs || outputs < 1)
            throw new InvalidDataException($"{path}: the checkpoint's model sizes (input_shape, classes, outputs) are missing or invalid.");
        return new CheckpointModelInfo(config, shape, classes, outputs, names.Length == 0 ? [] : names.Split('\n'));
    }
}

/// <summary>The model description stored in an experiment checkpoint.</summary>
/// <param name="Config">The resolved experiment config.</param>
/// <param name="InputShape">Shape of one input sample.</param>
/// <param name="Classes">Number of classes (0 for regression).</param>
/// <param name="Outputs">Model outputs.</param>
/// <param name="ClassNames">Class names by id.</param>
public sealed record CheckpointModelInfo(ExperimentConfig Config, int[] InputShape, int Classes, int Outputs, IReadOnlyList<string> ClassNames);
