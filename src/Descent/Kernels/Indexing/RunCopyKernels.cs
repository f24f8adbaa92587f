namespace Descent.Kernels;

/// <summary>
/// Strided copies of equal-length contiguous runs: the data movement behind cat, stack, split along an inner
/// dim and their backward passes. A tensor viewed as [blocks, run] is written into (or read from) every
/// <c>stride</c>-th run of a larger [blocks, stride] layout, starting at element <c>start</c>.
/// </summary>
public static class RunCopyKernels
{
    /// <summary>dst[b·dstStride + dstStart + i] = src[b·run + i] for b &lt; blocks, i &lt; run.</summary>
    public static void Scatter<T>(ReadOnlySpan<T> src, Span<T> dst, int blocks, int run, int dstStride, int dstStart)
        where T : unmanaged
    {
        if (run == dstStride && dstStart == 0)
        {
            src[..(blocks * run)].CopyTo(dst);
            return;
        }
        if (run == 1)
        {
            for (int b = 0; b < blocks; b++) dst[b * dstStride + dstStart] = src[b];
            return;
        }
        for (int b = 0; b < blocks; b++)
            src.Slice(b * run, run).CopyTo(dst.Slice(b * dstStride + dstStart, run));
    }

    /// <summary>dst[b·run + i] = src[b·srcStride + srcStart + i] for b &lt; blocks, i &lt; run.</summary>
    public static void Gather<T>(ReadOnlySpan<T> src, int srcStride, int srcStart, Span<T> dst, int blocks, int run)
        where T : unmanaged
    {
        if (run == srcStride && srcStart == 0)
        {
            src[..(blocks * run)].CopyTo(dst);
            return;
        }
        if (run == 1)
        {
            for (int b = 0; b < blocks; b++) dst[b] = src[b * srcStride + srcStart];
            return;
        }
        for (int b = 0; b < blocks; b++)
            src.Slice(b * srcStride + srcStart, run).CopyTo(dst.Slice(b * run, run));
    }

    /// <summary>Fills <paramref name="dst"/> with copies of <paramref name="run"/> back to back (its length is a multiple).</summary>
    public static void Tile<T>(ReadOnlySpan<T> run, Span<T> dst) where T : unmanaged
    {
        int len = run.Length;
        if (len == 0) return;
        if (len == 1) { dst.Fill(run[0]); return; }
        for (int start = 0; start + len <= dst.Length; start += len)
            run.CopyTo(dst.Slice(start, len));
    }
}
