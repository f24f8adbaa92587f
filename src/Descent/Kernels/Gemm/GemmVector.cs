using System.Runtime.CompilerServices;
using System.Numerics;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;

namespace Descent.Kernels;

/// <summary>
/// Fused multiply-add on generic vectors. The BCL exposes FMA only per element type, so these helpers
/// branch on <c>typeof(T)</c>; the JIT folds the branch away in each specialisation.
/// </summary>
internal static class GemmVector
{
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector512<T> Fma<T>(Vector512<T> x, Vector512<T> y, Vector512<T> z)
    {
        if (typeof(T) == typeof(float))
            return Vector512.FusedMultiplyAdd(x.AsSingle(), y.AsSingle(), z.AsSingle()).As<float, T>();
        return Vector512.FusedMultiplyAdd(x.AsDouble(), y.AsDouble(), z.AsDouble()).As<double, T>();
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector256<T> Fma<T>(Vector256<T> x, Vector256<T> y, Vector256<T> z)
    {
        if (typeof(T) == typeof(float))
            return Vector256.FusedMultiplyAdd(x.AsSingle(), y.AsSingle(), z.AsSingle()).As<float, T>();
        return Vector256.FusedMultiplyAdd(x.AsDouble(), y.AsDouble(), z.AsDouble()).As<double, T>();
    }

    /// <summary>
    /// Writes alpha·acc (+ beta·C when <paramref name="readC"/>) to <paramref name="c"/>, rounding exactly
    /// like <see cref="GemmEdge{T}.Merge"/> so every C element sees the same arithmetic whatever tile
    /// covers it (results must not depend on how C is split over threads).
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static unsafe void Store<T>(T* c, Vector512<T> acc, Vector512<T> alpha, Vector512<T> beta, bool readC)
        where T : unmanaged
    {
        var t = acc * alpha;
        if (readC)
            t = Fma(beta, Vector512.Load(c), t);
        t.Store(c);
    }

    /// <inheritdoc cref="Store{T}(T*, Vector512{T}, Vector512{T}, Vector512{T}, bool)"/>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static unsafe void Store<T>(T* c, Vector256<T> acc, Vector256<T> alpha, Vector256<T> beta, bool readC)
        where T : unmanaged
    {
        var t = acc * alpha;
        if (readC)
            t = Fma(beta, Vector256.Load(c), t);
        t.Store(c);
    }

    /// <summary>
    /// <see cref="Store{T}(T*, Vector512{T}, Vector512{T}, Vector512{T}, bool)"/> for the lanes set in
    /// <paramref name="mask"/> only; AVX-512 masked moves neither read nor write the other lanes (no fault,
    /// no race with a thread that owns the neighbouring columns).
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static unsafe void StoreMasked<T>(T* c, Vector512<T> acc, Vector512<T> alpha, Vector512<T> beta, bool readC,
        Vector512<T> mask) where T : unmanaged
    {
        var t = acc * alpha;
        if (typeof(T) == typeof(float))
        {
            if (readC)
                t = Fma(beta, Avx512F.MaskLoad((float*)c, mask.AsSingle(), Vector512<float>.Zero).As<float, T>(), t);
            Avx512F.MaskStore((float*)c, mask.AsSingle(), t.AsSingle());
        }
        else
        {
            if (readC)
                t = Fma(beta, Avx512F.MaskLoad((double*)c, mask.AsDouble(), Vector512<double>.Zero).As<double, T>(), t);
            Avx512F.MaskStore((double*)c, mask.AsDouble(), t.AsDouble());
        }
    }

    /// <summary>A mask with the first <paramref name="count"/> lanes set.</summary>
    public static Vector512<T> TailMask<T>(int count) where T : unmanaged, INumberBase<T> =>
        Vector512.LessThan(Vector512<T>.Indices, Vector512.Create(T.CreateTruncating(count)));
}
