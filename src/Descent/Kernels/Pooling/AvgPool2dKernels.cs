using System.Numerics;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;

namespace Descent.Kernels;

/// <summary>
/// 2-D average pooling over [planes, H, W] with PyTorch's window and divisor rules: a window spans
/// [o·stride − pad, min(o·stride − pad + kernel, size + pad)) before clipping to the plane; the divisor is
/// <c>divisorOverride</c> when non-zero, else the unclipped window area (count_include_pad) or the number of
/// in-plane taps; a window with no in-plane tap gives 0. Taps are summed row-major and the sum divided.
/// The 2×2 stride-2 float case runs as SIMD over output columns.
/// </summary>
public static class AvgPool2dKernels
{
    /// <summary>Averages every plane of <paramref name="x"/> into <paramref name="y"/>.</summary>
    public static void Forward<T>(ReadOnlyMemory<T> x, Memory<T> y, int planes, in Pool2dGeometry g, bool countIncludePad,
        int divisorOverride) where T : unmanaged, IFloatingPointIeee754<T>
    {
        var body = new Body<T>(x, y, g, countIncludePad, divisorOverride, backward: false);
        NNParallel.Run(planes, (long)planes * g.OutPlane * g.KernelH * g.KernelW, body);
    }

    /// <summary>dx = Σ over windows containing each tap of dy / divisor. <paramref name="dx"/> is overwritten.</summary>
    public static void Backward<T>(ReadOnlyMemory<T> dy, Memory<T> dx, int planes, in Pool2dGeometry g, bool countIncludePad,
        int divisorOverride) where T : unmanaged, IFloatingPointIeee754<T>
    {
        var body = new Body<T>(dy, dx, g, countIncludePad, divisorOverride, backward: true);
        NNParallel.Run(planes, (long)planes * (g.OutPlane * g.KernelH * g.KernelW + g.InPlane), body);
    }

    /// <summary>One plane forward (<paramref name="backward"/> false) or backward, any geometry: the reference loops.</summary>
    public static void PlaneScalar<T>(ReadOnlySpan<T> src, Span<T> dst, in Pool2dGeometry g, bool countIncludePad,
        int divisorOverride, bool backward) where T : unmanaged, IFloatingPointIeee754<T>
    {
        int width = g.Width;
        if (backward) dst.Clear();
        for (int oh = 0; oh < g.OutH; oh++)
        {
            int hStart = oh * g.StrideH - g.PadH;
            int hEnd = Math.Min(hStart + g.KernelH, g.Height + g.PadH);
            int h0 = Math.Max(hStart, 0), h1 = Math.Min(hEnd, g.Height);
            for (int ow = 0; ow < g.OutW; ow++)
            {
                int wStart = ow * g.StrideW - g.PadW;
                int wEnd = Math.Min(wStart + g.KernelW, width + g.PadW);
                int w0 = Math.Max(wStart, 0), w1 = Math.Min(wEnd, width);
                int o = oh * g.OutW + ow;
                if (h0 >= h1 || w0 >= w1)
                {
                    if (!backward) dst[o] = T.Zero;
                    continue;
                }
                int divisor = divisorOverride != 0 ? divisorOverride
                    : countIncludePad ? (hEnd - hStart) * (wEnd - wStart) : (h1 - h0) * (w1 - w0);
                if (backward)
                {
                    T share = src[o] / T.CreateTruncating(divisor);
                    for (int ih = h0; ih < h1; ih++)
                        for (int iw = w0; iw < w1; iw++)
                            dst[ih * width + iw] += share;
                }
                else
                {
                    T sum = T.Zero;
                    for (int ih = h0; ih < h1; ih++)
                        for (int iw = w0; iw < w1; iw++)
                            sum += src[ih * width + iw];
                    dst[o] = sum / T.CreateTruncating(divisor);
                }
            }
        }
    }

