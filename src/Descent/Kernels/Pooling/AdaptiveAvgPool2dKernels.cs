using System.Numerics;

namespace Descent.Kernels;

/// <summary>
/// Adaptive 2-D average pooling over [planes, H, W] → [planes, OH, OW]. Output bin i along an axis of input
/// size n and output size m averages inputs [⌊i·n/m⌋, ⌈(i+1)·n/m⌉), PyTorch's start/end index formulas
/// (bins overlap when m does not divide n, and repeat inputs when m &gt; n).
/// </summary>
public static class AdaptiveAvgPool2dKernels
{
    /// <summary>Averages every plane of <paramref name="x"/> into <paramref name="y"/>.</summary>
    public static void Forward<T>(ReadOnlyMemory<T> x, Memory<T> y, int planes, int height, int width, int outH, int outW)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        var body = new Body<T>(x, y, height, width, outH, outW, backward: false);
        NNParallel.Run(planes, (long)planes * Math.Max(height * width, outH * outW) * 2, body);
    }

    /// <summary>Spreads each output gradient evenly over its bin. <paramref name="dx"/> is overwritten.</summary>
    public static void Backward<T>(ReadOnlyMemory<T> dy, Memory<T> dx, int planes, int height, int width, int outH, int outW)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        var body = new Body<T>(dy, dx, height, width, outH, outW, backward: true);
        NNParallel.Run(planes, (long)planes * Math.Max(height * width, outH * outW) * 2, body);
    }

    /// <summary>First input index of bin <paramref name="i"/>: ⌊i·n/m⌋.</summary>
    public static int Start(int i, int n, int m) => (int)((long)i * n / m);

    /// <summary>One past the last input index of bin <paramref name="i"/>: ⌈(i+1)·n/m⌉.</summary>
    public static int End(int i, int n, int m) => (int)(((long)(i + 1) * n + m - 1) / m);

    /// <summary>One plane forward or backward.</summary>
    public static void Plane<T>(ReadOnlySpan<T> src, Span<T> dst, int height, int width, int outH, int outW, bool backward)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        if (backward) dst.Clear();
        for (int oh = 0; oh < outH; oh++)
        {
            int h0 = Start(oh, height, outH), h1 = End(oh, height, outH);
            for (int ow = 0; ow < outW; ow++)
            {
                int w0 = Start(ow, width, outW), w1 = End(ow, width, outW);
                T count = T.CreateTruncating((h1 - h0) * (w1 - w0));
                int o = oh * outW + ow;
                if (backward)
                {
                    T share = src[o] / count;
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
                    dst[o] = sum / count;
                }
            }
        }
    }

    private readonly struct Body<T>(ReadOnlyMemory<T> src, Memory<T> dst, int height, int width, int outH, int outW,
        bool backward) : IParallelBody where T : unmanaged, IFloatingPointIeee754<T>
    {
        public void Invoke(int plane)
        {
            int inSize = backward ? outH * outW : height * width, outSize = backward ? height * width : outH * outW;
            Plane<T>(src.Span.Slice(plane * inSize, inSize), dst.Span.Slice(plane * outSize, outSize),
                height, width, outH, outW, backward);
        }
    }
}
