namespace Descent.Tests;

/// <summary>Measures what a warmed-up operation allocates on the calling thread.</summary>
internal static class SteadyState
{
    /// <summary>
    /// The fewest bytes the calling thread allocated over <paramref name="windows"/> windows of
    /// <paramref name="calls"/> calls each (call index passed in). One-time work that lands in a window — a thread's
    /// first parallel region (which the warm-up cannot force: while another test holds the region, this thread's
    /// calls run inline), a packing buffer growing the first time this thread draws a larger tile, the allocation
    /// counter's own jumps around a GC — shows in one window only; an allocation per call shows in every window.
    /// </summary>
    public static long FewestBytes(Action<int> call, int calls, int windows = 3)
    {
        long fewest = long.MaxValue;
        for (int w = 0; w < windows; w++)
        {
            long before = GC.GetAllocatedBytesForCurrentThread();
            for (int i = 0; i < calls; i++)
                call(i);
            fewest = Math.Min(fewest, GC.GetAllocatedBytesForCurrentThread() - before);
        }
        return fewest;
    }
}
