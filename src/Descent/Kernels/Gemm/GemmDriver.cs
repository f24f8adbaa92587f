using System.Numerics;
using System.Runtime.CompilerServices;

namespace Descent.Kernels;

/// <summary>
/// The blocked GEMM loop nest (Goto and van de Geijn, "Anatomy of High-Performance Matrix Multiplication",
/// 2008; BLIS five-loop form) for one micro-kernel family <typeparamref name="TK"/>:
/// <code>
/// for jc in NC blocks of the task's columns        // B block reused by all rows
///   for pc in KC blocks of k                         // pack op(B)[pc, jc] into NR panels
///     for ic in MC blocks of the task's rows
///       for jr in NR panels                          // B panel streamed from L2
///         for ir in MR slivers                       // micro-kernel: MR × NR tile of C
/// </code>
/// A is not packed: the 6-row micro-kernel broadcasts op(A) elements straight from the caller's matrix
/// with a row and a column stride (the BLIS "sup" idea), which removes A packing (a transpose for
/// row-major A) entirely; each A row is read sequentially and stays in L1/L2 across the jr loop. Only a
/// transposed A whose rows are a multiple of 512 bytes apart is packed into MR-row panels
/// (<see cref="GemmPackA{T}"/>, <see cref="GemmBlocking.PackA{T}"/>). Likewise B is read
/// in place when a task has few rows (<see cref="GemmBlocking.DirectB"/>); otherwise, and always when
/// transposed, it is packed into NR-column panels (<see cref="GemmPackB{T}"/>).
/// </summary>
internal static unsafe class GemmDriver<T, TK>
    where T : unmanaged, IFloatingPointIeee754<T>
    where TK : struct, IGemmKernel<T>
{
    /// <summary>Runs the whole product, on several threads when it is large enough.</summary>
    public static void Run(in GemmArgs<T> g)
    {
        var (tm, tn) = GemmBlocking.Partition(g.M, g.N, g.K, g.TransB, ParallelFor.Threads, TK.Mr, TK.Lanes);
        if (tm * tn == 1)
        {
            Block(in g, 0, g.M, 0, g.N);
            return;
        }
        var body = new Body(g, tm, tn);
        ParallelFor.Run(tm * tn, in body);
    }

    /// <summary>One task: the C block of row part <c>i / tn</c> and column part <c>i % tn</c>.</summary>
    private readonly struct Body(GemmArgs<T> g, int tm, int tn) : IParallelBody
    {
        public void Invoke(int index)
        {
            int pi = index / tn, pj = index % tn;
            // Column boundaries on whole vectors from column 0, so every task keeps full-width panels. If C
            // itself is not 64-byte aligned, the boundary cache line of each row is written by two threads;
            // splitting on C's cache lines instead leaves ragged panels that cost more (measured 30% on a
            // 64×256×784 product). Column splits are rare anyway: only for a transposed B or few rows.
            int i0 = GemmBlocking.SplitPoint(g.M, tm, TK.Mr, pi);
            int i1 = GemmBlocking.SplitPoint(g.M, tm, TK.Mr, pi + 1);
            int j0 = GemmBlocking.SplitPoint(g.N, tn, TK.Lanes, pj);
            int j1 = GemmBlocking.SplitPoint(g.N, tn, TK.Lanes, pj + 1);
            if (i0 < i1 && j0 < j1)
                Block(in g, i0, i1, j0, j1);
        }
    }

    /// <summary>C[i0..i1, j0..j1] = alpha·op(A)·op(B) + beta·C for that block, over the whole k range.</summary>
    [SkipLocalsInit]
    private static void Block(in GemmArgs<T> g, int i0, int i1, int j0, int j1)
    {
        int lanes = TK.Lanes;
        int nr = lanes * TK.MaxVectors;
        int kcBlock = GemmBlocking.Kc(g.K);
        int ncMax = Math.Min(GemmBlocking.Nc, (j1 - j0 + nr - 1) / nr * nr);
        T* packed = GemmBuffers<T>.PackB(kcBlock * ncMax);
        int mcMax = GemmBlocking.Mc;
        bool packA = GemmBlocking.PackA<T>(g.TransA, g.Lda, j1 - j0);
        bool directB = GemmBlocking.DirectB(g.TransB, i1 - i0);
        T* aCopy = packA ? GemmBuffers<T>.PackA(GemmPackA<T>.Size(mcMax, kcBlock, TK.Mr)) : null;
        int tileElements = 0;
        for (int v = 1; v <= TK.MaxVectors; v++)
            tileElements = Math.Max(tileElements, TK.RowsFor(v, true) * v * lanes);
        T* tile = stackalloc T[tileElements];   // scratch for tiles whose last vector is partial
        nint rsa = g.RowStrideA, csa = g.ColStrideA, ldc = g.Ldc;

        for (int jc = j0; jc < j1; jc += ncMax)
        {
            int nc = Math.Min(ncMax, j1 - jc);
            for (int pc = 0; pc < g.K; pc += kcBlock)
            {
                int kc = Math.Min(kcBlock, g.K - pc);
                // Later k blocks accumulate onto what the first one wrote.
                T beta = pc == 0 ? g.Beta : T.One;
                // Panels of whole vectors read in place when B is used by few rows (a narrow B, e.g. 32 columns,
                // is one such panel of 2 vectors); the columns after the last whole vector are packed.
                int inPlace = directB ? nc / lanes * lanes : 0;
                if (inPlace < nc)
                    GemmPackB<T>.Pack(TK.Level, lanes, nr, g.TransB, kc, nc - inPlace, g.BAt(pc, jc + inPlace), g.Ldb,
                        packed + (nint)inPlace * kc);

                for (int ic = i0; ic < i1; ic += mcMax)
                {
                    int mc = Math.Min(mcMax, i1 - ic);
                    T* aBlock = g.AAt(ic, pc);
                    nint panelStride = GemmPackA<T>.PanelStride(kc, TK.Mr);
                    if (packA)
                    {
                        GemmPackA<T>.Pack(TK.Level, TK.Mr, mc, kc, aBlock, g.Lda, aCopy);
                        aBlock = aCopy;
                        csa = TK.Mr;
                    }
                    for (int jr = 0, w; jr < nc; jr += w)
                    {
                        // In-place panels end at inPlace, so the packed ones start there (at packed + inPlace·kc).
                        w = Math.Min(nr, (jr < inPlace ? inPlace : nc) - jr);
                        int vectors = (w + lanes - 1) / lanes;
                        T* panel = jr < inPlace ? g.BAt(pc, jc + jr) : packed + (nint)jr * kc;
                        nint ldbp = jr < inPlace ? g.Ldb : vectors * lanes;
                        T* cBlock = g.C + ic * ldc + jc + jr;
                        // Packed A comes in MR-row panels, so tiles are one panel high.
                        int tileRows = packA ? TK.Mr : TK.RowsFor(vectors, rsa == 1);
                        for (int ir = 0; ir < mc; ir += tileRows)
                        {
                            int rows = Math.Min(tileRows, mc - ir);
                            T* a = packA ? aBlock + ir / TK.Mr * panelStride : aBlock + ir * rsa;
                            T* c = cBlock + ir * ldc;
                            if (w == vectors * lanes || TK.MaskedTail)
                            {
                                TK.Tile(rows, vectors, w - (vectors - 1) * lanes, kc, a, rsa, csa, panel, ldbp, c, ldc, g.Alpha, beta);
                            }
                            else
                            {
                                int ldt = vectors * lanes;
                                TK.Tile(rows, vectors, lanes, kc, a, rsa, csa, panel, ldbp, tile, ldt, T.One, T.Zero);
                                GemmEdge<T>.Merge(rows, w, tile, ldt, c, ldc, g.Alpha, beta);
                            }
                        }
                    }
                }
            }
        }
    }
}
