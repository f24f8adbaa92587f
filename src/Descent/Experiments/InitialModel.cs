using Descent.Experiments.Runs;
using Descent.NN;
using Descent.NN.Architecture;
using Descent.Serialization;
using Descent.Training.Checkpointing;

namespace Descent.Experiments;

/// <summary>
/// The model a run starts from instead of a fresh initialization (<c>descent train --init</c>, fine-tuning after
/// pruning): a run directory (its best.ckpt, else last.ckpt), a training checkpoint, or a weights file
/// (best.safetensors, <see cref="ModuleCheckpoint.SaveCheckpoint"/>). When the file carries an architecture, that is the
/// model (a pruned model keeps its smaller layers); otherwise the experiment's own model takes the weights, and a
/// mismatch names both models' shapes.
/// </summary>
public sealed class InitialModel
{
    private InitialModel(string path, ModelArchitecture? architecture, StateDict weights, ExperimentConfig? config)
    {
        Path = path;
        Architecture = architecture;
        Weights = weights;
        Config = config;
    }

    /// <summary>The file read.</summary>
    public string Path { get; }

    /// <summary>The stored architecture, or null (the experiment's config then builds the model).</summary>
    public ModelArchitecture? Architecture { get; }

    /// <summary>The model's weights (and masks), named as in the model's own state dict.</summary>
    public StateDict Weights { get; }

    /// <summary>The experiment the file came from, when it is a run's checkpoint (null for a plain weights file).</summary>
    public ExperimentConfig? Config { get; }

    /// <summary>Reads <paramref name="path"/>: a run directory, a training checkpoint or a weights file.</summary>
    /// <exception cref="FileNotFoundException">Nothing is there.</exception>
    /// <exception cref="InvalidDataException">The file is damaged (including its architecture).</exception>
    public static InitialModel Read(string path)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        if (Directory.Exists(path))
        {
            var run = RunDirectory.Open(path);
            path = File.Exists(run.BestCheckpointPath) ? run.BestCheckpointPath : run.LastCheckpointPath;
            if (!File.Exists(path)) throw new FileNotFoundException($"{run.Path}: no checkpoints (checkpoints/best.ckpt or last.ckpt).", path);
        }
        else if (!File.Exists(path)) throw new FileNotFoundException($"{path}: no such checkpoint file or run directory.", path);
        var file = Checkpoint.Load(path);
        if (file.Metadata.ContainsKey(TrainingCheckpoint.StateKey))
        {
            var checkpoint = TrainingCheckpoint.Load(path);
            var info = Experiment.ReadModelInfo(checkpoint, path);
            var weights = CheckpointModel.ModelState(info.Config, checkpoint);
            var architecture = checkpoint.Architecture?.WithWeightsPrefix("");
            return new InitialModel(path, architecture, weights, info.Config);
        }
        ModelArchitecture? stored = file.Metadata.TryGetValue(ModelArchitecture.MetadataKey, out var json) ? ModelArchitecture.Parse(json, path) : null;
        var state = new StateDict();
        string prefix = stored?.WeightsPrefix ?? "";
        foreach (var (name, tensor) in file)
            if (name.StartsWith(prefix, StringComparison.Ordinal)) state.Add(name[prefix.Length..], tensor);
        return new InitialModel(path, stored?.WithWeightsPrefix(""), state, null);
    }

    /// <summary>Loads the weights (and masks) into <paramref name="experiment"/>'s model, which was built from <see cref="Architecture"/> or its config.</summary>
    /// <exception cref="InvalidDataException">They do not fit; the message names both models.</exception>
    public void LoadInto(Experiment experiment)
    {
        ArgumentNullException.ThrowIfNull(experiment);
        if (Architecture is null) Descent.Compression.Pruning.Unstructured.UnstructuredPruning.AddMasksFor(experiment.Model, Weights);
        CheckpointWeights.Load(experiment.Model, Weights, Path, Config, experiment.Config,
            Architecture is null ? "this run's model" : $"the model of its architecture ({Architecture})");
        // The optimizer was built over the model's parameters before the masks were added: masks are buffers, so it
        // still holds the right tensors.
    }
}
