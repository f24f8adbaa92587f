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
        T* b = g.B;
        nint ldb = g.Ldb;
        if (g.TransB)
        {
            // B is n×k here, a few rows: pack op(B) once into one k × n panel (rows padded to a vector).
            int lanes = GemmKernel512<T>.Lanes;
            T* packed = GemmBuffers<T>.PackB(g.K * lanes);
            GemmPackB<T>.Pack(SimdLevel.Vector512, lanes, lanes, true, g.K, g.N, g.B, g.Ldb, packed);
            b = packed;
            ldb = lanes;
        }

        int tile = GemmKernel512Columns<T>.Rows;
        int tiles = (g.M + tile - 1) / tile;
        int tasks = 2.0 * g.M * g.N * g.K < GemmBlocking.MinParallelFlops ? 1 : Math.Min(ParallelFor.Threads, tiles);
        var body = new Body(g, b, ldb, tasks);
        if (tasks == 1)
            body.Invoke(0);
        else
            ParallelFor.Run(tasks, in body);
    }

    private readonly struct Body(GemmArgs<T> g, T* b, nint ldb, int tasks) : IParallelBody
    {
        public void Invoke(int index)
        {
            int tile = GemmKernel512Columns<T>.Rows;
            int i0 = GemmBlocking.SplitPoint(g.M, tasks, tile, index);
            int i1 = GemmBlocking.SplitPoint(g.M, tasks, tile, index + 1);
            int kcBlock = GemmBlocking.Kc(g.K);
            for (int i = i0; i < i1; i += tile)
            {
                int rows = Math.Min(tile, i1 - i);
                for (int pc = 0; pc < g.K; pc += kcBlock)
                {
                    int kc = Math.Min(kcBlock, g.K - pc);
                    T beta = pc == 0 ? g.Beta : T.One;
                    GemmKernel512Columns<T>.Tile(rows, g.N, kc, g.A + pc * g.Lda + i, g.Lda, b + pc * ldb, ldb,
                        g.C + i * g.Ldc, g.Ldc, g.Alpha, beta);
                }
            }
        }
    }
}
