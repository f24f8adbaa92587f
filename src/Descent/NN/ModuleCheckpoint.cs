using Descent.Serialization;

namespace Descent.NN;

/// <summary>Saving and loading a module's state dict as a safetensors checkpoint.</summary>
public static class ModuleCheckpoint
{
    /// <summary>Writes <paramref name="module"/>'s state dict (parameters and persistent buffers) to <paramref name="path"/> atomically.</summary>
    public static void SaveCheckpoint(this Module module, string path, IReadOnlyDictionary<string, string>? metadata = null)
    {
        ArgumentNullException.ThrowIfNull(module);
        Checkpoint.Save(path, module.StateDict(), metadata);
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
