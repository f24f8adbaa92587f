using Descent.Compression.Distillation;
using Descent.Data;
using Descent.Experiments.Runs;
using Descent.NN;
using Descent.Tensors;
using Descent.Tensors.Autograd;
using Descent.Training;
using Descent.Training.Checkpointing;
using Descent.Training.Metrics;

namespace Descent.Experiments;

/// <summary>
/// A model rebuilt from an experiment checkpoint (the checkpoint stores its resolved config and input/output sizes):
/// evaluate it on its experiment's test set, or predict new inputs (CSV, or IDX images as for Fashion-MNIST).
/// </summary>
public sealed class CheckpointModel
{
    private CheckpointModel(string path, CheckpointModelInfo info, Sequential model, TrainingCheckpoint checkpoint)
    {
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
        CheckpointWeights.Load(model, ModelState(info.Config, checkpoint), path, null, info.Config,
            checkpoint.Architecture is null ? "the model its stored config describes" : $"the model its stored architecture describes ({checkpoint.Architecture})");
        model.Eval();
        return new CheckpointModel(path, info, model, checkpoint);
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
        experiment.Model.LoadStateDict(ModelState(Info.Config, Checkpoint));
        var trainer = experiment.CreateTrainer();
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
