using Descent.NN;

namespace Descent.Compression.Pruning.Sparse;

/// <summary>One Linear that <see cref="SparseConversion.ToSparse"/> looked at.</summary>
/// <param name="Path">Dotted module path.</param>
/// <param name="Sparsity">Fraction of its (effective) weights that are zero.</param>
/// <param name="Converted">True when it was replaced by a <see cref="SparseLinear"/>.</param>
public sealed record SparseConversionEntry(string Path, double Sparsity, bool Converted);

/// <summary>
/// Converts the pruned Linear layers of a model to <see cref="SparseLinear"/> for inference. A sparse layer is faster
/// than the dense one only above a crossover sparsity (docs/pruning.md measures it with <c>descent bench prune</c>),
/// so only layers at least <c>minSparsity</c> sparse are converted.
/// </summary>
public static class SparseConversion
{
    /// <summary>
    /// Replaces, in place, every Linear of <paramref name="model"/> whose effective weight (masks applied) is at least
    /// <paramref name="minSparsity"/> zeros by its <see cref="SparseLinear"/> form, and reports every Linear it saw. The
    /// converted model is for inference (no gradient flows through a sparse layer); the replaced layers stay intact.
    /// </summary>
    public static IReadOnlyList<SparseConversionEntry> ToSparse(this Module model, double minSparsity = 0.7)
    {
        ArgumentNullException.ThrowIfNull(model);
        if (!(minSparsity >= 0 && minSparsity <= 1))
            throw new ArgumentOutOfRangeException(nameof(minSparsity), minSparsity, "ToSparse: the sparsity threshold must be in [0, 1].");
        var entries = new List<SparseConversionEntry>();
        foreach (var (path, module) in model.NamedModules().ToList())
        {
            if (module is not Linear linear || path.Length == 0) continue;
            var sparse = SparseLinear.FromLinear(linear);
            bool convert = sparse.Sparsity >= minSparsity;
            if (convert) model.ReplaceSubmodule(path, sparse);
            entries.Add(new SparseConversionEntry(path, sparse.Sparsity, convert));
        }
        return entries;
    }
}