    /// <summary>
    /// One plane of 2×2 stride-2 average pooling (<see cref="Pool2dGeometry.IsTwoByTwo"/>), summing the four
    /// taps in window order from +0 like the reference loop (so even the sign of zero agrees).
    /// </summary>
    public static void PlaneTwoByTwo(ReadOnlySpan<float> x, Span<float> y, in Pool2dGeometry g, int divisorOverride)
    {
        int width = g.Width, outW = g.OutW;
        float divisor = divisorOverride != 0 ? divisorOverride : 4;
        for (int oh = 0; oh < g.OutH; oh++)
        {
            var top = x.Slice(2 * oh * width, width);
            var bottom = x.Slice((2 * oh + 1) * width, width);
            var yRow = y.Slice(oh * outW, outW);
            int ow = 0;
            if (KernelConfig.UseVector512)
            {
                var d = Vector512.Create(divisor);
                for (; ow + 16 <= outW; ow += 16)
                {
                    var (e0, o0) = MaxPool2dKernels.Split(Vector512.LoadUnsafe(ref MaxPool2dKernels.Element(top, 2 * ow)),
                        Vector512.LoadUnsafe(ref MaxPool2dKernels.Element(top, 2 * ow + 16)));
                    var (e1, o1) = MaxPool2dKernels.Split(Vector512.LoadUnsafe(ref MaxPool2dKernels.Element(bottom, 2 * ow)),
                        Vector512.LoadUnsafe(ref MaxPool2dKernels.Element(bottom, 2 * ow + 16)));
                    ((Vector512<float>.Zero + e0 + o0 + e1 + o1) / d).StoreUnsafe(ref MaxPool2dKernels.Element(yRow, ow));
                }
            }
            if (KernelConfig.UseVector256)
            {
                var d = Vector256.Create(divisor);
                for (; ow + 8 <= outW; ow += 8)
                {
                    var (e0, o0) = MaxPool2dKernels.Split(Vector256.LoadUnsafe(ref MaxPool2dKernels.Element(top, 2 * ow)),
                        Vector256.LoadUnsafe(ref MaxPool2dKernels.Element(top, 2 * ow + 8)));
                    var (e1, o1) = MaxPool2dKernels.Split(Vector256.LoadUnsafe(ref MaxPool2dKernels.Element(bottom, 2 * ow)),
                        Vector256.LoadUnsafe(ref MaxPool2dKernels.Element(bottom, 2 * ow + 8)));
                    ((Vector256<float>.Zero + e0 + o0 + e1 + o1) / d).StoreUnsafe(ref MaxPool2dKernels.Element(yRow, ow));
                }
            }
            for (; ow < outW; ow++)
            {
                int c = 2 * ow;
                yRow[ow] = (0f + top[c] + top[c + 1] + bottom[c] + bottom[c + 1]) / divisor;
            }
        }
    }

    /// <summary>
    /// Backward of one plane of 2×2 stride-2 average pooling (<see cref="Pool2dGeometry.IsTwoByTwo"/>): every input
    /// lies in at most one window, so each receives dy/divisor of its window directly (no accumulation); inputs in
    /// a trailing odd row or column get 0. Floats duplicate each share into both columns of its window by widening
    /// the 32-bit lanes to 64 bits and or-ing in a copy shifted up.
    /// </summary>
    public static void PlaneTwoByTwoBackward<T>(ReadOnlySpan<T> dy, Span<T> dx, in Pool2dGeometry g, int divisorOverride)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        int width = g.Width, outW = g.OutW;
        T divisor = T.CreateTruncating(divisorOverride != 0 ? divisorOverride : 4);
        for (int oh = 0; oh < g.OutH; oh++)
        {
            var grad = dy.Slice(oh * outW, outW);
            var top = dx.Slice(2 * oh * width, width);
            var bottom = dx.Slice((2 * oh + 1) * width, width);
            int ow = 0;
            if (typeof(T) == typeof(float) && KernelConfig.UseVector512)
            {
                var d = Vector512.Create(float.CreateTruncating(divisor));
                var gf = MemoryMarshal.Cast<T, float>(grad);
                var tf = MemoryMarshal.Cast<T, float>(top);
                var bf = MemoryMarshal.Cast<T, float>(bottom);
                for (; ow + 16 <= outW; ow += 16)
                {
                    var share = Vector512.LoadUnsafe(ref MaxPool2dKernels.Element(gf, ow)) / d;
                    var (lo, hi) = Vector512.Widen(share.AsUInt32());
                    var first = (lo | (lo << 32)).AsSingle();
                    var second = (hi | (hi << 32)).AsSingle();
                    first.StoreUnsafe(ref MaxPool2dKernels.Element(tf, 2 * ow));
                    second.StoreUnsafe(ref MaxPool2dKernels.Element(tf, 2 * ow + 16));
                    first.StoreUnsafe(ref MaxPool2dKernels.Element(bf, 2 * ow));
                    second.StoreUnsafe(ref MaxPool2dKernels.Element(bf, 2 * ow + 16));
                }
            }
            for (; ow < outW; ow++)
            {
                T share = grad[ow] / divisor;
                top[2 * ow] = share;
                top[2 * ow + 1] = share;
                bottom[2 * ow] = share;
                bottom[2 * ow + 1] = share;
            }
            top[(2 * outW)..].Clear();
            bottom[(2 * outW)..].Clear();
        }
        dx[(2 * g.OutH * width)..].Clear();
    }

    private readonly struct Body<T>(ReadOnlyMemory<T> src, Memory<T> dst, Pool2dGeometry g, bool countIncludePad,
        int divisorOverride, bool backward) : IParallelBody where T : unmanaged, IFloatingPointIeee754<T>
    {
        public void Invoke(int plane)
        {
            int inSize = backward ? g.OutPlane : g.InPlane, outSize = backward ? g.InPlane : g.OutPlane;
            var s = src.Span.Slice(plane * inSize, inSize);
            var d = dst.Span.Slice(plane * outSize, outSize);
            if (!backward && typeof(T) == typeof(float) && g.IsTwoByTwo && !KernelConfig.ForceScalar)
                PlaneTwoByTwo(MemoryMarshal.Cast<T, float>(s), MemoryMarshal.Cast<T, float>(d), g, divisorOverride);
            else if (backward && g.IsTwoByTwo && !KernelConfig.ForceScalar)
                PlaneTwoByTwoBackward(s, d, g, divisorOverride);
            else
                PlaneScalar(s, d, g, countIncludePad, divisorOverride, backward);
        }
    }
}
