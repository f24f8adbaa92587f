using System.Numerics;
using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;

namespace Descent.Kernels.Sparse;

/// <summary>
/// The few vector operations the sparse kernels need (load, broadcast, fused multiply-add, gather, horizontal sum),
/// abstracted over the width so <see cref="SparseLinearKernels"/> is written once and the JIT specialises it for
/// 512- and 256-bit vectors of float or double.
/// </summary>
internal unsafe interface ISparseLanes<TSelf, T>
    where TSelf : unmanaged, ISparseLanes<TSelf, T>
    where T : unmanaged, IFloatingPointIeee754<T>
{
    /// <summary>Lanes per vector.</summary>
    static abstract int Count { get; }

    /// <summary>All lanes zero.</summary>
    static abstract TSelf Zero { get; }

    /// <summary>Loads <see cref="Count"/> elements.</summary>
    static abstract TSelf Load(T* source);

    /// <summary>Stores <see cref="Count"/> elements.</summary>
    static abstract void Store(TSelf value, T* destination);

    /// <summary>Every lane <paramref name="value"/>.</summary>
    static abstract TSelf Splat(T value);

    /// <summary>a·b + c, one rounding.</summary>
    static abstract TSelf Fma(TSelf a, TSelf b, TSelf c);

    /// <summary>a + b.</summary>
    static abstract TSelf Add(TSelf a, TSelf b);

    /// <summary>x[index[i]] for the <see cref="Count"/> int32 indices at <paramref name="index"/>.</summary>
    static abstract TSelf Gather(T* x, int* index);

    /// <summary>Sum of the lanes.</summary>
    static abstract T Sum(TSelf value);
}

/// <summary>512-bit lanes (AVX-512F; the gather is two AVX2 gathers).</summary>
internal readonly unsafe struct SparseLanes512<T> : ISparseLanes<SparseLanes512<T>, T> where T : unmanaged, IFloatingPointIeee754<T>
{
    private readonly Vector512<T> _v;

    private SparseLanes512(Vector512<T> v) => _v = v;

    public static int Count => Vector512<T>.Count;

    public static SparseLanes512<T> Zero => new(Vector512<T>.Zero);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static SparseLanes512<T> Load(T* source) => new(Vector512.Load(source));

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void Store(SparseLanes512<T> value, T* destination) => value._v.Store(destination);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static SparseLanes512<T> Splat(T value) => new(Vector512.Create(value));

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static SparseLanes512<T> Fma(SparseLanes512<T> a, SparseLanes512<T> b, SparseLanes512<T> c) => new(GemmVector.Fma(a._v, b._v, c._v));

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static SparseLanes512<T> Add(SparseLanes512<T> a, SparseLanes512<T> b) => new(a._v + b._v);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static SparseLanes512<T> Gather(T* x, int* index)
    {
        // .NET exposes no AVX-512 gather: two AVX2 gathers fill the halves.
        if (typeof(T) == typeof(float))
            return new(Vector512.Create(Avx2.GatherVector256((float*)x, Vector256.Load(index), 4),
                Avx2.GatherVector256((float*)x, Vector256.Load(index + 8), 4)).As<float, T>());
        return new(Vector512.Create(Avx2.GatherVector256((double*)x, Vector128.Load(index), 8),
            Avx2.GatherVector256((double*)x, Vector128.Load(index + 4), 8)).As<double, T>());
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static T Sum(SparseLanes512<T> value) => Vector512.Sum(value._v);
}

/// <summary>256-bit lanes (AVX2 + FMA).</summary>
internal readonly unsafe struct SparseLanes256<T> : ISparseLanes<SparseLanes256<T>, T> where T : unmanaged, IFloatingPointIeee754<T>
{
    private readonly Vector256<T> _v;

    private SparseLanes256(Vector256<T> v) => _v = v;

    public static int Count => Vector256<T>.Count;

    public static SparseLanes256<T> Zero => new(Vector256<T>.Zero);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static SparseLanes256<T> Load(T* source) => new(Vector256.Load(source));

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void Store(SparseLanes256<T> value, T* destination) => value._v.Store(destination);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static SparseLanes256<T> Splat(T value) => new(Vector256.Create(value));

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static SparseLanes256<T> Fma(SparseLanes256<T> a, SparseLanes256<T> b, SparseLanes256<T> c) => new(GemmVector.Fma(a._v, b._v, c._v));

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static SparseLanes256<T> Add(SparseLanes256<T> a, SparseLanes256<T> b) => new(a._v + b._v);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static SparseLanes256<T> Gather(T* x, int* index)
    {
        if (typeof(T) == typeof(float))
            return new(Avx2.GatherVector256((float*)x, Vector256.Load(index), 4).As<float, T>());
        return new(Avx2.GatherVector256((double*)x, Vector128.Load(index), 8).As<double, T>());
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static T Sum(SparseLanes256<T> value) => Vector256.Sum(value._v);
}
