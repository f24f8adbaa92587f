using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;

namespace Descent.Kernels;

/// <summary>
/// One elementwise function written three ways: a scalar reference and the same math on 256- and 512-bit
/// vectors. <see cref="VectorLoop"/> picks the widest path <see cref="KernelConfig"/> allows.
/// </summary>
internal interface IVectorUnaryOp<T> where T : unmanaged
{
    T Scalar(T x);
    Vector256<T> Apply(Vector256<T> x);
    Vector512<T> Apply(Vector512<T> x);
}

/// <summary>Two-input counterpart of <see cref="IVectorUnaryOp{T}"/> (same-shape operands).</summary>
internal interface IVectorBinaryOp<T> where T : unmanaged
{
    T Scalar(T a, T b);
    Vector256<T> Apply(Vector256<T> a, Vector256<T> b);
    Vector512<T> Apply(Vector512<T> a, Vector512<T> b);
}

/// <summary>Drivers for <see cref="IVectorUnaryOp{T}"/>/<see cref="IVectorBinaryOp{T}"/>: full vectors first, then a scalar tail.</summary>
internal static class VectorLoop
{
    public static void Unary<T, TOp>(ReadOnlySpan<T> x, Span<T> y, TOp op)
        where T : unmanaged
        where TOp : struct, IVectorUnaryOp<T>
    {
        if (x.Length != y.Length)
            throw new DescentInternalException($"Elementwise kernel: input length {x.Length} != output length {y.Length}.");
        int n = x.Length, i = 0;
        ref T xr = ref MemoryMarshal.GetReference(x);
        ref T yr = ref MemoryMarshal.GetReference(y);
        if (KernelConfig.UseVector512)
        {
            for (; i <= n - Vector512<T>.Count; i += Vector512<T>.Count)
                op.Apply(Vector512.LoadUnsafe(ref xr, (nuint)i)).StoreUnsafe(ref yr, (nuint)i);
        }
        else if (KernelConfig.UseVector256)
        {
            for (; i <= n - Vector256<T>.Count; i += Vector256<T>.Count)
                op.Apply(Vector256.LoadUnsafe(ref xr, (nuint)i)).StoreUnsafe(ref yr, (nuint)i);
        }
        for (; i < n; i++)
            Unsafe.Add(ref yr, i) = op.Scalar(Unsafe.Add(ref xr, i));
    }

    public static void Binary<T, TOp>(ReadOnlySpan<T> a, ReadOnlySpan<T> b, Span<T> y, TOp op)
        where T : unmanaged
        where TOp : struct, IVectorBinaryOp<T>
    {
        if (a.Length != y.Length || b.Length != y.Length)
            throw new DescentInternalException($"Elementwise kernel: input lengths {a.Length}, {b.Length} != output length {y.Length}.");
        int n = y.Length, i = 0;
        ref T ar = ref MemoryMarshal.GetReference(a);
        ref T br = ref MemoryMarshal.GetReference(b);
        ref T yr = ref MemoryMarshal.GetReference(y);
        if (KernelConfig.UseVector512)
        {
            for (; i <= n - Vector512<T>.Count; i += Vector512<T>.Count)
                op.Apply(Vector512.LoadUnsafe(ref ar, (nuint)i), Vector512.LoadUnsafe(ref br, (nuint)i)).StoreUnsafe(ref yr, (nuint)i);
        }
        else if (KernelConfig.UseVector256)
        {
            for (; i <= n - Vector256<T>.Count; i += Vector256<T>.Count)
                op.Apply(Vector256.LoadUnsafe(ref ar, (nuint)i), Vector256.LoadUnsafe(ref br, (nuint)i)).StoreUnsafe(ref yr, (nuint)i);
        }
        for (; i < n; i++)
            Unsafe.Add(ref yr, i) = op.Scalar(Unsafe.Add(ref ar, i), Unsafe.Add(ref br, i));
    }
}

/// <summary>Exp/Log on generic vectors (the runtime provides them for float and double only).</summary>
internal static class VMath
{
    public static Vector512<T> Exp<T>(Vector512<T> v) where T : unmanaged
    {
        if (typeof(T) == typeof(double)) return Vector512.Exp(v.AsDouble()).As<double, T>();
        return Vector512.Exp(v.AsSingle()).As<float, T>();
    }

    public static Vector256<T> Exp<T>(Vector256<T> v) where T : unmanaged
    {
        if (typeof(T) == typeof(double)) return Vector256.Exp(v.AsDouble()).As<double, T>();
        return Vector256.Exp(v.AsSingle()).As<float, T>();
    }

    public static Vector512<T> Log<T>(Vector512<T> v) where T : unmanaged
    {
        if (typeof(T) == typeof(double)) return Vector512.Log(v.AsDouble()).As<double, T>();
        return Vector512.Log(v.AsSingle()).As<float, T>();
    }

    public static Vector256<T> Log<T>(Vector256<T> v) where T : unmanaged
    {
        if (typeof(T) == typeof(double)) return Vector256.Log(v.AsDouble()).As<double, T>();
        return Vector256.Log(v.AsSingle()).As<float, T>();
    }
}
