using System.Globalization;
using Descent.NN.Architecture;
using Descent.Serialization;
using Descent.Tensors;

namespace Descent.NN;

/// <summary>Saving and loading a module's state dict as a safetensors checkpoint, with its architecture when it has one.</summary>
public static class ModuleCheckpoint
{
    /// <summary>Metadata key holding the model's PyTorch-style repr (<see cref="Module.ToString"/>), from which
    /// bench/compare/load_checkpoint.py rebuilds the same torch model.</summary>
    public const string ModelKey = "descent.model";

    /// <summary>
    /// Writes <paramref name="module"/>'s state dict (parameters and persistent buffers) to <paramref name="path"/>
    /// atomically, with its repr under <see cref="ModelKey"/>, its architecture under
    /// <see cref="ModelArchitecture.MetadataKey"/> when every module in it is registered in <see cref="ModuleKinds"/>
    /// (then <see cref="LoadModel"/> rebuilds it without code), plus any extra <paramref name="metadata"/>.
    /// </summary>
    public static void SaveCheckpoint(this Module module, string path, IReadOnlyDictionary<string, string>? metadata = null)
    {
        ArgumentNullException.ThrowIfNull(module);
        var meta = new Dictionary<string, string>(StringComparer.Ordinal) { [ModelKey] = module.ToString() };
        if (ModelArchitecture.TryDescribe(module, out var architecture, out _)) meta[ModelArchitecture.MetadataKey] = architecture!.ToJson();
        if (metadata is not null)
            foreach (var (k, v) in metadata) meta[k] = v;
        Checkpoint.Save(path, module.StateDict(), meta);
    }

    /// <summary>
    /// Loads a checkpoint into <paramref name="module"/> in place. The file is fully validated and every name and
    /// shape checked before any tensor is written, so a bad file leaves the module untouched.
    /// </summary>
    public static LoadStateResult LoadCheckpoint(this Module module, string path, bool strict = true)
    {
        ArgumentNullException.ThrowIfNull(module);
        return module.LoadStateDict(Checkpoint.Load(path), strict);
    }

    /// <summary>
    /// Rebuilds the model stored in <paramref name="path"/> — a weights file of <see cref="SaveCheckpoint"/> or a
    /// training checkpoint (run directories' best.ckpt/last.ckpt) — from the architecture written with it, and loads its
    /// weights (and pruning masks). No experiment file or code is needed; a pruned model comes back with its smaller
    /// shapes. The model is returned in training mode.
    /// </summary>
    /// <param name="path">The checkpoint file.</param>
    /// <param name="generator">Generator of the model's dropout layers that had the model's own (default seed 0).</param>
    /// <exception cref="InvalidDataException">The file holds no architecture, a damaged one, or weights that do not fit it
    /// (the message names the tensor and both shapes).</exception>
    public static Module LoadModel(string path, Generator? generator = null)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        var file = Checkpoint.Load(path);
        if (!file.Metadata.TryGetValue(ModelArchitecture.MetadataKey, out var json))
            throw new InvalidDataException($"{path}: the checkpoint holds no architecture ('{ModelArchitecture.MetadataKey}'), so its model cannot be rebuilt " +
                "without the code or experiment that made it (it was written before checkpoints carried architectures, or holds a module with no registered kind).");
        var architecture = ModelArchitecture.Parse(json, path);
        var model = architecture.Build(generator, path);
        LoadWeights(model, architecture, file, path);
        return model;
    }

    /// <summary>
    /// Copies the tensors named <paramref name="architecture"/>'s prefix + key from <paramref name="file"/> into
    /// <paramref name="model"/> (built from it), after checking every name and shape.
    /// </summary>
    /// <exception cref="InvalidDataException">A tensor is missing, extra, or of another shape; nothing is loaded.</exception>
    public static void LoadWeights(Module model, ModelArchitecture architecture, IEnumerable<KeyValuePair<string, Tensor>> file, string path)
    {
        ArgumentNullException.ThrowIfNull(model);
        ArgumentNullException.ThrowIfNull(architecture);
        ArgumentNullException.ThrowIfNull(file);
        string prefix = architecture.WeightsPrefix;
        var state = new StateDict();
        foreach (var (name, tensor) in file)
            if (name.StartsWith(prefix, StringComparison.Ordinal)) state.Add(name[prefix.Length..], tensor);
        var own = model.StateDict();
        foreach (var (key, tensor) in own)
        {
            if (!state.TryGetValue(key, out var stored))
                throw new InvalidDataException($"{path}: tensor '{prefix}{key}' is missing; the architecture ({architecture}) needs it with shape {tensor.Shape}.");
            if (stored.Shape != tensor.Shape)
                throw new InvalidDataException($"{path}: tensor '{prefix}{key}' has shape {stored.Shape}, but the architecture's layer needs {tensor.Shape}.");
            if (stored.DType != tensor.DType)
                throw new InvalidDataException($"{path}: tensor '{prefix}{key}' is {stored.DType}, but the architecture's layer is {tensor.DType}.");
        }
        var extra = state.Keys.Where(k => !own.ContainsKey(k)).ToList();
        if (extra.Count > 0)
            throw new InvalidDataException(string.Create(CultureInfo.InvariantCulture,
                $"{path}: {extra.Count} tensor(s) are not in the architecture ({architecture}): {string.Join(", ", extra.Take(3).Select(k => prefix + k))}{(extra.Count > 3 ? ", …" : "")}."));
        model.LoadStateDict(state);
    }
}
