using System.Numerics;
using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;

namespace Descent.Kernels;

/// <summary>
/// Copy and add of short contiguous runs through refs (no span slicing or per-call dispatch): Vector512 while a
/// full vector remains, then Vector256, then scalar; only the scalar loop when the scalar path is forced.
/// The caller guarantees both runs hold <c>n</c> elements.
/// </summary>
internal static class RunKernels
{
    /// <summary>dst[i] = src[i] for i &lt; n.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void Copy<T>(ref T src, ref T dst, int n) where T : unmanaged, IFloatingPointIeee754<T>
    {
        int i = 0;
        if (KernelConfig.UseVector512)
            for (; i <= n - Vector512<T>.Count; i += Vector512<T>.Count)
                Vector512.LoadUnsafe(ref src, (nuint)i).StoreUnsafe(ref dst, (nuint)i);
        if (KernelConfig.UseVector256)
            for (; i <= n - Vector256<T>.Count; i += Vector256<T>.Count)
                Vector256.LoadUnsafe(ref src, (nuint)i).StoreUnsafe(ref dst, (nuint)i);
        for (; i < n; i++)
            Unsafe.Add(ref dst, i) = Unsafe.Add(ref src, i);
    }

    /// <summary>dst[i] += src[i] for i &lt; n.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void Add<T>(ref T src, ref T dst, int n) where T : unmanaged, IFloatingPointIeee754<T>
    {
        int i = 0;
        if (KernelConfig.UseVector512)
            for (; i <= n - Vector512<T>.Count; i += Vector512<T>.Count)
                (Vector512.LoadUnsafe(ref dst, (nuint)i) + Vector512.LoadUnsafe(ref src, (nuint)i)).StoreUnsafe(ref dst, (nuint)i);
        if (KernelConfig.UseVector256)
            for (; i <= n - Vector256<T>.Count; i += Vector256<T>.Count)
                (Vector256.LoadUnsafe(ref dst, (nuint)i) + Vector256.LoadUnsafe(ref src, (nuint)i)).StoreUnsafe(ref dst, (nuint)i);
        for (; i < n; i++)
            Unsafe.Add(ref dst, i) += Unsafe.Add(ref src, i);
    }
}
