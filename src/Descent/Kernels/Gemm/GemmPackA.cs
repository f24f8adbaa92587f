using System.Numerics;
using System.Runtime.Intrinsics;

namespace Descent.Kernels;

/// <summary>
/// Copies an mc × kc block of a transposed A (stored k-major: kc rows of mc elements, row stride lda) into a
/// compact buffer with the same orientation; the micro-kernel broadcasts A elements, so it needs no transpose.
/// Reading such an A in place, each k step of the micro-kernel touches a new stored row; once lda spans a
/// page or more that is a TLB miss per k step, which the compact copy (rows mc + 16 elements apart) avoids.
/// </summary>
internal static unsafe class GemmPackA<T> where T : unmanaged, IFloatingPointIeee754<T>
{
    /// <summary>Extra elements per copied row, so copied rows are never a multiple of 4 KiB apart.</summary>
    private const int Skew = 16;

    /// <summary>
    /// Copies op(A)[0..mc, 0..kc], op(A)(i, p) = a[p·lda + i], to <paramref name="dst"/>; returns the row
    /// stride of the copy: op(A)(i, p) = dst[i + p·stride].
    /// </summary>
    public static nint PackTransposed(SimdLevel level, int mc, int kc, T* a, nint lda, T* dst)
    {
        nint ld = mc + Skew;
        for (int p = 0; p < kc; p++)
            Copy(level, a + p * lda, dst + p * ld, mc);
        return ld;
    }

    /// <summary>Elements <see cref="PackTransposed"/> needs for an mc × kc block.</summary>
    public static int Size(int mc, int kc) => (mc + Skew) * kc;

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
