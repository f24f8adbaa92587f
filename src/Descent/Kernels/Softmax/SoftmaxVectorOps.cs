using System.Numerics;
using System.Numerics.Tensors;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;

namespace Descent.Kernels;

/// <summary>
/// The fused SIMD loops of the softmax kernels. Each runs Vector512 while a full vector remains (when
/// allowed), then Vector256, then a scalar tail; with the scalar path forced only the tail loop runs.
/// A "shift" is either one value for a whole row or one value per column (strided layout).
/// </summary>
internal static class SoftmaxVectorOps
{
    /// <summary>e = exp(x − shift), stored to <paramref name="y"/> when <paramref name="store"/>; returns Σ e.</summary>
    public static T ExpShift<T>(ReadOnlySpan<T> x, T shift, Span<T> y, bool store) where T : unmanaged, IFloatingPointIeee754<T>
    {
        int i = 0, n = x.Length;
        T sum = T.Zero;
        if (KernelConfig.UseVector512 && n >= Vector512<T>.Count)
        {
            var s = Vector512.Create(shift);
            var acc = Vector512<T>.Zero;
            for (; i <= n - Vector512<T>.Count; i += Vector512<T>.Count)
            {
                var e = VectorMath.Exp(Vector512.LoadUnsafe(ref At(x, i)) - s);
                if (store) e.StoreUnsafe(ref At(y, i));
                acc += e;
            }
            sum += Vector512.Sum(acc);
        }
        if (KernelConfig.UseVector256 && n - i >= Vector256<T>.Count)
        {
            var s = Vector256.Create(shift);
            var acc = Vector256<T>.Zero;
            for (; i <= n - Vector256<T>.Count; i += Vector256<T>.Count)
            {
                var e = VectorMath.Exp(Vector256.LoadUnsafe(ref At(x, i)) - s);
                if (store) e.StoreUnsafe(ref At(y, i));
                acc += e;
            }
            sum += Vector256.Sum(acc);
        }
        for (; i < n; i++)
        {
            T e = T.Exp(x[i] - shift);
            if (store) y[i] = e;
            sum += e;
        }
        return sum;
    }

