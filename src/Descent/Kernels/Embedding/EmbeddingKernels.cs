using System.Numerics;
using System.Numerics.Tensors;

namespace Descent.Kernels;

/// <summary>Embedding lookup: row gather from a [num, dim] table and the scatter-add of its gradient.</summary>
public static class EmbeddingKernels
{
    /// <summary>output[i] = weight[indices[i]] (rows of <paramref name="dim"/> elements; indices already validated).</summary>
    public static void Gather<T>(ReadOnlySpan<T> weight, ReadOnlySpan<long> indices, Span<T> output, int dim) where T : unmanaged
    {
        for (int i = 0; i < indices.Length; i++)
            weight.Slice((int)indices[i] * dim, dim).CopyTo(output.Slice(i * dim, dim));
    }

    /// <summary>
    /// weightGrad[indices[i]] += grad[i] for every i whose index is not <paramref name="paddingIdx"/> (−1 for none),
    /// in index order (repeated indices accumulate deterministically). Accumulates into <paramref name="weightGrad"/>.
    /// </summary>
    public static void ScatterAdd<T>(ReadOnlySpan<T> grad, ReadOnlySpan<long> indices, Span<T> weightGrad, int dim, long paddingIdx)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        bool scalar = KernelConfig.ForceScalar;
        for (int i = 0; i < indices.Length; i++)
        {
            long index = indices[i];
            if (index == paddingIdx) continue;
            var row = weightGrad.Slice((int)index * dim, dim);
            var g = grad.Slice(i * dim, dim);
            if (scalar) { for (int j = 0; j < dim; j++) row[j] += g[j]; }
            else TensorPrimitives.Add(row, g, row);
        }
    }
}
