using System.Numerics;
using System.Runtime.Intrinsics;

namespace Descent.Kernels;

/// <summary>
/// Copies an mc × kc block of op(A) into a contiguous buffer, keeping its orientation (no transpose: the
/// micro-kernel broadcasts A elements, so any fixed row/column stride works). Packing A is optional here;
/// it pays when the caller's rows are far apart: a large power-of-two lda maps the 6 rows a micro-kernel
/// reads onto the same L1/L2 sets, and with transA every k step touches a new page (TLB misses).
/// </summary>
internal static unsafe class GemmPackA<T> where T : unmanaged, IFloatingPointIeee754<T>
{
    /// <summary>Extra elements per packed row, so packed rows are never a multiple of 4 KiB apart.</summary>
    public const int Skew = 16;

    /// <summary>
    /// Copies op(A)[0..mc, 0..kc] starting at <paramref name="a"/> to <paramref name="dst"/>; returns the
    /// strides (rsa, csa) of the copy: op(A)(i, p) = dst[i·rsa + p·csa].
    /// </summary>
    public static (nint Rsa, nint Csa) Pack(SimdLevel level, bool trans, int mc, int kc, T* a, nint lda, T* dst)
    {
        if (trans)
        {
            // Stored as kc rows of mc elements; keep that layout.
            nint ld = mc + Skew;
            for (int p = 0; p < kc; p++)
                Copy(level, a + p * lda, dst + p * ld, mc);
            return (1, ld);
        }
        else
        {
            nint ld = kc + Skew;
            for (int i = 0; i < mc; i++)
                Copy(level, a + i * lda, dst + i * ld, kc);
            return (ld, 1);
        }
    }

    /// <summary>Elements <see cref="Pack"/> needs for an mc × kc block.</summary>
    public static int Size(int mc, int kc) => Math.Max((mc + Skew) * kc, mc * (kc + Skew));

    private static void Copy(SimdLevel level, T* src, T* dst, int count)
    {
        int x = 0;
        if (level == SimdLevel.Vector512)
        {
            for (; x + Vector512<T>.Count <= count; x += Vector512<T>.Count)
                Vector512.Load(src + x).Store(dst + x);
        }
        else if (level == SimdLevel.Vector256)
        {
            for (; x + Vector256<T>.Count <= count; x += Vector256<T>.Count)
                Vector256.Load(src + x).Store(dst + x);
        }
        for (; x < count; x++)
            dst[x] = src[x];
    }
}
