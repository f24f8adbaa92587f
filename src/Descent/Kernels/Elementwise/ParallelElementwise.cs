namespace Descent.Kernels;

/// <summary>
/// Runs an elementwise kernel over a long array in contiguous chunks on <see cref="ParallelFor"/>. Each
/// element is computed by the same code whatever the chunking, so results do not depend on the thread count.
/// Short arrays (below <see cref="Threshold"/>) run on the calling thread.
/// </summary>
public static class ParallelElementwise
{
    /// <summary>Element count from which work is split across threads.</summary>
    public const int Threshold = 1 << 18;

    /// <summary>Elements per work item (a multiple of every vector width).</summary>
    public const int ChunkSize = 1 << 14;

    /// <summary>y[yOff..yOff+n) = f(x[xOff..xOff+n)).</summary>
    public static void Unary<T, TKernel>(T[] x, int xOff, T[] y, int yOff, int n, TKernel kernel)
        where T : unmanaged
        where TKernel : struct, IUnaryKernel<T>
    {
        if (n < Threshold || ParallelFor.Threads == 1)
        {
            kernel.Apply(x.AsSpan(xOff, n), y.AsSpan(yOff, n));
            return;
        }
        ParallelFor.Run((n + ChunkSize - 1) / ChunkSize, new UnaryBody<T, TKernel>(x, xOff, y, yOff, n, kernel));
    }

    /// <summary>o = a ∘ b over equal-length runs.</summary>
    public static void Binary<T, TKernel>(T[] a, int aOff, T[] b, int bOff, T[] o, int oOff, int n, TKernel kernel)
        where T : unmanaged
        where TKernel : struct, IBinaryKernel<T>
    {
        if (n < Threshold || ParallelFor.Threads == 1)
        {
            kernel.VV(a.AsSpan(aOff, n), b.AsSpan(bOff, n), o.AsSpan(oOff, n));
            return;
        }
        ParallelFor.Run((n + ChunkSize - 1) / ChunkSize, new BinaryBody<T, TKernel>(a, aOff, b, bOff, o, oOff, n, kernel));
    }

    private readonly struct UnaryBody<T, TKernel>(T[] x, int xOff, T[] y, int yOff, int n, TKernel kernel) : IParallelBody
        where T : unmanaged
        where TKernel : struct, IUnaryKernel<T>
    {
        public void Invoke(int index)
        {
            int start = index * ChunkSize, len = Math.Min(ChunkSize, n - start);
            kernel.Apply(x.AsSpan(xOff + start, len), y.AsSpan(yOff + start, len));
        }
    }

    private readonly struct BinaryBody<T, TKernel>(T[] a, int aOff, T[] b, int bOff, T[] o, int oOff, int n, TKernel kernel) : IParallelBody
        where T : unmanaged
        where TKernel : struct, IBinaryKernel<T>
    {
        public void Invoke(int index)
        {
            int start = index * ChunkSize, len = Math.Min(ChunkSize, n - start);
            kernel.VV(a.AsSpan(aOff + start, len), b.AsSpan(bOff + start, len), o.AsSpan(oOff + start, len));
        }
    }
}
