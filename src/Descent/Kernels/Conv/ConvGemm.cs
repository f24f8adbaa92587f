using System.Numerics;
using System.Runtime.InteropServices;

namespace Descent.Kernels;

/// <summary>Generic front end of <see cref="Gemm.Sgemm"/> / <see cref="Gemm.Dgemm"/> for the convolution kernels (alpha = 1).</summary>
internal static class ConvGemm
{
    /// <summary>C = op(A)·op(B) (+ C when <paramref name="accumulate"/>), row-major.</summary>
    public static void Run<T>(bool transA, bool transB, int m, int n, int k, ReadOnlySpan<T> a, int lda,
        ReadOnlySpan<T> b, int ldb, bool accumulate, Span<T> c, int ldc)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        if (m == 0 || n == 0) return;
        if (typeof(T) == typeof(float))
        {
            Gemm.Sgemm(transA, transB, m, n, k, 1f, MemoryMarshal.Cast<T, float>(a), lda,
                MemoryMarshal.Cast<T, float>(b), ldb, accumulate ? 1f : 0f, MemoryMarshal.Cast<T, float>(c), ldc);
        }
        else if (typeof(T) == typeof(double))
        {
            Gemm.Dgemm(transA, transB, m, n, k, 1.0, MemoryMarshal.Cast<T, double>(a), lda,
                MemoryMarshal.Cast<T, double>(b), ldb, accumulate ? 1.0 : 0.0, MemoryMarshal.Cast<T, double>(c), ldc);
        }
        else
        {
            throw new DescentInternalException($"GEMM is defined for float and double, not {typeof(T).Name}.");
        }
    }
}
