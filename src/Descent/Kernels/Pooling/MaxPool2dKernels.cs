using System.Numerics;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;

namespace Descent.Kernels;

/// <summary>
/// 2-D max pooling over [planes, H, W] with argmax indices (flat h·W + w inside each input plane, as PyTorch).
/// Each window is scanned row-major and a tap replaces the running maximum when it is larger or NaN, so
/// ties keep the first maximum and a NaN in the window wins (PyTorch's CPU kernel semantics; the last NaN
/// when there are several). The 2×2 stride-2 float case runs as SIMD over output columns (Vector512, 256 or 128
/// by row width).
/// </summary>
public static class MaxPool2dKernels
{
    /// <summary>Pools every plane of <paramref name="x"/> into <paramref name="y"/> and <paramref name="indices"/>.</summary>
    public static void Forward<T>(ReadOnlyMemory<T> x, Memory<T> y, Memory<long> indices, int planes, in Pool2dGeometry g)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        var body = new ForwardBody<T>(x, y, indices, g);
        NNParallel.Run(planes, (long)planes * g.OutPlane * g.KernelH * g.KernelW, body);
    }

    /// <summary>dx[plane][indices] += dy: routes each output gradient to its argmax. <paramref name="dx"/> is overwritten.</summary>
    public static void Backward<T>(ReadOnlyMemory<T> dy, ReadOnlyMemory<long> indices, Memory<T> dx, int planes, in Pool2dGeometry g)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        var body = new BackwardBody<T>(dy, indices, dx, g);
        NNParallel.Run(planes, (long)planes * (g.OutPlane + g.InPlane), body);
    }

    /// <summary>One plane, any geometry: the reference scan.</summary>
    public static void PlaneScalar<T>(ReadOnlySpan<T> x, Span<T> y, Span<long> indices, in Pool2dGeometry g)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        int width = g.Width;
        for (int oh = 0; oh < g.OutH; oh++)
        {
            int ih0 = oh * g.StrideH - g.PadH;
            int ih1 = Math.Min(ih0 + (g.KernelH - 1) * g.DilationH + 1, g.Height);
            while (ih0 < 0) ih0 += g.DilationH;
            for (int ow = 0; ow < g.OutW; ow++)
            {
                int iw0 = ow * g.StrideW - g.PadW;
                int iw1 = Math.Min(iw0 + (g.KernelW - 1) * g.DilationW + 1, width);
                while (iw0 < 0) iw0 += g.DilationW;
                T max = T.NegativeInfinity;
                int arg = ih0 * width + iw0;
                for (int ih = ih0; ih < ih1; ih += g.DilationH)
                {
                    for (int iw = iw0; iw < iw1; iw += g.DilationW)
                    {
                        T v = x[ih * width + iw];
                        if (v > max || T.IsNaN(v))
                        {
                            max = v;
                            arg = ih * width + iw;
                        }
                    }
                }
                y[oh * g.OutW + ow] = max;
                indices[oh * g.OutW + ow] = arg;
            }
        }
    }

    /// <summary>
    /// One plane of 2×2 stride-2 pooling (<see cref="Pool2dGeometry.IsTwoByTwo"/>): even and odd columns are
    /// split with a narrowing of 64-bit lanes, then the four taps are compared in window order with masks (no
    /// branches: with random data the scalar compares mispredict). A row whose width is not a multiple of the
    /// vector ends with one overlapping block that recomputes a few outputs; only rows under 4 outputs go scalar.
    /// </summary>
    public static void PlaneTwoByTwo(ReadOnlySpan<float> x, Span<float> y, Span<long> indices, in Pool2dGeometry g)
    {
        int width = g.Width, outW = g.OutW;
        int step = KernelConfig.UseVector512 && outW >= 16 ? 16
            : KernelConfig.UseVector256 && outW >= 8 ? 8
            : !KernelConfig.ForceScalar && Vector128.IsHardwareAccelerated && outW >= 4 ? 4 : 0;
        for (int oh = 0; oh < g.OutH; oh++)
        {
            int rowStart = 2 * oh * width;
            var top = x.Slice(rowStart, width);
            var bottom = x.Slice(rowStart + width, width);
            var yRow = y.Slice(oh * outW, outW);
            var iRow = indices.Slice(oh * outW, outW);
            if (step > 0)
            {
                for (int ow = 0; ow < outW; ow += step)
                {
                    int at = Math.Min(ow, outW - step);
                    if (step == 16) Block512(top, bottom, yRow, iRow, at, rowStart, width);
                    else if (step == 8) Block256(top, bottom, yRow, iRow, at, rowStart, width);
                    else Block128(top, bottom, yRow, iRow, at, rowStart, width);
                }
                continue;
            }
            for (int ow = 0; ow < outW; ow++)
            {
                int c = 2 * ow;
                float max = top[c];
                int arg = rowStart + c;
                if (top[c + 1] > max || float.IsNaN(top[c + 1])) { max = top[c + 1]; arg = rowStart + c + 1; }
                if (bottom[c] > max || float.IsNaN(bottom[c])) { max = bottom[c]; arg = rowStart + width + c; }
                if (bottom[c + 1] > max || float.IsNaN(bottom[c + 1])) { max = bottom[c + 1]; arg = rowStart + width + c + 1; }
                yRow[ow] = max;
                iRow[ow] = arg;
            }
        }
    }

    private static void Block512(ReadOnlySpan<float> top, ReadOnlySpan<float> bottom, Span<float> yRow, Span<long> iRow, int ow, int rowStart, int width)
    {
        var (e0, o0) = Split(Vector512.LoadUnsafe(ref Element(top, 2 * ow)), Vector512.LoadUnsafe(ref Element(top, 2 * ow + 16)));
        var (e1, o1) = Split(Vector512.LoadUnsafe(ref Element(bottom, 2 * ow)), Vector512.LoadUnsafe(ref Element(bottom, 2 * ow + 16)));
        var max = e0;
        var arg = Vector512<int>.Zero;
        Take(o0, 1, ref max, ref arg);
        Take(e1, width, ref max, ref arg);
        Take(o1, width + 1, ref max, ref arg);
        arg += Vector512<int>.Indices * 2 + Vector512.Create(rowStart + 2 * ow);
        max.StoreUnsafe(ref Element(yRow, ow));
        var (lo, hi) = Vector512.Widen(arg);
        lo.StoreUnsafe(ref Element(iRow, ow));
        hi.StoreUnsafe(ref Element(iRow, ow + 8));
    }

    private static void Block256(ReadOnlySpan<float> top, ReadOnlySpan<float> bottom, Span<float> yRow, Span<long> iRow, int ow, int rowStart, int width)
    {
        var (e0, o0) = Split(Vector256.LoadUnsafe(ref Element(top, 2 * ow)), Vector256.LoadUnsafe(ref Element(top, 2 * ow + 8)));
        var (e1, o1) = Split(Vector256.LoadUnsafe(ref Element(bottom, 2 * ow)), Vector256.LoadUnsafe(ref Element(bottom, 2 * ow + 8)));
        var max = e0;
        var arg = Vector256<int>.Zero;
        Take(o0, 1, ref max, ref arg);
        Take(e1, width, ref max, ref arg);
        Take(o1, width + 1, ref max, ref arg);
        arg += Vector256<int>.Indices * 2 + Vector256.Create(rowStart + 2 * ow);
        max.StoreUnsafe(ref Element(yRow, ow));
        var (lo, hi) = Vector256.Widen(arg);
        lo.StoreUnsafe(ref Element(iRow, ow));
        hi.StoreUnsafe(ref Element(iRow, ow + 4));
    }

    private static void Block128(ReadOnlySpan<float> top, ReadOnlySpan<float> bottom, Span<float> yRow, Span<long> iRow, int ow, int rowStart, int width)
    {
        var (e0, o0) = Split(Vector128.LoadUnsafe(ref Element(top, 2 * ow)), Vector128.LoadUnsafe(ref Element(top, 2 * ow + 4)));
        var (e1, o1) = Split(Vector128.LoadUnsafe(ref Element(bottom, 2 * ow)), Vector128.LoadUnsafe(ref Element(bottom, 2 * ow + 4)));
        var max = e0;
        var arg = Vector128<int>.Zero;
        Take(o0, 1, ref max, ref arg);
        Take(e1, width, ref max, ref arg);
        Take(o1, width + 1, ref max, ref arg);
        arg += Vector128<int>.Indices * 2 + Vector128.Create(rowStart + 2 * ow);
        max.StoreUnsafe(ref Element(yRow, ow));
        var (lo, hi) = Vector128.Widen(arg);
        lo.StoreUnsafe(ref Element(iRow, ow));
        hi.StoreUnsafe(ref Element(iRow, ow + 2));
    }

    // Even lanes are the low halves of 64-bit lanes and odd lanes the high halves: narrowing picks them out.
    internal static (Vector512<float> Even, Vector512<float> Odd) Split(Vector512<float> a, Vector512<float> b) =>
        (Vector512.Narrow(a.AsUInt64(), b.AsUInt64()).AsSingle(),
         Vector512.Narrow(a.AsUInt64() >> 32, b.AsUInt64() >> 32).AsSingle());

    internal static (Vector256<float> Even, Vector256<float> Odd) Split(Vector256<float> a, Vector256<float> b) =>
        (Vector256.Narrow(a.AsUInt64(), b.AsUInt64()).AsSingle(),
         Vector256.Narrow(a.AsUInt64() >> 32, b.AsUInt64() >> 32).AsSingle());

    internal static (Vector128<float> Even, Vector128<float> Odd) Split(Vector128<float> a, Vector128<float> b) =>
        (Vector128.Narrow(a.AsUInt64(), b.AsUInt64()).AsSingle(),
         Vector128.Narrow(a.AsUInt64() >> 32, b.AsUInt64() >> 32).AsSingle());

    internal static ref T Element<T>(Span<T> span, int index) => ref Unsafe.Add(ref MemoryMarshal.GetReference(span), index);

    internal static ref T Element<T>(ReadOnlySpan<T> span, int index) =>
        ref Unsafe.Add(ref MemoryMarshal.GetReference(span), index);

    private static void Take(Vector512<float> v, int offset, ref Vector512<float> max, ref Vector512<int> arg)
    {
        var take = Vector512.GreaterThan(v, max) | ~Vector512.Equals(v, v);
        max = Vector512.ConditionalSelect(take, v, max);
        arg = Vector512.ConditionalSelect(take.AsInt32(), Vector512.Create(offset), arg);
    }

    private static void Take(Vector256<float> v, int offset, ref Vector256<float> max, ref Vector256<int> arg)
    {
        var take = Vector256.GreaterThan(v, max) | ~Vector256.Equals(v, v);
        max = Vector256.ConditionalSelect(take, v, max);
        arg = Vector256.ConditionalSelect(take.AsInt32(), Vector256.Create(offset), arg);
    }

    private static void Take(Vector128<float> v, int offset, ref Vector128<float> max, ref Vector128<int> arg)
    {
        var take = Vector128.GreaterThan(v, max) | ~Vector128.Equals(v, v);
        max = Vector128.ConditionalSelect(take, v, max);
        arg = Vector128.ConditionalSelect(take.AsInt32(), Vector128.Create(offset), arg);
    }

    private readonly struct ForwardBody<T>(ReadOnlyMemory<T> x, Memory<T> y, Memory<long> indices, Pool2dGeometry g) : IParallelBody
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        public void Invoke(int plane)
        {
            var src = x.Span.Slice(plane * g.InPlane, g.InPlane);
            var dst = y.Span.Slice(plane * g.OutPlane, g.OutPlane);
            var idx = indices.Span.Slice(plane * g.OutPlane, g.OutPlane);
            if (typeof(T) == typeof(float) && g.IsTwoByTwo && !KernelConfig.ForceScalar)
                PlaneTwoByTwo(MemoryMarshal.Cast<T, float>(src), MemoryMarshal.Cast<T, float>(dst), idx, g);
            else
                PlaneScalar(src, dst, idx, g);
        }
    }

    private readonly struct BackwardBody<T>(ReadOnlyMemory<T> dy, ReadOnlyMemory<long> indices, Memory<T> dx, Pool2dGeometry g) : IParallelBody
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        public void Invoke(int plane)
        {
            var grad = dy.Span.Slice(plane * g.OutPlane, g.OutPlane);
            var idx = indices.Span.Slice(plane * g.OutPlane, g.OutPlane);
            var dst = dx.Span.Slice(plane * g.InPlane, g.InPlane);
            dst.Clear();
            for (int i = 0; i < grad.Length; i++)
                dst[(int)idx[i]] += grad[i];
        }
    }
}
