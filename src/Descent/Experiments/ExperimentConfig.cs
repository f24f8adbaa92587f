using Descent.Optim;
using Descent.Optim.Schedules;

namespace Descent.Experiments;

/// <summary>
/// A typed experiment (what an experiment YAML file describes), with Keras'/PyTorch's defaults for everything left
/// out. Read one with <see cref="Load"/> or <see cref="Parse"/>; <see cref="ToYaml"/> writes the resolved form (every
/// default filled in), which parses back to the same experiment. The schema is documented in docs/experiments.md.
/// </summary>
public sealed record ExperimentConfig
{
    /// <summary>Run name (the run directory is <c>runs/&lt;name&gt;</c>).</summary>
    public string Name { get; init; } = "experiment";

    /// <summary>Seed of weight initialization, dropout, data order, augmentation and splits.</summary>
    public long Seed { get; init; }

    /// <summary>Epochs to train (Keras' default 1).</summary>
    public int Epochs { get; init; } = 1;

    /// <summary>Data set, batching, splits and augmentation.</summary>
    public DataConfig Data { get; init; } = new();

    /// <summary>The model: a preset or a list of layers.</summary>
    public ModelConfig Model { get; init; } = new();

    /// <summary>The loss.</summary>
    public LossConfig Loss { get; init; } = new();

    /// <summary>The optimizer and its hyperparameters.</summary>
    public OptimizerConfig Optimizer { get; init; } = new();

    /// <summary>The learning-rate schedule (null: constant rate).</summary>
    public ScheduleConfig? Schedule { get; init; }

    /// <summary>Penalties, clipping and the NaN guard.</summary>
    public RegularizationConfig Regularization { get; init; } = new();

    /// <summary>Early stopping and checkpoints.</summary>
    public CallbacksConfig Callbacks { get; init; } = new();

    /// <summary>Knowledge distillation from teacher runs (null: ordinary training).</summary>
    public DistillationConfig? Distillation { get; init; }

    /// <summary>Pruning during training (null: none).</summary>
    public PruningConfig? Pruning { get; init; }

    /// <summary>Metrics besides the loss ("accuracy", "top5_accuracy", "mae", "rmse", "r2"); empty: chosen by task.</summary>
    public IReadOnlyList<string> Metrics { get; init; } = [];

    /// <summary>Data-parallel replicas (1 = off).</summary>
    public int DataParallel { get; init; } = 1;

    /// <summary>Kernel threads (0 = one per core).</summary>
    public int Threads { get; init; }

    /// <summary>Reads and validates an experiment file; <paramref name="overrides"/> are <c>key=value</c> assignments applied first.</summary>
    public static ExperimentConfig Load(string path, IEnumerable<string>? overrides = null) =>
        ExperimentConfigReader.Read(ConfigDocument.Load(path, overrides));

    /// <summary>Parses experiment YAML; <paramref name="file"/> is the name used in error messages.</summary>
    public static ExperimentConfig Parse(string yaml, string file, IEnumerable<string>? overrides = null) =>
        ExperimentConfigReader.Read(ConfigDocument.Parse(yaml, file, overrides));

    /// <summary>The resolved experiment as YAML (every default written out).</summary>
    public string ToYaml() => ExperimentConfigWriter.Write(this);

    /// <summary>
    /// The built-in default experiment of <c>descent train</c>: an MLP 784-256-128-10 on the embedded Fashion-MNIST
    /// subset, Adam(1e-3), batch 64, 10% validation, 5 epochs.
    /// </summary>
    public static string DefaultYaml => """
        name: fashion-mlp
        seed: 0
        epochs: 5
        data:
          dataset: fashion-mnist
          source: embedded
          batch_size: 64
          validation: 0.1
          normalize: true
        model:
          preset: mlp
          hidden: [256, 128]
        loss: cross_entropy
        optimizer:
          name: adam
          lr: 0.001
        """;
}

/// <summary>Where the data comes from and how it is batched (<c>data:</c>).</summary>
public sealed record DataConfig
{
    /// <summary>"fashion-mnist", "csv" or "synthetic".</summary>
    public string Dataset { get; init; } = "fashion-mnist";

    /// <summary>Fashion-MNIST source: "auto" (given dir, else the Debian location, else embedded), "full" or "embedded".</summary>
    public string Source { get; init; } = "auto";

    /// <summary>Folder holding the full Fashion-MNIST files (null: the Debian location).</summary>
    public string? Dir { get; init; }

    /// <summary>Samples per batch (Keras' default 32).</summary>
    public int BatchSize { get; init; } = 32;

    /// <summary>Shuffle the training set every epoch.</summary>
    public bool Shuffle { get; init; } = true;

    /// <summary>Drop the last partial training batch.</summary>
    public bool DropLast { get; init; }

    /// <summary>Fraction of the training set held out for validation (0: none).</summary>
    public double Validation { get; init; }

    /// <summary>Keep class proportions in the validation and test splits (classification only).</summary>
    public bool Stratify { get; init; } = true;

    /// <summary>Fraction held out as the test set when the data has no test split (CSV without a test file, synthetic).</summary>
    public double TestFraction { get; init; } = 0.2;