    /// <summary>e = exp(x − shift) per column; acc += e; stored to <paramref name="y"/> when <paramref name="store"/>.</summary>
    public static void ExpShiftAccumulate<T>(ReadOnlySpan<T> x, ReadOnlySpan<T> shift, Span<T> y, Span<T> acc, bool store)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        int i = 0, n = x.Length;
        if (KernelConfig.UseVector512)
        {
            for (; i <= n - Vector512<T>.Count; i += Vector512<T>.Count)
            {
                var e = VectorMath.Exp(Vector512.LoadUnsafe(ref At(x, i)) - Vector512.LoadUnsafe(ref At(shift, i)));
                if (store) e.StoreUnsafe(ref At(y, i));
                (Vector512.LoadUnsafe(ref At(acc, i)) + e).StoreUnsafe(ref At(acc, i));
            }
        }
        if (KernelConfig.UseVector256)
        {
            for (; i <= n - Vector256<T>.Count; i += Vector256<T>.Count)
            {
                var e = VectorMath.Exp(Vector256.LoadUnsafe(ref At(x, i)) - Vector256.LoadUnsafe(ref At(shift, i)));
                if (store) e.StoreUnsafe(ref At(y, i));
                (Vector256.LoadUnsafe(ref At(acc, i)) + e).StoreUnsafe(ref At(acc, i));
            }
        }
        for (; i < n; i++)
        {
            T e = T.Exp(x[i] - shift[i]);
            if (store) y[i] = e;
            acc[i] += e;
        }
    }

    /// <summary>y *= factor.</summary>
    public static void Scale<T>(Span<T> y, T factor) where T : unmanaged, IFloatingPointIeee754<T>
    {
        if (KernelConfig.ForceScalar) { for (int i = 0; i < y.Length; i++) y[i] *= factor; }
        else TensorPrimitives.Multiply(y, factor, y);
    }

    /// <summary>y = x − t.</summary>
    public static void Shift<T>(ReadOnlySpan<T> x, T t, Span<T> y) where T : unmanaged, IFloatingPointIeee754<T>
    {
        if (KernelConfig.ForceScalar) { for (int i = 0; i < y.Length; i++) y[i] = x[i] - t; }
        else TensorPrimitives.Subtract(x, t, y);
    }

    /// <summary>dx = y·(g − dot) with one dot for the row.</summary>
    public static void SoftmaxGrad<T>(ReadOnlySpan<T> y, ReadOnlySpan<T> g, T dot, Span<T> dx) where T : unmanaged, IFloatingPointIeee754<T>
    {
        int i = 0, n = y.Length;
        if (KernelConfig.UseVector512)
        {
            var d = Vector512.Create(dot);
            for (; i <= n - Vector512<T>.Count; i += Vector512<T>.Count)
                (Vector512.LoadUnsafe(ref At(y, i)) * (Vector512.LoadUnsafe(ref At(g, i)) - d)).StoreUnsafe(ref At(dx, i));
        }
        if (KernelConfig.UseVector256)
        {
            var d = Vector256.Create(dot);
            for (; i <= n - Vector256<T>.Count; i += Vector256<T>.Count)
                (Vector256.LoadUnsafe(ref At(y, i)) * (Vector256.LoadUnsafe(ref At(g, i)) - d)).StoreUnsafe(ref At(dx, i));
        }
        for (; i < n; i++) dx[i] = y[i] * (g[i] - dot);
    }

    /// <summary>dx = y·(g − dot) with one dot per column.</summary>
    public static void SoftmaxGrad<T>(ReadOnlySpan<T> y, ReadOnlySpan<T> g, ReadOnlySpan<T> dot, Span<T> dx)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        int i = 0, n = y.Length;
        if (KernelConfig.UseVector512)
        {
            for (; i <= n - Vector512<T>.Count; i += Vector512<T>.Count)
                (Vector512.LoadUnsafe(ref At(y, i)) * (Vector512.LoadUnsafe(ref At(g, i)) - Vector512.LoadUnsafe(ref At(dot, i))))
                    .StoreUnsafe(ref At(dx, i));
        }
        if (KernelConfig.UseVector256)
        {
            for (; i <= n - Vector256<T>.Count; i += Vector256<T>.Count)
                (Vector256.LoadUnsafe(ref At(y, i)) * (Vector256.LoadUnsafe(ref At(g, i)) - Vector256.LoadUnsafe(ref At(dot, i))))
                    .StoreUnsafe(ref At(dx, i));
        }
        for (; i < n; i++) dx[i] = y[i] * (g[i] - dot[i]);
    }

    /// <summary>dx = g − exp(y)·sum with one sum for the row.</summary>
    public static void LogSoftmaxGrad<T>(ReadOnlySpan<T> y, ReadOnlySpan<T> g, T sum, Span<T> dx) where T : unmanaged, IFloatingPointIeee754<T>
    {
        int i = 0, n = y.Length;
        if (KernelConfig.UseVector512)
        {
            var s = Vector512.Create(sum);
            for (; i <= n - Vector512<T>.Count; i += Vector512<T>.Count)
                (Vector512.LoadUnsafe(ref At(g, i)) - VectorMath.Exp(Vector512.LoadUnsafe(ref At(y, i))) * s).StoreUnsafe(ref At(dx, i));
        }
        if (KernelConfig.UseVector256)
        {
            var s = Vector256.Create(sum);
            for (; i <= n - Vector256<T>.Count; i += Vector256<T>.Count)
                (Vector256.LoadUnsafe(ref At(g, i)) - VectorMath.Exp(Vector256.LoadUnsafe(ref At(y, i))) * s).StoreUnsafe(ref At(dx, i));
        }
        for (; i < n; i++) dx[i] = g[i] - T.Exp(y[i]) * sum;
    }

    /// <summary>dx = g − exp(y)·sum with one sum per column.</summary>
    public static void LogSoftmaxGrad<T>(ReadOnlySpan<T> y, ReadOnlySpan<T> g, ReadOnlySpan<T> sum, Span<T> dx)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        int i = 0, n = y.Length;
        if (KernelConfig.UseVector512)
        {
            for (; i <= n - Vector512<T>.Count; i += Vector512<T>.Count)
                (Vector512.LoadUnsafe(ref At(g, i)) - VectorMath.Exp(Vector512.LoadUnsafe(ref At(y, i))) * Vector512.LoadUnsafe(ref At(sum, i)))
                    .StoreUnsafe(ref At(dx, i));
        }
        if (KernelConfig.UseVector256)
        {
            for (; i <= n - Vector256<T>.Count; i += Vector256<T>.Count)
                (Vector256.LoadUnsafe(ref At(g, i)) - VectorMath.Exp(Vector256.LoadUnsafe(ref At(y, i))) * Vector256.LoadUnsafe(ref At(sum, i)))
                    .StoreUnsafe(ref At(dx, i));
        }
        for (; i < n; i++) dx[i] = g[i] - T.Exp(y[i]) * sum[i];
    }

    private static ref T At<T>(ReadOnlySpan<T> span, int index) => ref Unsafe.Add(ref MemoryMarshal.GetReference(span), index);

    private static ref T At<T>(Span<T> span, int index) => ref Unsafe.Add(ref MemoryMarshal.GetReference(span), index);
}
