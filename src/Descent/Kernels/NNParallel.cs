namespace Descent.Kernels;

/// <summary>
/// Work-threshold front end of <see cref="ParallelFor"/> for the NN kernels (convolution, pooling, softmax):
/// small problems run inline on the calling thread, where waking workers would cost more than the work.
/// </summary>
internal static class NNParallel
{
    /// <summary>Below this many elementary operations a kernel stays single-threaded.</summary>
    public const long Threshold = 1 << 15;

    /// <summary>Runs <paramref name="body"/> for items 0..count−1, in parallel when <paramref name="work"/> is large enough.</summary>
    public static void Run<TBody>(int count, long work, in TBody body) where TBody : struct, IParallelBody
    {
        if (count <= 0) return;
        if (count == 1 || work < Threshold || ParallelFor.Threads == 1)
        {
            var local = body;
            for (int i = 0; i < count; i++) local.Invoke(i);
            return;
        }
        ParallelFor.Run(count, body);
    }

    /// <summary>Splits <paramref name="total"/> items into <paramref name="chunks"/> contiguous ranges; returns range <paramref name="index"/>.</summary>
    public static (int Start, int End) Range(int total, int chunks, int index) =>
        ((int)((long)total * index / chunks), (int)((long)total * (index + 1) / chunks));
}