    /// <summary>Use only this many training samples (a seeded random subset; 0: all).</summary>
    public int TrainSamples { get; init; }

    /// <summary>Use only this many test samples (a seeded random subset; 0: all).</summary>
    public int TestSamples { get; init; }

    /// <summary>
    /// Standardize the features: Fashion-MNIST with its standard constants (0.2860, 0.3530), other data with the
    /// per-feature mean and std of the training data.
    /// </summary>
    public bool Normalize { get; init; }

    /// <summary>Random augmentation of training images.</summary>
    public AugmentationConfig Augmentation { get; init; } = new();

    /// <summary>CSV settings (dataset: csv).</summary>
    public CsvDataConfig Csv { get; init; } = new();

    /// <summary>Synthetic data settings (dataset: synthetic).</summary>
    public SyntheticConfig Synthetic { get; init; } = new();
}

/// <summary>Training-image augmentation (<c>data.augmentation:</c>), applied per batch with seeded draws.</summary>
public sealed record AugmentationConfig
{
    /// <summary>Random crop back to the image size after zero padding by this many pixels (0: off).</summary>
    public int RandomCrop { get; init; }

    /// <summary>Probability of a horizontal flip (0: off).</summary>
    public double HFlip { get; init; }
}

/// <summary>A CSV data set (<c>data.csv:</c>).</summary>
public sealed record CsvDataConfig
{
    /// <summary>Training file (relative paths are relative to the experiment file's folder).</summary>
    public string? Path { get; init; }

    /// <summary>Optional test file with the same columns (else <see cref="DataConfig.TestFraction"/> of the training file).</summary>
    public string? Test { get; init; }

    /// <summary>Name of the target column.</summary>
    public string? Target { get; init; }

    /// <summary>"auto", "classification" or "regression".</summary>
    public string Task { get; init; } = "auto";

    /// <summary>Columns to leave out.</summary>
    public IReadOnlyList<string> Ignore { get; init; } = [];

    /// <summary>Missing values: "error", "drop" or "fill".</summary>
    public string Missing { get; init; } = "error";
}

/// <summary>Seeded synthetic data (<c>data.synthetic:</c>).</summary>
public sealed record SyntheticConfig
{
    /// <summary>"linear" (regression y = 2·x + 1 + noise per feature), "blobs", "spirals" or "xor".</summary>
    public string Kind { get; init; } = "blobs";

    /// <summary>Total samples before the test split.</summary>
    public int Samples { get; init; } = 1000;

    /// <summary>Noise standard deviation (linear, spirals, xor) or blob spread (blobs).</summary>
    public double Noise { get; init; } = 0.1;

    /// <summary>Classes of the blobs.</summary>
    public int Classes { get; init; } = 3;

    /// <summary>Features of linear and blobs data.</summary>
    public int Features { get; init; } = 2;
}

/// <summary>The model (<c>model:</c>): a preset with options, or an explicit list of layers.</summary>
public sealed record ModelConfig
{
    /// <summary>Preset name (mlp, mlp-bn, lenet5, cnn-small, resnet-small); null when <see cref="Layers"/> is given.</summary>
    public string? Preset { get; init; } = "mlp";

    /// <summary>Hidden widths of the MLP presets (null: 256, 128).</summary>
    public IReadOnlyList<int>? Hidden { get; init; }

    /// <summary>Dropout probability of the presets (0: none; cnn-small uses 0.25 when 0).</summary>
    public double Dropout { get; init; }

    /// <summary>Explicit layers, in order (null when a preset is used).</summary>
    public IReadOnlyList<LayerSpec>? Layers { get; init; }

    /// <summary>Full path of an ONNX model to import as the model (its weights are the starting point), or null.</summary>
    public string? Onnx { get; init; }

    /// <summary>"float32" or "float64".</summary>
    public string DType { get; init; } = "float32";
}

/// <summary>
/// One entry of <c>model.layers</c>: a layer type and its options (numbers or booleans), validated when read.
/// <see cref="Location"/> (<c>file:line:column: model.layers[i]</c>) prefixes errors found while building.
/// </summary>
/// <param name="Type">Layer type (linear, conv2d, relu, ...).</param>
/// <param name="Options">Options by name (out, kernel, padding, p, ...).</param>
public sealed record LayerSpec(string Type, IReadOnlyDictionary<string, double> Options)
{
    /// <summary>Where the layer was written, for errors (not part of the experiment's value).</summary>
    public string Location { get; init; } = "";

    /// <summary>A <c>residual</c> entry's own list of layers (its body); null for other layers.</summary>
    public IReadOnlyList<LayerSpec>? Body { get; init; }

    /// <summary>A <c>residual</c> entry's shortcut: auto (identity when the body keeps the shape, else projection), identity or projection.</summary>
    public string? Shortcut { get; init; }

    /// <summary>A <c>residual</c> entry's activation after the addition (an activation layer), or null for none.</summary>
    public LayerSpec? Activation { get; init; }
}

