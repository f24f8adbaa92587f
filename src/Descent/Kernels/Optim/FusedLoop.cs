using System.Numerics;
using System.Runtime.CompilerServices;

namespace Descent.Kernels.Optim;

/// <summary>
/// One fused optimizer update over the elements [start, end) of a parameter and its state: written once,
/// generic over the vector width, with a scalar loop for tails and the forced-scalar mode.
/// </summary>
internal interface IFusedUpdate<T> where T : unmanaged, IFloatingPointIeee754<T>
{
    /// <summary>Updates whole vectors from <paramref name="start"/>; returns the first index not processed.</summary>
    int Vector<TV>(int start, int end) where TV : unmanaged, ISimdVector<TV, T>;

    /// <summary>Updates [start, end) one element at a time, with exactly the same arithmetic as <see cref="Vector{TV}"/>.</summary>
    void Scalar(int start, int end);
}

/// <summary>
/// Runs an <see cref="IFusedUpdate{T}"/> over a whole parameter: one pass over its memory, split into
/// contiguous chunks over the <see cref="ParallelFor"/> workers when it is large enough to pay for the handoff.
/// Every element is computed by the same lane-wise arithmetic whatever the chunking or SIMD level, so results do
/// not depend on the thread count.
/// </summary>
internal static class FusedLoop
{
    /// <summary>Below this many elements the update stays on the calling thread.</summary>
    internal const int ParallelThreshold = 1 << 15;

    /// <summary>Elements per work item (a multiple of every vector width; 64 KiB of float32 per stream).</summary>
    internal const int ChunkSize = 1 << 14;

    public static void Run<T, TU>(in TU update, int length)
        where T : unmanaged, IFloatingPointIeee754<T>
        where TU : struct, IFusedUpdate<T>
    {
        if (length <= 0)
            return;
        if (length < ParallelThreshold || ParallelFor.Threads == 1)
        {
            var local = update;
            Process<T, TU>(ref local, 0, length);
            return;
        }
        int chunks = (length + ChunkSize - 1) / ChunkSize;
        ParallelFor.Run(chunks, new ChunkBody<T, TU>(update, length));
    }

    // Fully optimized from the first call: under tiered PGO the instrumented tier of these generic struct methods runs
    // ~50× slower (every static-abstract vector op is a call) and can stay there for many calls.
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void Process<T, TU>(ref TU update, int start, int end)
        where T : unmanaged, IFloatingPointIeee754<T>
        where TU : struct, IFusedUpdate<T>
    {
        int i = start;
        if (KernelConfig.UseVector512)
            i = update.Vector<Simd512<T>>(i, end);
        if (KernelConfig.UseVector256)
            i = update.Vector<Simd256<T>>(i, end);
        update.Scalar(i, end);
    }

    private struct ChunkBody<T, TU>(TU update, int length) : IParallelBody
        where T : unmanaged, IFloatingPointIeee754<T>
        where TU : struct, IFusedUpdate<T>
    {
        private TU _update = update;

        public void Invoke(int index)
        {
            int start = index * ChunkSize;
            int end = Math.Min(start + ChunkSize, length);
            Process<T, TU>(ref _update, start, end);
        }
    }
}
