using System.Numerics;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;

namespace Descent.Kernels.Normalization;

/// <summary>
/// Contiguous-row primitives shared by the normalization kernels: sums, shifted sums of squares, dot products
/// and affine combinations, each with Vector512, Vector256 and scalar paths chosen by <see cref="KernelConfig"/>.
/// Results of one row are returned in double so callers accumulate rows in double.
/// </summary>
internal static class RowMath
{
    /// <summary>Σ x.</summary>
    public static double Sum<T>(ReadOnlySpan<T> x) where T : unmanaged, IFloatingPointIeee754<T>
    {
        int n = x.Length, i = 0;
        ref T xr = ref MemoryMarshal.GetReference(x);
        T s = T.Zero;
        if (KernelConfig.UseVector512 && n >= Vector512<T>.Count)
        {
            var acc = Vector512<T>.Zero;
            for (; i <= n - Vector512<T>.Count; i += Vector512<T>.Count) acc += Vector512.LoadUnsafe(ref xr, (nuint)i);
            s = Vector512.Sum(acc);
        }
        else if (KernelConfig.UseVector256 && n >= Vector256<T>.Count)
        {
            var acc = Vector256<T>.Zero;
            for (; i <= n - Vector256<T>.Count; i += Vector256<T>.Count) acc += Vector256.LoadUnsafe(ref xr, (nuint)i);
            s = Vector256.Sum(acc);
        }
        for (; i < n; i++) s += Unsafe.Add(ref xr, i);
        return double.CreateTruncating(s);
    }

    /// <summary>Σ (x − shift)².</summary>
    public static double SumSquaredDeviation<T>(ReadOnlySpan<T> x, T shift) where T : unmanaged, IFloatingPointIeee754<T>
    {
        int n = x.Length, i = 0;
        ref T xr = ref MemoryMarshal.GetReference(x);
        T s = T.Zero;
        if (KernelConfig.UseVector512 && n >= Vector512<T>.Count)
        {
            var acc = Vector512<T>.Zero;
            var m = Vector512.Create(shift);
            for (; i <= n - Vector512<T>.Count; i += Vector512<T>.Count)
            {
                var d = Vector512.LoadUnsafe(ref xr, (nuint)i) - m;
                acc += d * d;
            }
            s = Vector512.Sum(acc);
        }
        else if (KernelConfig.UseVector256 && n >= Vector256<T>.Count)
        {
            var acc = Vector256<T>.Zero;
            var m = Vector256.Create(shift);
            for (; i <= n - Vector256<T>.Count; i += Vector256<T>.Count)
            {
                var d = Vector256.LoadUnsafe(ref xr, (nuint)i) - m;
                acc += d * d;
            }
            s = Vector256.Sum(acc);
        }
        for (; i < n; i++)
        {
            T d = Unsafe.Add(ref xr, i) - shift;
            s += d * d;
        }
        return double.CreateTruncating(s);
    }

    /// <summary>(Σ g, Σ g·(x − shift)) in one pass.</summary>
    public static (double SumG, double SumGX) SumAndDot<T>(ReadOnlySpan<T> g, ReadOnlySpan<T> x, T shift) where T : unmanaged, IFloatingPointIeee754<T>
    {
        int n = x.Length, i = 0;
        ref T xr = ref MemoryMarshal.GetReference(x);
        ref T gr = ref MemoryMarshal.GetReference(g);
        T sg = T.Zero, sgx = T.Zero;
        if (KernelConfig.UseVector512 && n >= Vector512<T>.Count)
        {
            Vector512<T> a = Vector512<T>.Zero, b = Vector512<T>.Zero, m = Vector512.Create(shift);
            for (; i <= n - Vector512<T>.Count; i += Vector512<T>.Count)
            {
                var gv = Vector512.LoadUnsafe(ref gr, (nuint)i);
                a += gv;
                b += gv * (Vector512.LoadUnsafe(ref xr, (nuint)i) - m);
            }
            sg = Vector512.Sum(a);
            sgx = Vector512.Sum(b);
        }
        else if (KernelConfig.UseVector256 && n >= Vector256<T>.Count)
        {
            Vector256<T> a = Vector256<T>.Zero, b = Vector256<T>.Zero, m = Vector256.Create(shift);
            for (; i <= n - Vector256<T>.Count; i += Vector256<T>.Count)
            {
                var gv = Vector256.LoadUnsafe(ref gr, (nuint)i);
                a += gv;
                b += gv * (Vector256.LoadUnsafe(ref xr, (nuint)i) - m);
            }
            sg = Vector256.Sum(a);
            sgx = Vector256.Sum(b);
        }
        for (; i < n; i++)
        {
            T gv = Unsafe.Add(ref gr, i);
            sg += gv;
            sgx += gv * (Unsafe.Add(ref xr, i) - shift);
        }
        return (double.CreateTruncating(sg), double.CreateTruncating(sgx));
    }

