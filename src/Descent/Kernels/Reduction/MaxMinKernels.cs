using System.Numerics;
using System.Numerics.Tensors;

namespace Descent.Kernels;

/// <summary>
/// Max/min reductions over the middle axis of a [outer, reduce, inner] block, with the index of the chosen
/// element. PyTorch semantics: NaN beats every number (the first NaN is returned with its index), and among
/// equal values the first index wins.
/// </summary>
public static class MaxMinKernels
{
    /// <summary>
    /// values[o, i] = max (or min) over r of src[o, r, i]; indices[o, i] = its r. <paramref name="indices"/> may
    /// be empty when only values are wanted. <paramref name="reduce"/> must be positive.
    /// </summary>
    public static void ReduceMiddle<T>(ReadOnlySpan<T> src, Span<T> values, Span<long> indices,
        int outer, int reduce, int inner, bool isMax)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        if (reduce <= 0)
            throw new DescentInternalException($"{(isMax ? "max" : "min")}: cannot reduce over a dimension of size {reduce}.");
        bool wantIndex = !indices.IsEmpty;
        for (int o = 0; o < outer; o++)
        {
            var block = src.Slice(o * reduce * inner, reduce * inner);
            var best = values.Slice(o * inner, inner);
            var bestIdx = wantIndex ? indices.Slice(o * inner, inner) : default;
            if (inner == 1 && !wantIndex)
            {
                best[0] = Reduce(block, isMax);
                continue;
            }
            block[..inner].CopyTo(best);
            if (wantIndex) bestIdx.Clear();
            for (int r = 1; r < reduce; r++)
            {
                var row = block.Slice(r * inner, inner);
                for (int i = 0; i < inner; i++)
                {
                    T v = row[i], b = best[i];
                    if (T.IsNaN(b)) continue;
                    if (T.IsNaN(v) || (isMax ? v > b : v < b))
                    {
                        best[i] = v;
                        if (wantIndex) bestIdx[i] = r;
                    }
                }
            }
        }
    }

    /// <summary>Max (or min) of a non-empty contiguous run; NaN if any element is NaN.</summary>
    public static T Reduce<T>(ReadOnlySpan<T> x, bool isMax) where T : unmanaged, IFloatingPointIeee754<T>
    {
        if (x.IsEmpty)
            throw new DescentInternalException($"{(isMax ? "max" : "min")}: cannot reduce an empty tensor.");
        if (!KernelConfig.ForceScalar)
            return isMax ? TensorPrimitives.Max(x) : TensorPrimitives.Min(x);
        T best = x[0];
        foreach (var v in x)
        {
            if (T.IsNaN(v)) return v;
            if (isMax ? v > best : v < best) best = v;
        }
        return best;
    }

    /// <summary>Flat index of the first max (or min) of a non-empty run; the first NaN wins (PyTorch's argmax/argmin).</summary>
    public static int IndexOf<T>(ReadOnlySpan<T> x, bool isMax) where T : unmanaged, IFloatingPointIeee754<T>
    {
        if (x.IsEmpty)
            throw new DescentInternalException($"{(isMax ? "argmax" : "argmin")}: cannot reduce an empty tensor.");
        int best = 0;
        for (int i = 1; i < x.Length; i++)
        {
            T v = x[i], b = x[best];
            if (T.IsNaN(b)) break;
            if (T.IsNaN(v) || (isMax ? v > b : v < b)) best = i;
        }
        return best;
    }
}
