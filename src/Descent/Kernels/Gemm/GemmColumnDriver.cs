using System.Numerics;

namespace Descent.Kernels;

/// <summary>
/// Drives <see cref="GemmKernel512Columns{T}"/>: C narrower than one vector with op(A) stored k-major
/// (transA), e.g. the weight gradient Xᵀ·dY of a 10-way output layer. Rows of C are split over threads in
/// whole 2-vector tiles; k is blocked exactly as in <see cref="GemmDriver{T, TK}"/>, so results do not depend
/// on the thread count.
/// </summary>
internal static unsafe class GemmColumnDriver<T> where T : unmanaged, IFloatingPointIeee754<T>
{
    /// <summary>Whether this path takes the product: Vector512 level, transA, and n below one vector.</summary>
    public static bool Handles(in GemmArgs<T> g) =>
        KernelConfig.UseVector512 && g.TransA && g.N <= GemmKernel512Columns<T>.MaxColumns;

    public static void Run(in GemmArgs<T> g)
    {
        int tile = GemmKernel512Columns<T>.Rows;
        int tiles = (g.M + tile - 1) / tile;
        int tasks = 2.0 * g.M * g.N * g.K < GemmBlocking.MinParallelFlops ? 1 : Math.Min(ParallelFor.Threads, tiles);
        var body = new Body(g, tasks);
        if (tasks == 1)
            body.Invoke(0);
        else
            ParallelFor.Run(tasks, in body);
    }

    private readonly struct Body(GemmArgs<T> g, int tasks) : IParallelBody
    {
        public void Invoke(int index)
        {
            int tile = GemmKernel512Columns<T>.Rows;
            int lanes = GemmKernel512<T>.Lanes;
            int i0 = GemmBlocking.SplitPoint(g.M, tasks, tile, index);
            int i1 = GemmBlocking.SplitPoint(g.M, tasks, tile, index + 1);
            int kcBlock = GemmBlocking.Kc(g.K);
            T* packed = g.TransB ? GemmBuffers<T>.PackB(kcBlock * lanes) : null;
            for (int pc = 0; pc < g.K; pc += kcBlock)
            {
                int kc = Math.Min(kcBlock, g.K - pc);
                T beta = pc == 0 ? g.Beta : T.One;
                // The kernel broadcasts B(p, j) from row p; a transposed B (a few stored rows of length k) is
                // packed per k block into one kc × n panel whose rows are padded to a vector.
                T* b = g.BAt(pc, 0);
                nint ldb = g.Ldb;
                if (g.TransB)
                {
                    GemmPackB<T>.Pack(SimdLevel.Vector512, lanes, lanes, true, kc, g.N, b, g.Ldb, packed);
                    b = packed;
                    ldb = lanes;
                }
                for (int i = i0; i < i1; i += tile)
                {
                    GemmKernel512Columns<T>.Tile(Math.Min(tile, i1 - i), g.N, kc, g.AAt(i, pc), g.Lda, b, ldb,
                        g.C + i * g.Ldc, g.Ldc, g.Alpha, beta);
                }
            }
        }
    }
}
