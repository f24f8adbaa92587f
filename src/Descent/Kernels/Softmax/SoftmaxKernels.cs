using System.Numerics;
using System.Numerics.Tensors;

namespace Descent.Kernels;

/// <summary>
/// softmax and log_softmax along the middle axis of a contiguous [outer, size, inner] block, numerically
/// stable (the maximum is subtracted before exponentiating, as PyTorch does). With inner = 1 every row is
/// contiguous: one max pass, one fused pass that exponentiates (and stores, for softmax) while summing, and
/// one scale/shift pass, SIMD along the row. With inner &gt; 1 the same passes run across a tile of columns
/// (<see cref="SoftmaxColumnKernels"/>). A row of −∞ gives NaN (−∞ − (−∞)), as in PyTorch; NaN anywhere in a
/// row makes the whole row NaN.
/// Backward: softmax dx = y·(g − Σ g·y); log_softmax dx = g − exp(y)·Σ g.
/// </summary>
public static class SoftmaxKernels
{
    /// <summary>y = softmax(x) (or log_softmax when <paramref name="log"/>) along the middle axis.</summary>
    public static void Forward<T>(ReadOnlyMemory<T> x, Memory<T> y, int outer, int size, int inner, bool log)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        if (outer == 0 || size == 0 || inner == 0) return;
        Dispatch(new Body<T>(x, default, y, outer, size, inner, log, backward: false), outer, size, inner);
    }

    /// <summary>
    /// dx from the forward output <paramref name="y"/> and the upstream gradient <paramref name="dy"/>.
    /// <paramref name="dx"/> is overwritten.
    /// </summary>
    public static void Backward<T>(ReadOnlyMemory<T> y, ReadOnlyMemory<T> dy, Memory<T> dx, int outer, int size, int inner, bool log)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        if (outer == 0 || size == 0 || inner == 0) return;
        Dispatch(new Body<T>(y, dy, dx, outer, size, inner, log, backward: true), outer, size, inner);
    }

    /// <summary>softmax of one contiguous row.</summary>
    public static void SoftmaxRow<T>(ReadOnlySpan<T> x, Span<T> y) where T : unmanaged, IFloatingPointIeee754<T>
    {
        if (x.Length == 0) return;
        T max = Max(x);
        T sum = SoftmaxVectorOps.ExpShift(x, max, y, store: true);
        SoftmaxVectorOps.Scale(y, T.One / sum);
    }

    /// <summary>log_softmax of one contiguous row: x − (max + log Σ exp(x − max)).</summary>
    public static void LogSoftmaxRow<T>(ReadOnlySpan<T> x, Span<T> y) where T : unmanaged, IFloatingPointIeee754<T>
    {
        if (x.Length == 0) return;
        T max = Max(x);
        T sum = SoftmaxVectorOps.ExpShift(x, max, default, store: false);
        SoftmaxVectorOps.Shift(x, max + T.Log(sum), y);
    }

    /// <summary>softmax backward of one row: dx = y·(g − Σ g·y).</summary>
    public static void SoftmaxRowBackward<T>(ReadOnlySpan<T> y, ReadOnlySpan<T> g, Span<T> dx)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        T dot;
        if (KernelConfig.ForceScalar)
        {
            dot = T.Zero;
            for (int i = 0; i < y.Length; i++) dot += g[i] * y[i];
        }
        else
        {
            dot = TensorPrimitives.Dot(g, y);
        }
        SoftmaxVectorOps.SoftmaxGrad(y, g, dot, dx);
    }

    /// <summary>log_softmax backward of one row: dx = g − exp(y)·Σ g.</summary>
    public static void LogSoftmaxRowBackward<T>(ReadOnlySpan<T> y, ReadOnlySpan<T> g, Span<T> dx)
        where T : unmanaged, IFloatingPointIeee754<T> =>
        SoftmaxVectorOps.LogSoftmaxGrad(y, g, SumKernels.Sum(g), dx);

    private static T Max<T>(ReadOnlySpan<T> x) where T : unmanaged, IFloatingPointIeee754<T>
    {
        if (!KernelConfig.ForceScalar) return TensorPrimitives.Max(x);
        T max = x[0];
        for (int i = 1; i < x.Length; i++) max = T.Max(max, x[i]);
        return max;
    }

    private static void Dispatch<T>(Body<T> body, int outer, int size, int inner) where T : unmanaged, IFloatingPointIeee754<T>
    {
        long work = (long)outer * size * inner * 4;
        if (inner == 1)
            NNParallel.Run(Math.Min(outer, 64), work, body);
        else
            NNParallel.Run(outer * SoftmaxColumnKernels.Tiles(inner), work, body);
    }

    private readonly struct Body<T>(ReadOnlyMemory<T> a, ReadOnlyMemory<T> b, Memory<T> dst, int outer, int size, int inner,
        bool log, bool backward) : IParallelBody where T : unmanaged, IFloatingPointIeee754<T>
    {
        public void Invoke(int item)
        {
            var src = a.Span;
            var grad = b.Span;
            var output = dst.Span;
            if (inner == 1)
            {
                var (start, end) = NNParallel.Range(outer, Math.Min(outer, 64), item);
                for (int r = start; r < end; r++)
                {
                    var row = src.Slice(r * size, size);
                    var o = output.Slice(r * size, size);
                    if (!backward)
                    {
                        if (log) LogSoftmaxRow(row, o);
                        else SoftmaxRow(row, o);
                    }
                    else
                    {
                        var g = grad.Slice(r * size, size);
                        if (log) LogSoftmaxRowBackward(row, g, o);
                        else SoftmaxRowBackward(row, g, o);
                    }
                }
                return;
            }
            int tiles = SoftmaxColumnKernels.Tiles(inner);
            int block = item / tiles, tile = item % tiles;
            int col0 = tile * SoftmaxColumnKernels.TileWidth;
            int width = Math.Min(SoftmaxColumnKernels.TileWidth, inner - col0);
            int offset = block * size * inner + col0;
            int length = (size - 1) * inner + width;
            if (!backward)
                SoftmaxColumnKernels.Forward(src.Slice(offset, length), output.Slice(offset, length), size, inner, width, log);
            else
                SoftmaxColumnKernels.Backward(src.Slice(offset, length), grad.Slice(offset, length), output.Slice(offset, length),
                    size, inner, width, log);
        }
    }
}
