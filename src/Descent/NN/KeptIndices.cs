using Descent.Tensors;
using Descent.Tensors.Autograd;

namespace Descent.NN;

/// <summary>
/// Validation and slicing shared by the layers' <c>Keep</c> methods, which return a smaller copy of a layer holding
/// only selected rows, channels or features (structured pruning's physical removal).
/// </summary>
internal static class KeptIndices
{
    /// <summary>
    /// Checks that <paramref name="indices"/> select a non-empty, strictly increasing (sorted, no duplicates) subset
    /// of [0, <paramref name="size"/>); null keeps all. Kept elements therefore stay in their original order.
    /// </summary>
    public static int[] Check(string layer, string what, int size, IReadOnlyList<int>? indices)
    {
        if (indices is null) return Enumerable.Range(0, size).ToArray();
        if (indices.Count == 0)
            throw new ArgumentException($"{layer}.Keep: {what} is empty; keep at least one of the {size}.", what);
        var kept = new int[indices.Count];
        for (int i = 0; i < kept.Length; i++)
        {
            int v = indices[i];
            if (v < 0 || v >= size)
                throw new ArgumentOutOfRangeException(what, $"{layer}.Keep: {what}[{i}] = {v} is outside [0, {size}).");
            if (i > 0 && v <= kept[i - 1])
                throw new ArgumentException(
                    $"{layer}.Keep: {what} must be strictly increasing (sorted, no duplicates); {what}[{i}] = {v} follows {kept[i - 1]}.", what);
            kept[i] = v;
        }
        return kept;
    }

    /// <summary>The slices of <paramref name="source"/> along <paramref name="dim"/> at <paramref name="indices"/>, as a new tensor outside autograd.</summary>
    public static Tensor Take(Tensor source, int dim, int[] indices)
    {
        using var noGrad = GradMode.Disable();
        using var persistent = StepScope.Suspend();
        var index = Tensor.FromArray(Array.ConvertAll(indices, i => (long)i), indices.Length);
        return source.IndexSelect(dim, index);
    }

    /// <summary>Copies <paramref name="values"/> into a new layer's parameter or buffer.</summary>
    public static void CopyInto(Tensor? target, Tensor? values)
    {
        if (target is null || values is null) return;
        using var noGrad = GradMode.Disable();
        target.CopyFrom(values);
    }
}
