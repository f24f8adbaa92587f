using Descent.Tensors;

namespace Descent.Compression.Pruning;

/// <summary>
/// Magnitude pruning masks with PyTorch's semantics (<c>torch.nn.utils.prune</c>): 0/1 masks of the weight's shape and
/// dtype that zero the entries (or whole slices) of smallest magnitude. Ties are broken towards the lower flat index
/// (PyTorch leaves the order of <c>topk</c> ties unspecified). The masks are computed without gradients.
/// </summary>
public static class MagnitudePruning
{
    /// <summary>Zeroes the <paramref name="amount"/> entries of smallest |w| (<c>prune.l1_unstructured</c>).</summary>
    public static Tensor L1UnstructuredMask(Tensor weight, PruneAmount amount)
    {
        ArgumentNullException.ThrowIfNull(weight);
        var w = weight.ToDoubleArray();
        var keep = new bool[w.Length];
        Array.Fill(keep, true);
        foreach (var i in Smallest(w, amount.UnitsOf(w.Length), Math.Abs)) keep[i] = false;
        return Mask(keep, weight);
    }

    /// <summary>
    /// Zeroes the <paramref name="amount"/> slices along <paramref name="dim"/> of smallest L<paramref name="n"/> norm
    /// over all other dims (<c>prune.ln_structured</c>; for a Linear or Conv2d weight, dim 0 prunes output units or channels).
    /// <paramref name="n"/> is p ≥ 1 or <see cref="double.PositiveInfinity"/>.
    /// </summary>
    public static Tensor LnStructuredMask(Tensor weight, PruneAmount amount, double n, int dim)
    {
        ArgumentNullException.ThrowIfNull(weight);
        if (!(n >= 1)) throw new ArgumentOutOfRangeException(nameof(n), n, "ln_structured: the norm order n must be at least 1 (or +inf).");
        if (weight.Rank == 0) throw new ArgumentException("ln_structured: a 0-d tensor has no slices to prune.", nameof(weight));
        int d = dim < 0 ? dim + weight.Rank : dim;
        if (d < 0 || d >= weight.Rank)
            throw new ArgumentOutOfRangeException(nameof(dim), dim, $"ln_structured: dim {dim} is out of range for shape {weight.Shape}.");
        var w = weight.ToDoubleArray();
        int size = weight.Shape[d];
        long inner = 1, outer = 1;
        for (int i = d + 1; i < weight.Rank; i++) inner *= weight.Shape[i];
        for (int i = 0; i < d; i++) outer *= weight.Shape[i];

        var norms = new double[size];
        for (long o = 0; o < outer; o++)
            for (int j = 0; j < size; j++)
            {
                long start = (o * size + j) * inner;
                for (long k = 0; k < inner; k++)
                {
                    double a = Math.Abs(w[start + k]);
                    norms[j] = double.IsPositiveInfinity(n) ? Math.Max(norms[j], a) : norms[j] + Math.Pow(a, n);
                }
            }
        if (!double.IsPositiveInfinity(n))
            for (int j = 0; j < size; j++) norms[j] = Math.Pow(norms[j], 1 / n);

        var pruneSlice = new bool[size];
        foreach (var j in Smallest(norms, amount.UnitsOf(size), x => x)) pruneSlice[j] = true;
        var keep = new bool[w.Length];
        for (long o = 0; o < outer; o++)
            for (int j = 0; j < size; j++)
            {
                long start = (o * size + j) * inner;
                for (long k = 0; k < inner; k++) keep[start + k] = !pruneSlice[j];
            }
        return Mask(keep, weight);
    }

    /// <summary>
    /// Zeroes the <paramref name="amount"/> entries of smallest |w| across all <paramref name="weights"/> together,
    /// flattened and concatenated in order (<c>prune.global_unstructured</c> with L1Unstructured).
    /// </summary>
    public static IReadOnlyList<Tensor> GlobalUnstructuredMasks(IReadOnlyList<Tensor> weights, PruneAmount amount)
    {
        ArgumentNullException.ThrowIfNull(weights);
        if (weights.Count == 0) throw new ArgumentException("global_unstructured: no tensors given.", nameof(weights));
        var parts = weights.Select(t => t.ToDoubleArray()).ToList();
        var all = parts.SelectMany(p => p).ToArray();
        var keep = new bool[all.Length];
        Array.Fill(keep, true);
        foreach (var i in Smallest(all, amount.UnitsOf(all.Length), Math.Abs)) keep[i] = false;
        var masks = new Tensor[weights.Count];
        int offset = 0;
        for (int t = 0; t < weights.Count; t++)
        {
            masks[t] = Mask(keep.AsSpan(offset, parts[t].Length).ToArray(), weights[t]);
            offset += parts[t].Length;
        }
        return masks;
    }

    /// <summary>The pruned weight <c>weight · mask</c> (a new tensor; no gradient is recorded).</summary>
    public static Tensor Apply(Tensor weight, Tensor mask)
    {
        ArgumentNullException.ThrowIfNull(weight);
        ArgumentNullException.ThrowIfNull(mask);
        if (weight.Shape != mask.Shape)
            throw new ArgumentException($"prune: mask shape {mask.Shape} differs from weight shape {weight.Shape}.", nameof(mask));
        using (Descent.Tensors.Autograd.GradMode.Disable())
            return weight.Detach() * mask;
    }

    /// <summary>The number of zeros of a mask.</summary>
    public static long CountPruned(Tensor mask)
    {
        ArgumentNullException.ThrowIfNull(mask);
        long zeros = 0;
        foreach (var v in mask.ToDoubleArray()) if (v == 0) zeros++;
        return zeros;
    }

    // Indices of the k smallest keys; OrderBy is stable, so equal keys keep index order.
    internal static IEnumerable<int> Smallest(double[] values, int k, Func<double, double> key)
    {
        var keys = values.Select(key).ToArray();
        foreach (var v in keys)
            if (double.IsNaN(v)) throw new ArgumentException("prune: the tensor holds NaN, so its magnitudes cannot be ranked.");
        return Enumerable.Range(0, keys.Length).OrderBy(i => keys[i]).Take(k);
    }

    private static Tensor Mask(bool[] keep, Tensor like)
    {
        if (like.DType == DType.Float64)
            return Tensor.FromArray(keep.Select(b => b ? 1.0 : 0.0).ToArray(), [.. like.Shape.ToArray()]);
        return Tensor.FromArray(keep.Select(b => b ? 1f : 0f).ToArray(), [.. like.Shape.ToArray()]);
    }
}
