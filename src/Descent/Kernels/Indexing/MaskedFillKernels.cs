namespace Descent.Kernels;

/// <summary>masked_fill: o[i] = mask[i % mask.Length] ? value : x[i], the mask repeating over leading dims.</summary>
public static class MaskedFillKernels
{
    /// <summary>
    /// Writes x with masked positions replaced by <paramref name="value"/>. <paramref name="mask"/> covers the
    /// trailing dims of x and repeats over the leading ones (its length divides x's).
    /// </summary>
    public static void MaskedFill<T>(ReadOnlySpan<T> x, ReadOnlySpan<bool> mask, T value, Span<T> o) where T : unmanaged
    {
        int period = mask.Length;
        if (x.Length == 0) return;
        if (period == 0 || x.Length % period != 0)
            throw new DescentInternalException($"masked_fill: a mask of {mask.Length} elements does not tile {x.Length} elements.");
        for (int start = 0; start < x.Length; start += period)
        {
            var xs = x.Slice(start, period);
            var os = o.Slice(start, period);
            // A select, not a branch: masks are typically irregular (padding, causal), so branches mispredict.
            for (int i = 0; i < period; i++)
                os[i] = mask[i] ? value : xs[i];
        }
    }
}
