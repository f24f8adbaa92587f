using System.Numerics;
using System.Numerics.Tensors;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;

namespace Descent.Kernels;

/// <summary>
/// Batched, broadcasting GEMM driver over <see cref="Gemm"/>: for every index i of a batch shape,
/// C[i] = alpha·op(A[i])·op(B[i]) + beta·C[i], where each operand addresses its matrix through per-batch-dim
/// strides (0 = broadcast). When C's strides make several batch entries share one slot (a gradient reduced
/// over broadcast dims), their products accumulate: C_slot = beta·C_slot + alpha·Σ op(A)·op(B).
/// Matrices are contiguous row-major; leading dimensions follow from the transpose flags.
/// </summary>
public static unsafe class BatchedGemm
{
    /// <summary>Per-batch work (m·n·k) below which batches run in parallel with each GEMM on one thread.</summary>
    private const long SmallGemm = 1 << 18;

    /// <summary>Total work (batch·m·n·k) below which the batch loop stays on the calling thread: waking workers
    /// costs more than a few hundred thousand multiply-adds.</summary>
    private const long ParallelThreshold = 1 << 18;

    /// <summary>
    /// Runs the batched product. Strides and <paramref name="batchShape"/> have one entry per batch dim.
    /// A is stored [m, k] ([k, m] when <paramref name="transA"/>), B [k, n] ([n, k] when
    /// <paramref name="transB"/>), C [m, n].
    /// </summary>
    public static void Run<T>(bool transA, bool transB, int m, int n, int k, T alpha,
        ReadOnlySpan<T> a, ReadOnlySpan<int> aStrides, ReadOnlySpan<T> b, ReadOnlySpan<int> bStrides,
        T beta, Span<T> c, ReadOnlySpan<int> cStrides, ReadOnlySpan<int> batchShape)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        int rank = batchShape.Length;
        long batchLong = 1;
        foreach (int s in batchShape) batchLong *= s;
        int batch = (int)batchLong;
        long mk = (long)m * k, kn = (long)k * n, mn = (long)m * n;

        bool uniqueC = IsContiguous(cStrides, batchShape, mn);
        if (!uniqueC || k == 0 || batch == 0)
        {
            // Shared slots: apply beta once, then every product accumulates with beta = 1.
            if (beta == T.Zero) c.Clear();
            else if (beta != T.One && KernelConfig.ForceScalar) { for (int i = 0; i < c.Length; i++) c[i] *= beta; }
            else if (beta != T.One) TensorPrimitives.Multiply(c, beta, c);
            beta = T.One;
            if (k == 0 || batch == 0) return;
        }
        if (m == 0 || n == 0) return;

        int lda = transA ? m : k, ldb = transB ? k : n;
        if (batch == 1)
        {
            Single(transA, transB, m, n, k, alpha, a[..(int)mk], lda, b[..(int)kn], ldb, beta, c[..(int)mn], n);
            return;
        }
        // One tall GEMM when B is shared and A, C are stacked matrices: [batch·m, k]·B.
        if (!transA && uniqueC && IsBroadcast(bStrides, batchShape) && IsContiguous(aStrides, batchShape, mk))
        {
            Single(false, transB, batch * m, n, k, alpha, a[..(int)(batch * mk)], lda, b[..(int)kn], ldb, beta, c[..(int)(batch * mn)], n);
            return;
        }
        // One GEMM with a long inner dim when C is shared and A, B are stacked along k: Σ A_iᵀB_i = A_catᵀ·B_cat.
        if (transA && !transB && IsBroadcast(cStrides, batchShape)
            && IsContiguous(aStrides, batchShape, mk) && IsContiguous(bStrides, batchShape, kn))
        {
            Single(true, false, m, n, batch * k, alpha, a[..(int)(batch * mk)], lda, b[..(int)(batch * kn)], ldb, beta, c[..(int)mn], n);
            return;
        }

        fixed (T* pa = a)
        fixed (T* pb = b)
        fixed (T* pc = c)
        fixed (int* pShape = batchShape)
        fixed (int* pAs = aStrides)
        fixed (int* pBs = bStrides)
        fixed (int* pCs = cStrides)
        {
            var body = new Body<T>(transA, transB, m, n, k, alpha, beta, pa, pb, pc, rank, pShape, pAs, pBs, pCs);
            if (uniqueC && mk * n < SmallGemm && mk * n * batch >= ParallelThreshold && ParallelFor.Threads > 1)
                ParallelFor.Run(batch, body);
            else
                for (int i = 0; i < batch; i++) body.Invoke(i);
        }
    }

    /// <summary>One GEMM call, dispatched on the element type.</summary>
    private static void Single<T>(bool transA, bool transB, int m, int n, int k, T alpha, ReadOnlySpan<T> a, int lda,
        ReadOnlySpan<T> b, int ldb, T beta, Span<T> c, int ldc) where T : unmanaged
    {
        if (typeof(T) == typeof(float))
            Gemm.Sgemm(transA, transB, m, n, k, Unsafe.As<T, float>(ref alpha), MemoryMarshal.Cast<T, float>(a), lda,
                MemoryMarshal.Cast<T, float>(b), ldb, Unsafe.As<T, float>(ref beta), MemoryMarshal.Cast<T, float>(c), ldc);
        else if (typeof(T) == typeof(double))
            Gemm.Dgemm(transA, transB, m, n, k, Unsafe.As<T, double>(ref alpha), MemoryMarshal.Cast<T, double>(a), lda,
                MemoryMarshal.Cast<T, double>(b), ldb, Unsafe.As<T, double>(ref beta), MemoryMarshal.Cast<T, double>(c), ldc);
        else
            throw new DescentInternalException($"GEMM supports float and double, not {typeof(T).Name}.");
    }

    /// <summary>True when the strides walk the batch as consecutive matrices of <paramref name="matrix"/> elements.</summary>
    private static bool IsContiguous(ReadOnlySpan<int> strides, ReadOnlySpan<int> shape, long matrix)
    {
        long expected = matrix;
        for (int d = shape.Length - 1; d >= 0; d--)
        {
            if (shape[d] == 1) continue;
            if (strides[d] != expected) return false;
            expected *= shape[d];
        }
        return true;
    }

    /// <summary>True when every batch entry addresses the same matrix.</summary>
    private static bool IsBroadcast(ReadOnlySpan<int> strides, ReadOnlySpan<int> shape)
    {
        for (int d = 0; d < shape.Length; d++)
            if (shape[d] != 1 && strides[d] != 0) return false;
        return true;
    }

    private readonly struct Body<T>(bool transA, bool transB, int m, int n, int k, T alpha, T beta,
        T* a, T* b, T* c, int rank, int* shape, int* aStrides, int* bStrides, int* cStrides)
        : IParallelBody where T : unmanaged
    {
        public void Invoke(int index)
        {
            long offA = 0, offB = 0, offC = 0;
            int rem = index;
            for (int d = rank - 1; d >= 0; d--)
            {
                int i = rem % shape[d];
                rem /= shape[d];
                offA += (long)i * aStrides[d];
                offB += (long)i * bStrides[d];
                offC += (long)i * cStrides[d];
            }
            Single(transA, transB, m, n, k, alpha,
                new ReadOnlySpan<T>(a + offA, m * k), transA ? m : k,
                new ReadOnlySpan<T>(b + offB, k * n), transB ? k : n,
                beta, new Span<T>(c + offC, m * n), n);
        }
    }
}
