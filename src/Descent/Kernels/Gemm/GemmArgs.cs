namespace Descent.Kernels;

/// <summary>
/// One validated GEMM call in pointer form: C[m×n] = alpha·op(A)·op(B) + beta·C, all row-major.
/// The pointers are pinned by the public entry point for the whole call.
/// </summary>
internal readonly unsafe struct GemmArgs<T> where T : unmanaged
{
    public readonly bool TransA;
    public readonly bool TransB;
    public readonly int M;
    public readonly int N;
    public readonly int K;
    public readonly T Alpha;
    public readonly T Beta;
    public readonly T* A;
    public readonly T* B;
    public readonly T* C;
    public readonly nint Lda;
    public readonly nint Ldb;
    public readonly nint Ldc;

    public GemmArgs(bool transA, bool transB, int m, int n, int k, T alpha, T* a, int lda, T* b, int ldb, T beta, T* c, int ldc)
    {
        TransA = transA;
        TransB = transB;
        M = m;
        N = n;
        K = k;
        Alpha = alpha;
        Beta = beta;
        A = a;
        B = b;
        C = c;
        Lda = lda;
        Ldb = ldb;
        Ldc = ldc;
    }

    /// <summary>Distance between op(A)(i, p) and op(A)(i + 1, p).</summary>
    public nint RowStrideA => TransA ? 1 : Lda;

    /// <summary>Distance between op(A)(i, p) and op(A)(i, p + 1).</summary>
    public nint ColStrideA => TransA ? Lda : 1;

    /// <summary>Address of op(A)(i, p).</summary>
    public T* AAt(int i, int p) => A + i * RowStrideA + p * ColStrideA;

    /// <summary>Address of op(B)(p, j).</summary>
    public T* BAt(int p, int j) => TransB ? B + j * Ldb + p : B + p * Ldb + j;
}
