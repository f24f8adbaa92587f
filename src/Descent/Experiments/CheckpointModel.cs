using Descent.Compression.Distillation;
using Descent.Compression.Quantization;
using Descent.Data;
using Descent.Experiments.Runs;
using Descent.NN;
using Descent.Tensors;
using Descent.Tensors.Autograd;
using Descent.Training;
using Descent.Training.Callbacks;
using Descent.Training.Checkpointing;
using Descent.Training.Metrics;

namespace Descent.Experiments;

/// <summary>
/// A model rebuilt from an experiment checkpoint (the checkpoint stores its resolved config and input/output sizes):
/// evaluate it on its experiment's test set, or predict new inputs (CSV, or IDX images as for Fashion-MNIST).
/// </summary>
public sealed class CheckpointModel
{
    private CheckpointModel(string path, CheckpointModelInfo info, Sequential model, TrainingCheckpoint checkpoint, QuantizationSpec? quantization)
    {
        Quantization = quantization;
        Path = path;
        Info = info;
        Model = model;
        Checkpoint = checkpoint;
    }

    /// <summary>The checkpoint file.</summary>
    public string Path { get; }

    /// <summary>The stored config and sizes.</summary>
    public CheckpointModelInfo Info { get; }

    /// <summary>The model with the checkpoint's weights, in evaluation mode.</summary>
    public Sequential Model { get; }

    /// <summary>How an int8 checkpoint was quantized (its model is rebuilt with that structure), or null for float.</summary>
    public QuantizationSpec? Quantization { get; }

    /// <summary>The checkpoint itself.</summary>
    public TrainingCheckpoint Checkpoint { get; }

