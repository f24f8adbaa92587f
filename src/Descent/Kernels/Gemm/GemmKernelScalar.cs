using System.Numerics;

namespace Descent.Kernels;

/// <summary>
/// Scalar micro-kernel family (4×4 tile): the forced-scalar path and the reference the SIMD families are
/// tested against. It runs inside the same blocked driver, so blocking, packing and edge logic are
/// exercised at every SIMD level; like the vector families it accumulates with fused multiply-adds.
/// </summary>
internal readonly unsafe struct GemmKernelScalar<T> : IGemmKernel<T> where T : unmanaged, IFloatingPointIeee754<T>
{
    private const int Size = 4;

    public static int Mr => Size;

    public static int Lanes => 1;

    public static int MaxVectors => Size;

    public static SimdLevel Level => SimdLevel.Scalar;

    public static int RowsFor(int vectors, bool unitRowStride) => Size;

    public static bool MaskedTail => false;

    public static void Tile(int rows, int vectors, int tail, int kc, T* a, nint rsa, nint csa, T* b, nint ldbp, T* c, nint ldc,
        T alpha, T beta)
    {
        T* acc = stackalloc T[Size * Size];
        for (int x = 0; x < Size * Size; x++)
            acc[x] = T.Zero;

        nint off = 0;
        for (int p = 0; p < kc; p++, off += csa, b += ldbp)
        {
            for (int i = 0; i < rows; i++)
            {
                T ai = a[i * rsa + off];
                T* row = acc + i * Size;
                for (int j = 0; j < vectors; j++)
                    row[j] = T.FusedMultiplyAdd(ai, b[j], row[j]);
            }
        }

        bool readC = !T.IsZero(beta);
        for (int i = 0; i < rows; i++)
        {
            T* ci = c + i * ldc;
            for (int j = 0; j < vectors; j++)
            {
                T t = acc[i * Size + j] * alpha;
                ci[j] = readC ? T.FusedMultiplyAdd(beta, ci[j], t) : t;
            }
        }
    }
}