    /// <summary>o = a·u + b·v + c (v may be empty when b is unused).</summary>
    public static void Affine<T>(ReadOnlySpan<T> u, T a, ReadOnlySpan<T> v, T b, T c, Span<T> o) where T : unmanaged, IFloatingPointIeee754<T>
    {
        int n = o.Length, i = 0;
        bool hasV = !v.IsEmpty;
        ref T ur = ref MemoryMarshal.GetReference(u);
        ref T vr = ref MemoryMarshal.GetReference(v);
        ref T or = ref MemoryMarshal.GetReference(o);
        if (KernelConfig.UseVector512 && n >= Vector512<T>.Count)
        {
            Vector512<T> av = Vector512.Create(a), bv = Vector512.Create(b), cv = Vector512.Create(c);
            for (; i <= n - Vector512<T>.Count; i += Vector512<T>.Count)
            {
                var r = Vector512.LoadUnsafe(ref ur, (nuint)i) * av + cv;
                if (hasV) r += Vector512.LoadUnsafe(ref vr, (nuint)i) * bv;
                r.StoreUnsafe(ref or, (nuint)i);
            }
        }
        else if (KernelConfig.UseVector256 && n >= Vector256<T>.Count)
        {
            Vector256<T> av = Vector256.Create(a), bv = Vector256.Create(b), cv = Vector256.Create(c);
            for (; i <= n - Vector256<T>.Count; i += Vector256<T>.Count)
            {
                var r = Vector256.LoadUnsafe(ref ur, (nuint)i) * av + cv;
                if (hasV) r += Vector256.LoadUnsafe(ref vr, (nuint)i) * bv;
                r.StoreUnsafe(ref or, (nuint)i);
            }
        }
        for (; i < n; i++)
        {
            T r = Unsafe.Add(ref ur, i) * a + c;
            if (hasV) r += Unsafe.Add(ref vr, i) * b;
            Unsafe.Add(ref or, i) = r;
        }
    }

    /// <summary>o = u·w + b elementwise (b may be empty).</summary>
    public static void MultiplyAdd<T>(ReadOnlySpan<T> u, ReadOnlySpan<T> w, ReadOnlySpan<T> b, Span<T> o) where T : unmanaged, IFloatingPointIeee754<T>
    {
        int n = o.Length, i = 0;
        bool hasB = !b.IsEmpty;
        ref T ur = ref MemoryMarshal.GetReference(u);
        ref T wr = ref MemoryMarshal.GetReference(w);
        ref T br = ref MemoryMarshal.GetReference(b);
        ref T or = ref MemoryMarshal.GetReference(o);
        if (KernelConfig.UseVector512 && n >= Vector512<T>.Count)
        {
            for (; i <= n - Vector512<T>.Count; i += Vector512<T>.Count)
            {
                var r = Vector512.LoadUnsafe(ref ur, (nuint)i) * Vector512.LoadUnsafe(ref wr, (nuint)i);
                if (hasB) r += Vector512.LoadUnsafe(ref br, (nuint)i);
                r.StoreUnsafe(ref or, (nuint)i);
            }
        }
        else if (KernelConfig.UseVector256 && n >= Vector256<T>.Count)
        {
            for (; i <= n - Vector256<T>.Count; i += Vector256<T>.Count)
            {
                var r = Vector256.LoadUnsafe(ref ur, (nuint)i) * Vector256.LoadUnsafe(ref wr, (nuint)i);
                if (hasB) r += Vector256.LoadUnsafe(ref br, (nuint)i);
                r.StoreUnsafe(ref or, (nuint)i);
            }
        }
        for (; i < n; i++)
        {
            T r = Unsafe.Add(ref ur, i) * Unsafe.Add(ref wr, i);
            if (hasB) r += Unsafe.Add(ref br, i);
            Unsafe.Add(ref or, i) = r;
        }
    }

