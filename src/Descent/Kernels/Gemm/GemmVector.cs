using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;

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
}
