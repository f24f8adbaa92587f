using System.Numerics;
using System.Numerics.Tensors;

namespace Descent.Kernels;

/// <summary>
/// softmax / log_softmax over a strided axis (dim not last): element (r, i) of a tile sits at r·stride + i,
/// with r &lt; size along the softmax axis and i &lt; width contiguous columns. The per-column max and sum live
/// in stack buffers of one tile, so every pass runs SIMD across contiguous columns.
/// </summary>
public static class SoftmaxColumnKernels
{
    /// <summary>Columns processed together (the stack buffers hold one tile).</summary>
    public const int TileWidth = 256;

    /// <summary>Number of column tiles for an inner size.</summary>
    public static int Tiles(int inner) => (inner + TileWidth - 1) / TileWidth;

    /// <summary>Forward over one tile (see the class summary for the layout).</summary>
    public static void Forward<T>(ReadOnlySpan<T> x, Span<T> y, int size, int stride, int width, bool log)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        Span<T> max = stackalloc T[width];
        Span<T> sum = stackalloc T[width];
        x[..width].CopyTo(max);
        for (int r = 1; r < size; r++)
            MaxInto(max, x.Slice(r * stride, width));
        sum.Clear();
        for (int r = 0; r < size; r++)
            SoftmaxVectorOps.ExpShiftAccumulate(x.Slice(r * stride, width), max, y.Slice(r * stride, width), sum, store: !log);
        if (log)
        {
            // y = x − (max + log Σ), as the contiguous kernel.
            for (int i = 0; i < width; i++) sum[i] = max[i] + T.Log(sum[i]);
            for (int r = 0; r < size; r++)
                Elementwise(x.Slice(r * stride, width), sum, y.Slice(r * stride, width), subtract: true);
        }
        else
        {
            for (int i = 0; i < width; i++) sum[i] = T.One / sum[i];
            for (int r = 0; r < size; r++)
            {
                var row = y.Slice(r * stride, width);
                Elementwise(row, sum, row, subtract: false);
            }
        }
    }

    /// <summary>Backward over one tile: softmax dx = y·(g − Σ g·y); log_softmax dx = g − exp(y)·Σ g.</summary>
    public static void Backward<T>(ReadOnlySpan<T> y, ReadOnlySpan<T> g, Span<T> dx, int size, int stride, int width, bool log)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        Span<T> acc = stackalloc T[width];
        acc.Clear();
        bool scalar = KernelConfig.ForceScalar;
        for (int r = 0; r < size; r++)
        {
            var gr = g.Slice(r * stride, width);
            var yr = y.Slice(r * stride, width);
            if (log)
            {
                if (scalar) { for (int i = 0; i < width; i++) acc[i] += gr[i]; }
                else TensorPrimitives.Add(acc, gr, acc);
            }
            else
            {
                if (scalar) { for (int i = 0; i < width; i++) acc[i] += gr[i] * yr[i]; }
                else TensorPrimitives.FusedMultiplyAdd(gr, yr, acc, acc);
            }
        }
        for (int r = 0; r < size; r++)
        {
            var gr = g.Slice(r * stride, width);
            var yr = y.Slice(r * stride, width);
            var dr = dx.Slice(r * stride, width);
            if (log) SoftmaxVectorOps.LogSoftmaxGrad(yr, gr, acc, dr);
            else SoftmaxVectorOps.SoftmaxGrad(yr, gr, acc, dr);
        }
    }

    private static void MaxInto<T>(Span<T> max, ReadOnlySpan<T> row) where T : unmanaged, IFloatingPointIeee754<T>
    {
        if (KernelConfig.ForceScalar) { for (int i = 0; i < max.Length; i++) max[i] = T.Max(max[i], row[i]); }
        else TensorPrimitives.Max(max, row, max);
    }

    private static void Elementwise<T>(ReadOnlySpan<T> a, ReadOnlySpan<T> b, Span<T> o, bool subtract)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        if (KernelConfig.ForceScalar)
        {
            if (subtract) { for (int i = 0; i < o.Length; i++) o[i] = a[i] - b[i]; }
            else { for (int i = 0; i < o.Length; i++) o[i] = a[i] * b[i]; }
        }
        else if (subtract) TensorPrimitives.Subtract(a, b, o);
        else TensorPrimitives.Multiply(a, b, o);
    }
}
