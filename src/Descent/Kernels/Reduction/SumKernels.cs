using System.Numerics;
using System.Numerics.Tensors;

namespace Descent.Kernels;

/// <summary>Sum reductions over the middle axis of a [outer, reduce, inner] block.</summary>
public static class SumKernels
{
    /// <summary>
    /// dst[o, i] = Σ_r src[o, r, i] for a contiguous [outer, reduce, inner] source and [outer, inner] destination.
    /// With inner = 1 each output is a contiguous SIMD sum; otherwise whole rows are added (SIMD across i).
    /// </summary>
    public static void SumMiddle<T>(ReadOnlySpan<T> src, Span<T> dst, int outer, int reduce, int inner)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        if (reduce == 0) { dst[..(outer * inner)].Clear(); return; }
        for (int o = 0; o < outer; o++)
        {
            var block = src.Slice(o * reduce * inner, reduce * inner);
            if (inner == 1)
            {
                dst[o] = Sum(block);
                continue;
            }
            var row = dst.Slice(o * inner, inner);
            block[..inner].CopyTo(row);
            for (int r = 1; r < reduce; r++)
            {
                var next = block.Slice(r * inner, inner);
                if (KernelConfig.ForceScalar) { for (int i = 0; i < inner; i++) row[i] += next[i]; }
                else TensorPrimitives.Add(row, next, row);
            }
        }
    }

    /// <summary>Sum of a contiguous run (SIMD, or a plain loop when the scalar path is forced).</summary>
    public static T Sum<T>(ReadOnlySpan<T> x) where T : unmanaged, IFloatingPointIeee754<T>
    {
        if (!KernelConfig.ForceScalar)
            return TensorPrimitives.Sum(x);
        T s = T.Zero;
        foreach (var v in x) s += v;
        return s;
    }
}