    /// <summary>acc[j] += (x[j] − shift[j])².</summary>
    public static void AccumulateSquaredDeviation<T>(ReadOnlySpan<T> x, ReadOnlySpan<T> shift, Span<T> acc) where T : unmanaged, IFloatingPointIeee754<T>
    {
        int n = x.Length, i = 0;
        ref T xr = ref MemoryMarshal.GetReference(x);
        ref T sr = ref MemoryMarshal.GetReference(shift);
        ref T ar = ref MemoryMarshal.GetReference(acc);
        if (KernelConfig.UseVector512 && n >= Vector512<T>.Count)
        {
            for (; i <= n - Vector512<T>.Count; i += Vector512<T>.Count)
            {
                var d = Vector512.LoadUnsafe(ref xr, (nuint)i) - Vector512.LoadUnsafe(ref sr, (nuint)i);
                (Vector512.LoadUnsafe(ref ar, (nuint)i) + d * d).StoreUnsafe(ref ar, (nuint)i);
            }
        }
        else if (KernelConfig.UseVector256 && n >= Vector256<T>.Count)
        {
            for (; i <= n - Vector256<T>.Count; i += Vector256<T>.Count)
            {
                var d = Vector256.LoadUnsafe(ref xr, (nuint)i) - Vector256.LoadUnsafe(ref sr, (nuint)i);
                (Vector256.LoadUnsafe(ref ar, (nuint)i) + d * d).StoreUnsafe(ref ar, (nuint)i);
            }
        }
        for (; i < n; i++)
        {
            T d = Unsafe.Add(ref xr, i) - Unsafe.Add(ref sr, i);
            Unsafe.Add(ref ar, i) += d * d;
        }
    }

    /// <summary>acc[j] += g[j]·(x[j] − shift[j]).</summary>
    public static void AccumulateProductOfDeviation<T>(ReadOnlySpan<T> g, ReadOnlySpan<T> x, ReadOnlySpan<T> shift, Span<T> acc)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        int n = x.Length, i = 0;
        ref T gr = ref MemoryMarshal.GetReference(g);
        ref T xr = ref MemoryMarshal.GetReference(x);
        ref T sr = ref MemoryMarshal.GetReference(shift);
        ref T ar = ref MemoryMarshal.GetReference(acc);
        if (KernelConfig.UseVector512 && n >= Vector512<T>.Count)
        {
            for (; i <= n - Vector512<T>.Count; i += Vector512<T>.Count)
            {
                var d = Vector512.LoadUnsafe(ref xr, (nuint)i) - Vector512.LoadUnsafe(ref sr, (nuint)i);
                (Vector512.LoadUnsafe(ref ar, (nuint)i) + Vector512.LoadUnsafe(ref gr, (nuint)i) * d).StoreUnsafe(ref ar, (nuint)i);
            }
        }
        else if (KernelConfig.UseVector256 && n >= Vector256<T>.Count)
        {
            for (; i <= n - Vector256<T>.Count; i += Vector256<T>.Count)
            {
                var d = Vector256.LoadUnsafe(ref xr, (nuint)i) - Vector256.LoadUnsafe(ref sr, (nuint)i);
                (Vector256.LoadUnsafe(ref ar, (nuint)i) + Vector256.LoadUnsafe(ref gr, (nuint)i) * d).StoreUnsafe(ref ar, (nuint)i);
            }
        }
        for (; i < n; i++)
            Unsafe.Add(ref ar, i) += Unsafe.Add(ref gr, i) * (Unsafe.Add(ref xr, i) - Unsafe.Add(ref sr, i));
    }
}
