using Descent.Tensors;

namespace Descent.Serialization;

/// <summary>
/// Saves and loads state dicts (any ordered name→tensor list, e.g. <c>model.StateDict()</c>) as safetensors
/// files that PyTorch can read with <c>safetensors</c> or the standard-library reader in bench/compare.
/// Writes are atomic; loads validate the whole file first and never return partial content.
/// </summary>
public static class Checkpoint
{
    /// <summary>Metadata key recording which library wrote the file.</summary>
    public const string FormatKey = "format";

    /// <summary>Writes <paramref name="state"/> (in order) with optional string <paramref name="metadata"/> to <paramref name="path"/>.</summary>
    public static void Save(string path, IEnumerable<KeyValuePair<string, Tensor>> state,
        IReadOnlyDictionary<string, string>? metadata = null)
    {
        ArgumentNullException.ThrowIfNull(state);
        var meta = new Dictionary<string, string>(StringComparer.Ordinal) { [FormatKey] = "descent" };
        if (metadata is not null)
            foreach (var (k, v) in metadata) meta[k] = v;
        SafeTensors.Save(path, state, meta);
    }

    /// <summary>Reads the tensors (in file order) and metadata of a checkpoint written by <see cref="Save"/> or any safetensors writer.</summary>
    public static NamedTensors Load(string path) => SafeTensors.Load(path);
}
