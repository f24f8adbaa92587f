using System.Numerics;
using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;

namespace Descent.Kernels;

/// <summary>
/// The handful of lane-wise operations the fused optimizer updates and the Winograd transforms need, abstracted over
/// the vector width so each formula is written once and the JIT specialises it for <see cref="Vector512{T}"/>,
/// <see cref="Vector256{T}"/> and single elements (<see cref="SimdScalar{T}"/>; the BCL's own <c>ISimdVector</c> is
/// not public). Only IEEE-exact lane-wise
/// operations (add, sub, mul, div, sqrt, max, abs) are exposed, so a SIMD path gives bit-identical results to
/// the scalar loop that handles tails and the forced-scalar mode: no FMA contraction, no reassociation.
/// </summary>
internal unsafe interface ISimdVector<TSelf, T>
    where TSelf : unmanaged, ISimdVector<TSelf, T>
    where T : unmanaged, IFloatingPointIeee754<T>
{
    /// <summary>Lanes per vector.</summary>
    static abstract int Count { get; }

    /// <summary>Loads <see cref="Count"/> elements (no alignment required).</summary>
    static abstract TSelf Load(T* source);

    /// <summary>Stores <see cref="Count"/> elements.</summary>
    static abstract void Store(TSelf value, T* destination);

    /// <summary>Every lane set to <paramref name="value"/>.</summary>
    static abstract TSelf Splat(T value);

    /// <summary>a + b.</summary>
    static abstract TSelf Add(TSelf a, TSelf b);

    /// <summary>a − b.</summary>
    static abstract TSelf Sub(TSelf a, TSelf b);

    /// <summary>a · b.</summary>
    static abstract TSelf Mul(TSelf a, TSelf b);

    /// <summary>a / b.</summary>
    static abstract TSelf Div(TSelf a, TSelf b);

    /// <summary>√a.</summary>
    static abstract TSelf Sqrt(TSelf a);

    /// <summary>IEEE 754-2019 maximum (NaN propagates, like <c>torch.maximum</c>).</summary>
    static abstract TSelf Max(TSelf a, TSelf b);

    /// <summary>IEEE 754-2019 minimum (NaN propagates).</summary>
    static abstract TSelf Min(TSelf a, TSelf b);

    /// <summary>|a|.</summary>
    static abstract TSelf Abs(TSelf a);

    /// <summary>−a.</summary>
    static abstract TSelf Neg(TSelf a);
}

/// <summary>512-bit lanes.</summary>
internal readonly unsafe struct Simd512<T> : ISimdVector<Simd512<T>, T> where T : unmanaged, IFloatingPointIeee754<T>
{
    private readonly Vector512<T> _v;

    private Simd512(Vector512<T> v) => _v = v;

    public static int Count => Vector512<T>.Count;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Simd512<T> Load(T* source) => new(Vector512.Load(source));

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void Store(Simd512<T> value, T* destination) => value._v.Store(destination);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Simd512<T> Splat(T value) => new(Vector512.Create(value));

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Simd512<T> Add(Simd512<T> a, Simd512<T> b) => new(a._v + b._v);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Simd512<T> Sub(Simd512<T> a, Simd512<T> b) => new(a._v - b._v);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Simd512<T> Mul(Simd512<T> a, Simd512<T> b) => new(a._v * b._v);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Simd512<T> Div(Simd512<T> a, Simd512<T> b) => new(a._v / b._v);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Simd512<T> Sqrt(Simd512<T> a) => new(Vector512.Sqrt(a._v));

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Simd512<T> Max(Simd512<T> a, Simd512<T> b) => new(Vector512.Max(a._v, b._v));

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Simd512<T> Min(Simd512<T> a, Simd512<T> b) => new(Vector512.Min(a._v, b._v));

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Simd512<T> Abs(Simd512<T> a) => new(Vector512.Abs(a._v));

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Simd512<T> Neg(Simd512<T> a) => new(-a._v);
}

/// <summary>256-bit lanes.</summary>
internal readonly unsafe struct Simd256<T> : ISimdVector<Simd256<T>, T> where T : unmanaged, IFloatingPointIeee754<T>
{
    private readonly Vector256<T> _v;

    private Simd256(Vector256<T> v) => _v = v;

    public static int Count => Vector256<T>.Count;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Simd256<T> Load(T* source) => new(Vector256.Load(source));

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void Store(Simd256<T> value, T* destination) => value._v.Store(destination);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Simd256<T> Splat(T value) => new(Vector256.Create(value));

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Simd256<T> Add(Simd256<T> a, Simd256<T> b) => new(a._v + b._v);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Simd256<T> Sub(Simd256<T> a, Simd256<T> b) => new(a._v - b._v);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Simd256<T> Mul(Simd256<T> a, Simd256<T> b) => new(a._v * b._v);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Simd256<T> Div(Simd256<T> a, Simd256<T> b) => new(a._v / b._v);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Simd256<T> Sqrt(Simd256<T> a) => new(Vector256.Sqrt(a._v));

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Simd256<T> Max(Simd256<T> a, Simd256<T> b) => new(Vector256.Max(a._v, b._v));

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Simd256<T> Min(Simd256<T> a, Simd256<T> b) => new(Vector256.Min(a._v, b._v));

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Simd256<T> Abs(Simd256<T> a) => new(Vector256.Abs(a._v));

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Simd256<T> Neg(Simd256<T> a) => new(-a._v);
}

/// <summary>One lane: the scalar reference path (forced-scalar mode and tails) through the same generic code.</summary>
internal readonly unsafe struct SimdScalar<T> : ISimdVector<SimdScalar<T>, T> where T : unmanaged, IFloatingPointIeee754<T>
{
    private readonly T _v;

    private SimdScalar(T v) => _v = v;

    public static int Count => 1;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static SimdScalar<T> Load(T* source) => new(*source);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void Store(SimdScalar<T> value, T* destination) => *destination = value._v;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static SimdScalar<T> Splat(T value) => new(value);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static SimdScalar<T> Add(SimdScalar<T> a, SimdScalar<T> b) => new(a._v + b._v);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static SimdScalar<T> Sub(SimdScalar<T> a, SimdScalar<T> b) => new(a._v - b._v);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static SimdScalar<T> Mul(SimdScalar<T> a, SimdScalar<T> b) => new(a._v * b._v);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static SimdScalar<T> Div(SimdScalar<T> a, SimdScalar<T> b) => new(a._v / b._v);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static SimdScalar<T> Sqrt(SimdScalar<T> a) => new(T.Sqrt(a._v));

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static SimdScalar<T> Max(SimdScalar<T> a, SimdScalar<T> b) => new(T.Max(a._v, b._v));

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static SimdScalar<T> Min(SimdScalar<T> a, SimdScalar<T> b) => new(T.Min(a._v, b._v));

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static SimdScalar<T> Abs(SimdScalar<T> a) => new(T.Abs(a._v));

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static SimdScalar<T> Neg(SimdScalar<T> a) => new(-a._v);
}
