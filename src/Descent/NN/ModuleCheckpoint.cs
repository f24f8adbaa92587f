using Descent.Serialization;

namespace Descent.NN;

/// <summary>Saving and loading a module's state dict as a safetensors checkpoint.</summary>
public static class ModuleCheckpoint
{
    /// <summary>Metadata key holding the model's PyTorch-style repr (<see cref="Module.ToString"/>), from which
    /// bench/compare/load_checkpoint.py rebuilds the same torch model.</summary>
    public const string ModelKey = "descent.model";

    /// <summary>
    /// Writes <paramref name="module"/>'s state dict (parameters and persistent buffers) to <paramref name="path"/>
    /// atomically, with its repr under <see cref="ModelKey"/> plus any extra <paramref name="metadata"/>.
    /// </summary>
    public static void SaveCheckpoint(this Module module, string path, IReadOnlyDictionary<string, string>? metadata = null)
    {
        ArgumentNullException.ThrowIfNull(module);
        var meta = new Dictionary<string, string>(StringComparer.Ordinal) { [ModelKey] = module.ToString() };
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
}
