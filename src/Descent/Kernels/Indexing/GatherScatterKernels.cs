using System.Numerics;

namespace Descent.Kernels;

/// <summary>
/// gather and scatter_add along one dim (PyTorch semantics): for every position p of the index array,
/// the "indexed" array is addressed at p with coordinate <c>dim</c> replaced by index[p], the "plain" array at p
/// itself. Both arrays are row-major with their own shapes, which may be larger than the index shape.
/// Indices must already be validated against the indexed dim.
/// </summary>
public static class GatherScatterKernels
{
    /// <summary>dst[p] = src[p with p[dim] = index[p]] (gather). dst's shape bounds the index shape.</summary>
    public static void Gather<T>(ReadOnlySpan<T> src, ReadOnlySpan<int> srcShape, int dim,
        ReadOnlySpan<long> index, ReadOnlySpan<int> indexShape, Span<T> dst, ReadOnlySpan<int> dstShape)
        where T : unmanaged
    {
        var op = new GatherOp<T>();
        Walk(srcShape, dim, index, indexShape, dstShape, ref op, src, dst);
    }

    /// <summary>dst[p with p[dim] = index[p]] += src[p] (scatter_add; repeated targets accumulate).</summary>
    public static void ScatterAdd<T>(Span<T> dst, ReadOnlySpan<int> dstShape, int dim,
        ReadOnlySpan<long> index, ReadOnlySpan<int> indexShape, ReadOnlySpan<T> src, ReadOnlySpan<int> srcShape)
        where T : unmanaged, INumberBase<T>
    {
        var op = new ScatterAddOp<T>();
        Walk(dstShape, dim, index, indexShape, srcShape, ref op, src, dst);
    }

    /// <summary>
    /// Visits every index position in row-major order with the offset into the indexed array (coordinate
    /// <paramref name="dim"/> taken from the index) and the offset into the plain array.
    /// </summary>
    private static void Walk<T, TOp>(ReadOnlySpan<int> indexedShape, int dim, ReadOnlySpan<long> index,
        ReadOnlySpan<int> indexShape, ReadOnlySpan<int> plainShape, ref TOp op, ReadOnlySpan<T> readFrom, Span<T> writeTo)
        where T : unmanaged
        where TOp : struct, IIndexedOp<T>
    {
        int rank = indexShape.Length;
        if (index.Length == 0) return;
        if (rank == 0)
        {
            op.Apply(readFrom, writeTo, index[0], 0);
            return;
        }
        Span<int> xStride = stackalloc int[rank];
        Span<int> yStride = stackalloc int[rank];
        for (int d = rank - 1, ax = 1, ay = 1; d >= 0; d--)
        {
            xStride[d] = ax; ax *= indexedShape[d];
            yStride[d] = ay; ay *= plainShape[d];
        }
        int last = rank - 1;
        int len = indexShape[last];
        long xsLast = dim == last ? 0 : xStride[last];
        long ysLast = yStride[last];
        long xsDim = xStride[dim];
        Span<int> counter = stackalloc int[rank];
        counter.Clear();
        long xBase = 0, yBase = 0;
        int rows = index.Length / len;
        int p = 0;
        for (int r = 0; r < rows; r++)
        {
            for (int c = 0; c < len; c++, p++)
                op.Apply(readFrom, writeTo, xBase + c * xsLast + index[p] * xsDim, yBase + c * ysLast);
            for (int d = last - 1; d >= 0; d--)
            {
                long xs = d == dim ? 0 : xStride[d];
                xBase += xs;
                yBase += yStride[d];
                if (++counter[d] < indexShape[d]) break;
                xBase -= xs * indexShape[d];
                yBase -= (long)yStride[d] * indexShape[d];
                counter[d] = 0;
            }
        }
    }

    private interface IIndexedOp<T> where T : unmanaged
    {
        /// <summary>Handles one index position: x is the indexed offset, y the plain offset.</summary>
        void Apply(ReadOnlySpan<T> readFrom, Span<T> writeTo, long x, long y);
    }

    private struct GatherOp<T> : IIndexedOp<T> where T : unmanaged
    {
        public readonly void Apply(ReadOnlySpan<T> readFrom, Span<T> writeTo, long x, long y) =>
            writeTo[(int)y] = readFrom[(int)x];
    }

    private struct ScatterAddOp<T> : IIndexedOp<T> where T : unmanaged, INumberBase<T>
    {
        public readonly void Apply(ReadOnlySpan<T> readFrom, Span<T> writeTo, long x, long y) =>
            writeTo[(int)x] += readFrom[(int)y];
    }
}
