using System.Numerics;
using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;

namespace Descent.Kernels;

/// <summary>
/// Taller Vector512 tiles for narrow B panels (n = 10 for an output layer, or a 17..32-column edge).
/// A 6-row tile one vector wide keeps only 6 FMA chains in flight (FMA latency 4 × 2 pipes needs 8) and
/// issues more loads than FMAs; these keep 12 or 24 accumulators instead. A 24-row tile needs unit row
/// stride (op(A) stored k-major: transA), where all rows are one pointer plus constant displacements; with
/// a general row stride 24 row pointers do not fit the 16 general registers and the spills cost a load per
/// broadcast, so that case stops at 12 rows. Same per-element arithmetic as <see cref="GemmKernel512{T}"/>.
/// </summary>
internal static unsafe class GemmKernel512Narrow<T> where T : unmanaged, IFloatingPointIeee754<T>
{
    /// <summary>Exactly 24 rows × 1 vector, unit row stride (rsa == 1): one pointer for all rows.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void Tile24x1(int kc, T* a, nint csa, T* b, nint ldbp, T* c, nint ldc, T alpha, T beta,
        Vector512<T> mask, bool partial)
    {
        nint lanes = Vector512<T>.Count;
        if (Sse.IsSupported)
        {
            for (int r = 0; r < 24; r++)
            {
                Sse.Prefetch0(c + r * ldc);
            }
        }
        Vector512<T> c0_0 = default;
        Vector512<T> c1_0 = default;
        Vector512<T> c2_0 = default;
        Vector512<T> c3_0 = default;
        Vector512<T> c4_0 = default;
        Vector512<T> c5_0 = default;
        Vector512<T> c6_0 = default;
        Vector512<T> c7_0 = default;
        Vector512<T> c8_0 = default;
        Vector512<T> c9_0 = default;
        Vector512<T> c10_0 = default;
        Vector512<T> c11_0 = default;
        Vector512<T> c12_0 = default;
        Vector512<T> c13_0 = default;
        Vector512<T> c14_0 = default;
        Vector512<T> c15_0 = default;
        Vector512<T> c16_0 = default;
        Vector512<T> c17_0 = default;
        Vector512<T> c18_0 = default;
        Vector512<T> c19_0 = default;
        Vector512<T> c20_0 = default;
        Vector512<T> c21_0 = default;
        Vector512<T> c22_0 = default;
        Vector512<T> c23_0 = default;
        for (int p = 0; p < kc; p++)
        {
            var b0 = Vector512.Load(b);
            c0_0 = GemmVector.Fma(Vector512.Create(a[0]), b0, c0_0);
            c1_0 = GemmVector.Fma(Vector512.Create(a[1]), b0, c1_0);
            c2_0 = GemmVector.Fma(Vector512.Create(a[2]), b0, c2_0);
            c3_0 = GemmVector.Fma(Vector512.Create(a[3]), b0, c3_0);
            c4_0 = GemmVector.Fma(Vector512.Create(a[4]), b0, c4_0);
            c5_0 = GemmVector.Fma(Vector512.Create(a[5]), b0, c5_0);
            c6_0 = GemmVector.Fma(Vector512.Create(a[6]), b0, c6_0);
            c7_0 = GemmVector.Fma(Vector512.Create(a[7]), b0, c7_0);
            c8_0 = GemmVector.Fma(Vector512.Create(a[8]), b0, c8_0);
            c9_0 = GemmVector.Fma(Vector512.Create(a[9]), b0, c9_0);
            c10_0 = GemmVector.Fma(Vector512.Create(a[10]), b0, c10_0);
            c11_0 = GemmVector.Fma(Vector512.Create(a[11]), b0, c11_0);
            c12_0 = GemmVector.Fma(Vector512.Create(a[12]), b0, c12_0);
            c13_0 = GemmVector.Fma(Vector512.Create(a[13]), b0, c13_0);
            c14_0 = GemmVector.Fma(Vector512.Create(a[14]), b0, c14_0);
            c15_0 = GemmVector.Fma(Vector512.Create(a[15]), b0, c15_0);
            c16_0 = GemmVector.Fma(Vector512.Create(a[16]), b0, c16_0);
            c17_0 = GemmVector.Fma(Vector512.Create(a[17]), b0, c17_0);
            c18_0 = GemmVector.Fma(Vector512.Create(a[18]), b0, c18_0);
            c19_0 = GemmVector.Fma(Vector512.Create(a[19]), b0, c19_0);
            c20_0 = GemmVector.Fma(Vector512.Create(a[20]), b0, c20_0);
            c21_0 = GemmVector.Fma(Vector512.Create(a[21]), b0, c21_0);
            c22_0 = GemmVector.Fma(Vector512.Create(a[22]), b0, c22_0);
            c23_0 = GemmVector.Fma(Vector512.Create(a[23]), b0, c23_0);
            a += csa;
            b += ldbp;
        }

        var va = Vector512.Create(alpha);
        var vb = Vector512.Create(beta);
        bool readC = !T.IsZero(beta);
        GemmKernel512<T>.Last(c + 0 * ldc, c0_0, va, vb, readC, mask, partial);
        GemmKernel512<T>.Last(c + 1 * ldc, c1_0, va, vb, readC, mask, partial);
        GemmKernel512<T>.Last(c + 2 * ldc, c2_0, va, vb, readC, mask, partial);
        GemmKernel512<T>.Last(c + 3 * ldc, c3_0, va, vb, readC, mask, partial);
        GemmKernel512<T>.Last(c + 4 * ldc, c4_0, va, vb, readC, mask, partial);
        GemmKernel512<T>.Last(c + 5 * ldc, c5_0, va, vb, readC, mask, partial);
        GemmKernel512<T>.Last(c + 6 * ldc, c6_0, va, vb, readC, mask, partial);
        GemmKernel512<T>.Last(c + 7 * ldc, c7_0, va, vb, readC, mask, partial);
        GemmKernel512<T>.Last(c + 8 * ldc, c8_0, va, vb, readC, mask, partial);
        GemmKernel512<T>.Last(c + 9 * ldc, c9_0, va, vb, readC, mask, partial);
        GemmKernel512<T>.Last(c + 10 * ldc, c10_0, va, vb, readC, mask, partial);
        GemmKernel512<T>.Last(c + 11 * ldc, c11_0, va, vb, readC, mask, partial);
        GemmKernel512<T>.Last(c + 12 * ldc, c12_0, va, vb, readC, mask, partial);
        GemmKernel512<T>.Last(c + 13 * ldc, c13_0, va, vb, readC, mask, partial);
        GemmKernel512<T>.Last(c + 14 * ldc, c14_0, va, vb, readC, mask, partial);
        GemmKernel512<T>.Last(c + 15 * ldc, c15_0, va, vb, readC, mask, partial);
        GemmKernel512<T>.Last(c + 16 * ldc, c16_0, va, vb, readC, mask, partial);
        GemmKernel512<T>.Last(c + 17 * ldc, c17_0, va, vb, readC, mask, partial);
        GemmKernel512<T>.Last(c + 18 * ldc, c18_0, va, vb, readC, mask, partial);
        GemmKernel512<T>.Last(c + 19 * ldc, c19_0, va, vb, readC, mask, partial);
        GemmKernel512<T>.Last(c + 20 * ldc, c20_0, va, vb, readC, mask, partial);
        GemmKernel512<T>.Last(c + 21 * ldc, c21_0, va, vb, readC, mask, partial);
        GemmKernel512<T>.Last(c + 22 * ldc, c22_0, va, vb, readC, mask, partial);
        GemmKernel512<T>.Last(c + 23 * ldc, c23_0, va, vb, readC, mask, partial);
    }

    /// <summary>Exactly 12 rows × 2 vectors, unit row stride (rsa == 1): one pointer for all rows.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void Tile12x2(int kc, T* a, nint csa, T* b, nint ldbp, T* c, nint ldc, T alpha, T beta,
        Vector512<T> mask, bool partial)
    {
        nint lanes = Vector512<T>.Count;
        if (Sse.IsSupported)
        {
            for (int r = 0; r < 12; r++)
            {
                Sse.Prefetch0(c + r * ldc);
                Sse.Prefetch0(c + r * ldc + 1 * lanes);
            }
        }
        Vector512<T> c0_0 = default, c0_1 = default;
        Vector512<T> c1_0 = default, c1_1 = default;
        Vector512<T> c2_0 = default, c2_1 = default;
        Vector512<T> c3_0 = default, c3_1 = default;
        Vector512<T> c4_0 = default, c4_1 = default;
        Vector512<T> c5_0 = default, c5_1 = default;
        Vector512<T> c6_0 = default, c6_1 = default;
        Vector512<T> c7_0 = default, c7_1 = default;
        Vector512<T> c8_0 = default, c8_1 = default;
        Vector512<T> c9_0 = default, c9_1 = default;
        Vector512<T> c10_0 = default, c10_1 = default;
        Vector512<T> c11_0 = default, c11_1 = default;
        for (int p = 0; p < kc; p++)
        {
            var b0 = Vector512.Load(b);
            var b1 = Vector512.Load(b + 1 * lanes);
            var a0v = Vector512.Create(a[0]);
            c0_0 = GemmVector.Fma(a0v, b0, c0_0);
            c0_1 = GemmVector.Fma(a0v, b1, c0_1);
            var a1v = Vector512.Create(a[1]);
            c1_0 = GemmVector.Fma(a1v, b0, c1_0);
            c1_1 = GemmVector.Fma(a1v, b1, c1_1);
            var a2v = Vector512.Create(a[2]);
            c2_0 = GemmVector.Fma(a2v, b0, c2_0);
            c2_1 = GemmVector.Fma(a2v, b1, c2_1);
            var a3v = Vector512.Create(a[3]);
            c3_0 = GemmVector.Fma(a3v, b0, c3_0);
            c3_1 = GemmVector.Fma(a3v, b1, c3_1);
            var a4v = Vector512.Create(a[4]);
            c4_0 = GemmVector.Fma(a4v, b0, c4_0);
            c4_1 = GemmVector.Fma(a4v, b1, c4_1);
            var a5v = Vector512.Create(a[5]);
            c5_0 = GemmVector.Fma(a5v, b0, c5_0);
            c5_1 = GemmVector.Fma(a5v, b1, c5_1);
            var a6v = Vector512.Create(a[6]);
            c6_0 = GemmVector.Fma(a6v, b0, c6_0);
            c6_1 = GemmVector.Fma(a6v, b1, c6_1);
            var a7v = Vector512.Create(a[7]);
            c7_0 = GemmVector.Fma(a7v, b0, c7_0);
            c7_1 = GemmVector.Fma(a7v, b1, c7_1);
            var a8v = Vector512.Create(a[8]);
            c8_0 = GemmVector.Fma(a8v, b0, c8_0);
            c8_1 = GemmVector.Fma(a8v, b1, c8_1);
            var a9v = Vector512.Create(a[9]);
            c9_0 = GemmVector.Fma(a9v, b0, c9_0);
            c9_1 = GemmVector.Fma(a9v, b1, c9_1);
            var a10v = Vector512.Create(a[10]);
            c10_0 = GemmVector.Fma(a10v, b0, c10_0);
            c10_1 = GemmVector.Fma(a10v, b1, c10_1);
            var a11v = Vector512.Create(a[11]);
            c11_0 = GemmVector.Fma(a11v, b0, c11_0);
            c11_1 = GemmVector.Fma(a11v, b1, c11_1);
            a += csa;
            b += ldbp;
        }

        var va = Vector512.Create(alpha);
        var vb = Vector512.Create(beta);
        bool readC = !T.IsZero(beta);
        GemmVector.Store(c + 0 * ldc, c0_0, va, vb, readC);
        GemmKernel512<T>.Last(c + 0 * ldc + 1 * lanes, c0_1, va, vb, readC, mask, partial);
        GemmVector.Store(c + 1 * ldc, c1_0, va, vb, readC);
        GemmKernel512<T>.Last(c + 1 * ldc + 1 * lanes, c1_1, va, vb, readC, mask, partial);
        GemmVector.Store(c + 2 * ldc, c2_0, va, vb, readC);
        GemmKernel512<T>.Last(c + 2 * ldc + 1 * lanes, c2_1, va, vb, readC, mask, partial);
        GemmVector.Store(c + 3 * ldc, c3_0, va, vb, readC);
        GemmKernel512<T>.Last(c + 3 * ldc + 1 * lanes, c3_1, va, vb, readC, mask, partial);
        GemmVector.Store(c + 4 * ldc, c4_0, va, vb, readC);
        GemmKernel512<T>.Last(c + 4 * ldc + 1 * lanes, c4_1, va, vb, readC, mask, partial);
        GemmVector.Store(c + 5 * ldc, c5_0, va, vb, readC);
        GemmKernel512<T>.Last(c + 5 * ldc + 1 * lanes, c5_1, va, vb, readC, mask, partial);
        GemmVector.Store(c + 6 * ldc, c6_0, va, vb, readC);
        GemmKernel512<T>.Last(c + 6 * ldc + 1 * lanes, c6_1, va, vb, readC, mask, partial);
        GemmVector.Store(c + 7 * ldc, c7_0, va, vb, readC);
        GemmKernel512<T>.Last(c + 7 * ldc + 1 * lanes, c7_1, va, vb, readC, mask, partial);
        GemmVector.Store(c + 8 * ldc, c8_0, va, vb, readC);
        GemmKernel512<T>.Last(c + 8 * ldc + 1 * lanes, c8_1, va, vb, readC, mask, partial);
        GemmVector.Store(c + 9 * ldc, c9_0, va, vb, readC);
        GemmKernel512<T>.Last(c + 9 * ldc + 1 * lanes, c9_1, va, vb, readC, mask, partial);
        GemmVector.Store(c + 10 * ldc, c10_0, va, vb, readC);
        GemmKernel512<T>.Last(c + 10 * ldc + 1 * lanes, c10_1, va, vb, readC, mask, partial);
        GemmVector.Store(c + 11 * ldc, c11_0, va, vb, readC);
        GemmKernel512<T>.Last(c + 11 * ldc + 1 * lanes, c11_1, va, vb, readC, mask, partial);
    }

    /// <summary>Exactly 12 rows × 1 vector, any row stride: 12 row pointers, no spills.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void Tile12x1(int kc, T* a, nint rsa, nint csa, T* b, nint ldbp, T* c, nint ldc, T alpha, T beta,
        Vector512<T> mask, bool partial)
    {
        nint lanes = Vector512<T>.Count;
        if (Sse.IsSupported)
        {
            for (int r = 0; r < 12; r++)
            {
                Sse.Prefetch0(c + r * ldc);
            }
        }
        Vector512<T> c0_0 = default;
        Vector512<T> c1_0 = default;
        Vector512<T> c2_0 = default;
        Vector512<T> c3_0 = default;
        Vector512<T> c4_0 = default;
        Vector512<T> c5_0 = default;
        Vector512<T> c6_0 = default;
        Vector512<T> c7_0 = default;
        Vector512<T> c8_0 = default;
        Vector512<T> c9_0 = default;
        Vector512<T> c10_0 = default;
        Vector512<T> c11_0 = default;
        T* a0 = a;
        T* a1 = a0 + rsa;
        T* a2 = a1 + rsa;
        T* a3 = a2 + rsa;
        T* a4 = a3 + rsa;
        T* a5 = a4 + rsa;
        T* a6 = a5 + rsa;
        T* a7 = a6 + rsa;
        T* a8 = a7 + rsa;
        T* a9 = a8 + rsa;
        T* a10 = a9 + rsa;
        T* a11 = a10 + rsa;
        nint off = 0;
        for (int p = 0; p < kc; p++)
        {
            var b0 = Vector512.Load(b);
            c0_0 = GemmVector.Fma(Vector512.Create(a0[off]), b0, c0_0);
            c1_0 = GemmVector.Fma(Vector512.Create(a1[off]), b0, c1_0);
            c2_0 = GemmVector.Fma(Vector512.Create(a2[off]), b0, c2_0);
            c3_0 = GemmVector.Fma(Vector512.Create(a3[off]), b0, c3_0);
            c4_0 = GemmVector.Fma(Vector512.Create(a4[off]), b0, c4_0);
            c5_0 = GemmVector.Fma(Vector512.Create(a5[off]), b0, c5_0);
            c6_0 = GemmVector.Fma(Vector512.Create(a6[off]), b0, c6_0);
            c7_0 = GemmVector.Fma(Vector512.Create(a7[off]), b0, c7_0);
            c8_0 = GemmVector.Fma(Vector512.Create(a8[off]), b0, c8_0);
            c9_0 = GemmVector.Fma(Vector512.Create(a9[off]), b0, c9_0);
            c10_0 = GemmVector.Fma(Vector512.Create(a10[off]), b0, c10_0);
            c11_0 = GemmVector.Fma(Vector512.Create(a11[off]), b0, c11_0);
            off += csa;
            b += ldbp;
        }

        var va = Vector512.Create(alpha);
        var vb = Vector512.Create(beta);
        bool readC = !T.IsZero(beta);
        GemmKernel512<T>.Last(c + 0 * ldc, c0_0, va, vb, readC, mask, partial);
        GemmKernel512<T>.Last(c + 1 * ldc, c1_0, va, vb, readC, mask, partial);
        GemmKernel512<T>.Last(c + 2 * ldc, c2_0, va, vb, readC, mask, partial);
        GemmKernel512<T>.Last(c + 3 * ldc, c3_0, va, vb, readC, mask, partial);
        GemmKernel512<T>.Last(c + 4 * ldc, c4_0, va, vb, readC, mask, partial);
        GemmKernel512<T>.Last(c + 5 * ldc, c5_0, va, vb, readC, mask, partial);
        GemmKernel512<T>.Last(c + 6 * ldc, c6_0, va, vb, readC, mask, partial);
        GemmKernel512<T>.Last(c + 7 * ldc, c7_0, va, vb, readC, mask, partial);
        GemmKernel512<T>.Last(c + 8 * ldc, c8_0, va, vb, readC, mask, partial);
        GemmKernel512<T>.Last(c + 9 * ldc, c9_0, va, vb, readC, mask, partial);
        GemmKernel512<T>.Last(c + 10 * ldc, c10_0, va, vb, readC, mask, partial);
        GemmKernel512<T>.Last(c + 11 * ldc, c11_0, va, vb, readC, mask, partial);
    }
}
