using System.Numerics;
using System.Numerics.Tensors;

namespace Descent.Kernels;

/// <summary>
/// C (1 × N) = alpha·a·Bᵀ + beta·C for a single row a and a transposed B (stored as N rows of K): N contiguous dot
/// products, nothing packed. The blocked driver packs the whole of B (N·K elements) to produce one output row, which
/// dominated batch-1 inference through Linear layers (y = x·Wᵀ: the MLP's 784×256 weight was packed on every call).
/// Each element's arithmetic does not depend on how the columns are split over threads.
/// </summary>
internal static unsafe class GemmRowVector<T> where T : unmanaged, IFloatingPointIeee754<T>
{
    /// <summary>True for the products this path computes: one row of A (not transposed) times a transposed B.</summary>
    public static bool Handles(in GemmArgs<T> g) => g.M == 1 && !g.TransA && g.TransB;

    /// <summary>Runs the product (columns split over the threads when it is large enough to pay for a hand-off).</summary>
    public static void Run(in GemmArgs<T> g)
    {
        int tasks = 2.0 * g.N * g.K < GemmBlocking.MinParallelFlops ? 1 : Math.Min(ParallelFor.Threads, g.N);
        var body = new Body(g, tasks);
        ParallelFor.Run(tasks, in body);   // inline for one task
    }

    private readonly struct Body(GemmArgs<T> g, int tasks) : IParallelBody
    {
        public void Invoke(int index)
        {
            int j0 = (int)((long)g.N * index / tasks), j1 = (int)((long)g.N * (index + 1) / tasks);
            var a = new ReadOnlySpan<T>(g.A, g.K);
            // As in GemmEdge.Merge: t = alpha·acc, then fma(beta, C, t); C is not read when beta == 0.
            bool readC = !T.IsZero(g.Beta);
            for (int j = j0; j < j1; j++)
            {
                T t = Dot(a, new ReadOnlySpan<T>(g.B + j * g.Ldb, g.K)) * g.Alpha;
                T* c = g.C + j;
                *c = readC ? T.FusedMultiplyAdd(g.Beta, *c, t) : t;
            }
        }
    }

    private static T Dot(ReadOnlySpan<T> a, ReadOnlySpan<T> b)
    {
        if (!KernelConfig.ForceScalar)
            return TensorPrimitives.Dot(a, b);
        T sum = T.Zero;
        for (int i = 0; i < a.Length; i++)
            sum = T.FusedMultiplyAdd(a[i], b[i], sum);
        return sum;
    }
}