    /// <summary>
    /// Loads <paramref name="path"/>: a checkpoint file, or a run directory (its best.ckpt, else its last.ckpt).
    /// </summary>
    public static CheckpointModel Load(string path)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        if (Directory.Exists(path))
        {
            var run = RunDirectory.Open(path);
            path = File.Exists(run.BestCheckpointPath) ? run.BestCheckpointPath : run.LastCheckpointPath;
            if (!File.Exists(path)) throw new FileNotFoundException($"{run.Path}: no checkpoints (checkpoints/best.ckpt or last.ckpt).", path);
        }
        else if (!File.Exists(path)) throw new FileNotFoundException($"{path}: no such checkpoint file or run directory.", path);
        var checkpoint = TrainingCheckpoint.Load(path);
        var info = Experiment.ReadModelInfo(checkpoint, path);
        // A checkpoint that carries its architecture is rebuilt from it (a pruned model's layers are smaller than its
        // config says); older checkpoints from their stored config.
        var model = checkpoint.Architecture is { } architecture
            ? ExperimentBuilder.BuildModel(architecture, info.Config, info.InputShape, info.Outputs, new Generator(info.Config.Seed), path)
            : ExperimentBuilder.BuildModel(info.Config, info.InputShape, info.Outputs, new Generator(info.Config.Seed));
        // An int8 checkpoint (descent quantize): that float architecture given the int8 structure its quantization spec
        // describes, then filled with the int8 weights, scales and zero points.
        var quantization = QuantizationFlow.SpecOf(checkpoint, path);
        if (quantization is not null)
            model = Quantizer.Rebuild(model, quantization).Model as Sequential
                ?? throw new InvalidDataException($"{path}: the quantized model is not a Sequential.");
        string describes = checkpoint.Architecture is null ? "the model its stored config describes" : $"the model its stored architecture describes ({checkpoint.Architecture})";
        CheckpointWeights.Load(model, ModelState(info.Config, checkpoint), path, null, info.Config,
            quantization is null ? describes : $"the {quantization.Mode}-quantized int8 version of {describes}");
        model.Eval();
        return new CheckpointModel(path, info, model, checkpoint, quantization);
    }

    /// <summary>
    /// Which weights this checkpoint holds, in words, e.g. "best.ckpt: the best epoch's weights (epoch 3 by val_accuracy
    /// = 0.8123)", "last.ckpt: the last epoch's weights (epoch 5)" or "last.ckpt: mid-epoch weights (epoch 2, batch 40
    /// of an unfinished run)". <c>descent train</c> tests the last epoch's weights; this says what evaluate and predict use.
    /// </summary>
    public string WeightsDescription
    {
        get
        {
            var resume = Checkpoint.Resume;
            string file = System.IO.Path.GetFileName(Path);
            int epochs = resume.History.Epochs.Count;
            if (resume.BatchIndex > 0)
                return $"{file}: mid-epoch weights (epoch {resume.Epoch + 1}, batch {resume.BatchIndex}, of an unfinished run)";
            if (file == ModelCheckpoint.BestFileName && epochs > 0)
            {
                string monitor = Info.Config.Callbacks.Checkpoint.Monitor;
                var logs = resume.History.Epochs[^1];
                if (!logs.ContainsKey(monitor) && logs.ContainsKey("loss") && monitor == "val_loss") monitor = "loss";
                string value = logs.TryGetValue(monitor, out double v) ? FormattableString.Invariant($" = {v:G4}") : "";
                return $"{file}: the best epoch's weights (epoch {epochs} by {monitor}{value})";
            }
            return $"{file}: the weights after epoch {epochs}";
        }
    }

    /// <summary>
    /// Loss and metrics on the test set of the stored experiment (its data loaded again; <paramref name="dataDir"/>
    /// points Fashion-MNIST at another folder), with the confusion matrix for multi-class models.
    /// </summary>
    public (EvaluationResult Result, ConfusionMatrix? Confusion) Evaluate(string? dataDir = null)
    {
        // Evaluation needs the student only: the teachers are not loaded.
        var config = WithDataDir(Info.Config, dataDir) with { Distillation = null };
        var experiment = ExperimentBuilder.Build(config, Checkpoint.Architecture);
        Trainer trainer;
        if (Quantization is null)
        {
            experiment.Model.LoadStateDict(ModelState(Info.Config, Checkpoint));
            trainer = experiment.CreateTrainer();
        }
        else
        {
            // The int8 model has no parameters to train; the experiment's optimizer is only the trainer's argument.
            trainer = new Trainer(Model, experiment.Loss, experiment.Optimizer, experiment.TrainerOptions);
        }
        var confusion = Info.Classes > 0 && Info.Outputs == Info.Classes ? new ConfusionMatrix(Info.Classes) : null;
        return (trainer.Evaluate(experiment.TestLoader, confusion), confusion);
    }

    /// <summary>The model's weights in a checkpoint (a distilled student's without its hint regressors).</summary>
    internal static StateDict ModelState(ExperimentConfig config, TrainingCheckpoint checkpoint) =>
        config.Distillation is { Hints.Count: > 0 } ? HintedStudent.StudentState(checkpoint.Model) : checkpoint.Model;

    /// <summary><paramref name="config"/> reading Fashion-MNIST from <paramref name="dataDir"/> (unchanged when null).</summary>
    public static ExperimentConfig WithDataDir(ExperimentConfig config, string? dataDir)
    {
        ArgumentNullException.ThrowIfNull(config);
        if (dataDir is null) return config;
        if (config.Data.Dataset != "fashion-mnist")
            throw new ArgumentException($"--data-dir applies to Fashion-MNIST experiments; this one uses {config.Data.Dataset} data.");
        return config with { Data = config.Data with { Dir = System.IO.Path.GetFullPath(dataDir), Source = config.Data.Source == "embedded" ? "auto" : config.Data.Source } };
    }

    /// <summary>
    /// Predicts every row of <paramref name="inputPath"/>: a CSV file (the training columns for CSV experiments, else
    /// one column per input value, e.g. 784 pixel values 0–255 for Fashion-MNIST) or an IDX image file (raw or .gz).
    /// </summary>
    public Predictions Predict(string inputPath)
    {
        var features = PredictionInput.Read(inputPath, Info);
        int n = features.Shape[0], batch = 512;
        var rows = new double[(long)n * Info.Outputs];
        using (GradMode.Disable())
        {
            // Batches keep memory flat for large inputs; each batch's outputs are copied out of its step scope.
            for (int start = 0; start < n; start += batch)
            {
                using var scope = StepScope.Begin();
                int size = Math.Min(batch, n - start);
                Model.Call(features.Narrow(0, start, size)).ToDoubleArray().CopyTo(rows, (long)start * Info.Outputs);
            }
        }
        return new Predictions(rows, n, Info.Outputs, Info.Classes, Info.ClassNames, Info.Config.Loss.Name);
    }
}
