using System.Numerics;

namespace Descent.Kernels;

/// <summary>
/// General matrix multiply on row-major spans: C = alpha·op(A)·op(B) + beta·C (BLAS xGEMM semantics).
/// Cache-blocked and multithreaded over <see cref="ParallelFor"/>; uses the widest SIMD level
/// <see cref="KernelConfig"/> allows. Each C element is accumulated by one thread in a fixed k order, so
/// results do not depend on <see cref="ParallelFor.Threads"/>. Steady-state calls allocate nothing.
/// C must not overlap A or B.
/// </summary>
public static class Gemm
{
    /// <summary>
    /// Row-major single precision: C[m×n] = alpha·op(A)·op(B) + beta·C, op(X) = Xᵀ when the flag is set.
    /// A is m×k (k×m when <paramref name="transA"/>) with row stride <paramref name="lda"/>; B is k×n (n×k when
    /// <paramref name="transB"/>) with row stride <paramref name="ldb"/>; C has row stride <paramref name="ldc"/>.
    /// beta == 0 makes C write-only (NaN or garbage in C does not propagate); alpha == 0 or k == 0 gives C = beta·C.
    /// </summary>
    public static unsafe void Sgemm(bool transA, bool transB, int m, int n, int k, float alpha,
        ReadOnlySpan<float> a, int lda, ReadOnlySpan<float> b, int ldb, float beta, Span<float> c, int ldc)
    {
        GemmValidation.Check(transA, transB, m, n, k, lda, a.Length, ldb, b.Length, ldc, c.Length);
        fixed (float* pa = a)
        fixed (float* pb = b)
        fixed (float* pc = c)
            Run(new GemmArgs<float>(transA, transB, m, n, k, alpha, pa, lda, pb, ldb, beta, pc, ldc));
    }

    /// <summary>
    /// Row-major double precision: C[m×n] = alpha·op(A)·op(B) + beta·C; same conventions as
    /// <see cref="Sgemm"/>.
    /// </summary>
    public static unsafe void Dgemm(bool transA, bool transB, int m, int n, int k, double alpha,
        ReadOnlySpan<double> a, int lda, ReadOnlySpan<double> b, int ldb, double beta, Span<double> c, int ldc)
    {
        GemmValidation.Check(transA, transB, m, n, k, lda, a.Length, ldb, b.Length, ldc, c.Length);
        fixed (double* pa = a)
        fixed (double* pb = b)
        fixed (double* pc = c)
            Run(new GemmArgs<double>(transA, transB, m, n, k, alpha, pa, lda, pb, ldb, beta, pc, ldc));
    }

    /// <summary>
    /// The product of already validated pointer arguments, for kernels that drive many small products themselves
    /// (the Winograd convolution's 16 per tile block); threads as <see cref="Sgemm"/> does, so a caller inside its
    /// own parallel loop gets the calling thread only.
    /// </summary>
    internal static unsafe void Run<T>(in GemmArgs<T> g) where T : unmanaged, IFloatingPointIeee754<T>
    {
        if (g.M == 0 || g.N == 0)
            return;
        // As in reference BLAS, alpha == 0 skips the product, so NaN/Inf in A or B do not reach C.
        if (g.K == 0 || T.IsZero(g.Alpha))
        {
            GemmEdge<T>.Scale(g.M, g.N, g.C, g.Ldc, g.Beta);
            return;
        }
        if (GemmRowVector<T>.Handles(in g))
            GemmRowVector<T>.Run(in g);
        else if (GemmColumnDriver<T>.Handles(in g))
            GemmColumnDriver<T>.Run(in g);
        else if (KernelConfig.UseVector512)
            GemmDriver<T, GemmKernel512<T>>.Run(in g);
        else if (KernelConfig.UseVector256)
            GemmDriver<T, GemmKernel256<T>>.Run(in g);
        else
            GemmDriver<T, GemmKernelScalar<T>>.Run(in g);
    }
}