/// <summary>The loss (<c>loss:</c>).</summary>
public sealed record LossConfig
{
    /// <summary>cross_entropy, nll, mse, l1, smooth_l1, huber, bce, bce_with_logits; "auto": cross_entropy for classes, mse otherwise.</summary>
    public string Name { get; init; } = "auto";

    /// <summary>Label smoothing of cross_entropy (PyTorch default 0).</summary>
    public double LabelSmoothing { get; init; }

    /// <summary>β of smooth_l1 (1.0).</summary>
    public double Beta { get; init; } = 1.0;

    /// <summary>δ of huber (1.0).</summary>
    public double Delta { get; init; } = 1.0;
}

/// <summary>
/// The optimizer (<c>optimizer:</c>): a name from <see cref="OptimizerFactory.Names"/> (or a registered one) and its
/// typed options.
/// </summary>
public sealed record OptimizerConfig
{
    /// <summary>Optimizer name (lower case, as written: "adam", "gd").</summary>
    public string Name { get; init; } = "adam";

    /// <summary>The hyperparameters, typed (defaults filled in).</summary>
    public OptimizerOptions Options { get; init; } = new AdamOptions();

    /// <summary>Every hyperparameter by PyTorch name (a view of <see cref="Options"/>).</summary>
    public IReadOnlyDictionary<string, object?> Hyperparameters => Options.ToDictionary();
}

/// <summary>
/// The learning-rate schedule (<c>schedule:</c>): typed options of a <see cref="ScheduleFactory"/> schedule, and when
/// and on what it steps.
/// </summary>
public sealed record ScheduleConfig
{
    /// <summary>The hyperparameters, typed (<see cref="LrScheduleOptions"/>, or <see cref="ReduceLROnPlateauOptions"/>).</summary>
    public required ScheduleOptions Options { get; init; }

    /// <summary>Schedule name as <see cref="ScheduleFactory.Names"/> spells it, or ReduceLROnPlateau.</summary>
    public string Name => Options.ScheduleName;

    /// <summary>"epoch" or "batch": when the schedule advances (ReduceLROnPlateau: always per epoch).</summary>
    public string Per { get; init; } = "epoch";

    /// <summary>Metric fed to ReduceLROnPlateau.</summary>
    public string Monitor { get; init; } = "val_loss";

    /// <summary>The hyperparameters the file gave, by PyTorch name (a view of <see cref="Options"/>; defaults are left out).</summary>
    public IReadOnlyDictionary<string, object?> Hyperparameters => Options.GivenToDictionary();
}

/// <summary>Penalties, clipping and the NaN guard (<c>regularization:</c>).</summary>
public sealed record RegularizationConfig
{
    /// <summary>L1 penalty coefficient on weights.</summary>
    public double L1 { get; init; }

    /// <summary>L2 penalty coefficient on weights (λ·Σw², added to the loss).</summary>
    public double L2 { get; init; }

    /// <summary>Clip the global gradient L2 norm to this value (0: off).</summary>
    public double ClipNorm { get; init; }

    /// <summary>Clip gradient elements to ±value (0: off).</summary>
    public double ClipValue { get; init; }

    /// <summary>On a non-finite loss or gradient: "stop", "skip" (the step) or "off".</summary>
    public string NanGuard { get; init; } = "stop";
}

/// <summary>Callbacks (<c>callbacks:</c>).</summary>
public sealed record CallbacksConfig
{
    /// <summary>Early stopping (null: off).</summary>
    public EarlyStoppingConfig? EarlyStopping { get; init; }

    /// <summary>Checkpoints written into the run directory.</summary>
    public CheckpointConfig Checkpoint { get; init; } = new();
}

/// <summary>Keras' EarlyStopping options (<c>callbacks.early_stopping:</c>).</summary>
public sealed record EarlyStoppingConfig
{
    /// <summary>Monitored metric (val_loss; loss when there is no validation set).</summary>
    public string Monitor { get; init; } = "val_loss";

    /// <summary>"auto", "min" or "max".</summary>
    public string Mode { get; init; } = "auto";

    /// <summary>Epochs without improvement before stopping.</summary>
    public int Patience { get; init; }

    /// <summary>Minimum change counted as an improvement.</summary>
    public double MinDelta { get; init; }

    /// <summary>Restore the best epoch's weights at the end of training.</summary>
    public bool RestoreBestWeights { get; init; }
}

/// <summary>Checkpoint options (<c>callbacks.checkpoint:</c>).</summary>
public sealed record CheckpointConfig
{
    /// <summary>Write checkpoints/best.ckpt when the monitored metric improves.</summary>
    public bool Best { get; init; } = true;

    /// <summary>Write checkpoints/last.ckpt at every epoch end (needed by <c>descent resume</c>).</summary>
    public bool Last { get; init; } = true;

    /// <summary>Metric deciding the best epoch (val_loss; loss when there is no validation set).</summary>
    public string Monitor { get; init; } = "val_loss";

    /// <summary>"auto", "min" or "max".</summary>
    public string Mode { get; init; } = "auto";

    /// <summary>Also write last.ckpt every N optimizer steps (0: only at epoch ends).</summary>
    public int EverySteps { get; init; }
}
