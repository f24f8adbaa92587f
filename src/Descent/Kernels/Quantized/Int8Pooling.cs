using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;

namespace Descent.Kernels.Quantized;

/// <summary>
/// Pooling and layout kernels on NHWC uint8 activations between int8 layers. Max-pooling needs no requantization: the
/// quantization map is monotone, so the max of quantized values is the quantized max (PyTorch's quantized max_pool2d
/// keeps the input's scale and zero point). Global average pooling sums exactly in int32 and requantizes once.
/// </summary>
internal static class Int8Pooling
{
    /// <summary>
    /// y[image, oh, ow, c] = max over the window of x (NHWC); positions in the padding are skipped (PyTorch pads
    /// max-pooling with −∞). <paramref name="g"/> holds kernel, stride, dilation and padding (floor mode).
    /// </summary>
    public static unsafe void MaxPool2d(ReadOnlySpan<byte> x, int images, int height, int width, int channels, Int8ConvGeometry g, Span<byte> y)
    {
        int outH = g.OutputHeight(height), outW = g.OutputWidth(width);
        if (x.Length < images * height * width * channels || y.Length < images * outH * outW * channels)
            throw new DescentInternalException("Int8Pooling.MaxPool2d: buffer sizes do not match the geometry.");
        bool v512 = KernelConfig.UseVector512 && Avx512BW.IsSupported, v256 = KernelConfig.UseVector256 && Avx2.IsSupported;
        if (g.PadTop + g.PadLeft + g.PadBottom + g.PadRight == 0 && g.DilationH == 1 && g.DilationW == 1 && g.StrideW >= g.KernelW)
        {
            MaxPoolRows(x, images, height, width, channels, g, y, v512, v256);
            return;
        }
        int* offsets = stackalloc int[g.KernelH * g.KernelW];
        fixed (byte* px = x)
        fixed (byte* py = y)
        {
            byte* o = py;
            for (int i = 0; i < images; i++)
            {
                byte* image = px + (nint)i * height * width * channels;
                for (int oh = 0; oh < outH; oh++)
                    for (int ow = 0; ow < outW; ow++, o += channels)
                    {
                        // The window's positions inside the image (padding is skipped: PyTorch pads with −∞).
                        int count = 0;
                        for (int ki = 0; ki < g.KernelH; ki++)
                        {
                            int ih = oh * g.StrideH - g.PadTop + ki * g.DilationH;
                            if ((uint)ih >= (uint)height) continue;
                            for (int kj = 0; kj < g.KernelW; kj++)
                            {
                                int iw = ow * g.StrideW - g.PadLeft + kj * g.DilationW;
                                if ((uint)iw < (uint)width) offsets[count++] = (ih * width + iw) * channels;
                            }
                        }
                        int c = 0;
                        if (v512)
                            for (; c + 64 <= channels; c += 64)
                            {
                                var m = Vector512.Load(image + offsets[0] + c);
                                for (int t = 1; t < count; t++) m = Vector512.Max(m, Vector512.Load(image + offsets[t] + c));
                                m.Store(o + c);
                            }
                        if (v512 || v256)
                        {
                            for (; c + 32 <= channels; c += 32)
                            {
                                var m = Vector256.Load(image + offsets[0] + c);
                                for (int t = 1; t < count; t++) m = Vector256.Max(m, Vector256.Load(image + offsets[t] + c));
                                m.Store(o + c);
                            }
                            for (; c + 16 <= channels; c += 16)
                            {
                                var m = Vector128.Load(image + offsets[0] + c);
                                for (int t = 1; t < count; t++) m = Vector128.Max(m, Vector128.Load(image + offsets[t] + c));
                                m.Store(o + c);
                            }
                        }
                        for (; c < channels; c++)
                        {
                            byte m = image[offsets[0] + c];
                            for (int t = 1; t < count; t++)
                            {
                                byte v = image[offsets[t] + c];
                                if (v > m) m = v;
                            }
                            o[c] = m;
                        }
                    }
            }
        }
    }

    /// <summary>
    /// The common case (no padding or dilation, windows that do not overlap along a row, e.g. 2×2 stride 2): per output
    /// row, the max over the kernel rows of whole input rows (contiguous width·channels bytes, vectors), then per output
    /// pixel the max over its kw pixels of that row — vectors of channels, or a tight scalar loop for few channels.
    /// </summary>
    private static unsafe void MaxPoolRows(ReadOnlySpan<byte> x, int images, int height, int width, int channels, Int8ConvGeometry g,
        Span<byte> y, bool v512, bool v256)
    {
        int outH = g.OutputHeight(height), outW = g.OutputWidth(width), line = width * channels;
        var rented = System.Buffers.ArrayPool<byte>.Shared.Rent(line);
        try
        {
            fixed (byte* px = x)
            fixed (byte* py = y)
            fixed (byte* row = rented)
            {
                byte* o = py;
                for (int i = 0; i < images; i++)
                {
                    byte* image = px + (nint)i * height * line;
                    for (int oh = 0; oh < outH; oh++)
                    {
                        byte* first = image + (nint)oh * g.StrideH * line;
                        int e = 0;
                        if (v512)
                            for (; e + 64 <= line; e += 64)
                            {
                                var m = Vector512.Load(first + e);
                                for (int ki = 1; ki < g.KernelH; ki++) m = Vector512.Max(m, Vector512.Load(first + (nint)ki * line + e));
                                m.Store(row + e);
                            }
                        if (v512 || v256)
                            for (; e + 32 <= line; e += 32)
                            {
                                var m = Vector256.Load(first + e);
                                for (int ki = 1; ki < g.KernelH; ki++) m = Vector256.Max(m, Vector256.Load(first + (nint)ki * line + e));
                                m.Store(row + e);
                            }
                        for (; e < line; e++)
                        {
                            byte m = first[e];
                            for (int ki = 1; ki < g.KernelH; ki++)
                            {
                                byte v = first[(nint)ki * line + e];
                                if (v > m) m = v;
                            }
                            row[e] = m;
                        }
                        if (g.KernelW == 2 && channels < 16)
                        {
                            // 2-wide windows over few channels (LeNet-5): one branch-free max per output byte.
                            for (int ow = 0; ow < outW; ow++, o += channels)
                            {
                                byte* s = row + (nint)ow * g.StrideW * channels;
                                for (int c = 0; c < channels; c++) o[c] = (byte)Math.Max(s[c], s[c + channels]);
                            }
                            continue;
                        }
                        for (int ow = 0; ow < outW; ow++, o += channels)
                        {
                            byte* s = row + (nint)ow * g.StrideW * channels;
                            int c = 0;
                            if (v512 || v256)
                                for (; c + 16 <= channels; c += 16)
                                {
                                    var m = Vector128.Load(s + c);
                                    for (int kj = 1; kj < g.KernelW; kj++) m = Vector128.Max(m, Vector128.Load(s + kj * channels + c));
                                    m.Store(o + c);
                                }
                            for (; c < channels; c++)
                            {
                                byte m = s[c];
                                for (int kj = 1; kj < g.KernelW; kj++)
                                {
                                    byte v = s[kj * channels + c];
                                    if (v > m) m = v;
                                }
                                o[c] = m;
                            }
                        }
                    }
                }
            }
        }
        finally
        {
            System.Buffers.ArrayPool<byte>.Shared.Return(rented);
        }
    }

    /// <summary>
    /// Global average pooling (adaptive to 1×1) of NHWC uint8 x quantized with (inScale, inZeroPoint):
    /// y[image, c] = requantized mean = clamp(round_half_even(((Σ q − count·z_in)·in_scale / count) · (1/outScale)) + z_out),
    /// the sum exact in int32, one rounding (PyTorch's quantized adaptive_avg_pool2d rounds the mean in the input's
    /// parameters; with equal parameters the two agree).
    /// </summary>
    public static unsafe void GlobalAvgPool(ReadOnlySpan<byte> x, int images, int pixels, int channels, float inScale, int inZeroPoint,
        float outScale, int outZeroPoint, int quantMax, Span<byte> y)
    {
        if (x.Length < images * pixels * channels || y.Length < images * channels || pixels == 0)
            throw new DescentInternalException("Int8Pooling.GlobalAvgPool: buffer sizes do not match.");
        var sums = new int[channels];
        float factor = inScale / pixels, inverse = 1f / outScale;
        fixed (byte* px = x)
        fixed (int* ps = sums)
        {
            for (int i = 0; i < images; i++)
            {
                Array.Clear(sums);
                byte* image = px + (nint)i * pixels * channels;
                for (int p = 0; p < pixels; p++)
                {
                    byte* s = image + (nint)p * channels;
                    int c = 0;
                    if (KernelConfig.UseVector512 && Avx512F.IsSupported)
                        for (; c + 16 <= channels; c += 16)
                            (Vector512.Load(ps + c) + Avx512F.ConvertToVector512Int32(Vector128.Load(s + c))).Store(ps + c);
                    else if (KernelConfig.UseVector256 && Avx2.IsSupported)
                        for (; c + 8 <= channels; c += 8)
                            (Vector256.Load(ps + c) + Avx2.ConvertToVector256Int32(s + c)).Store(ps + c);
                    for (; c < channels; c++) ps[c] += s[c];
                }
                for (int c = 0; c < channels; c++)
                {
                    float mean = (sums[c] - pixels * inZeroPoint) * factor;
                    float r = Math.Clamp(MathF.Round(mean * inverse, MidpointRounding.ToEven), -outZeroPoint, quantMax - outZeroPoint);
                    y[i * channels + c] = (byte)((int)r + outZeroPoint);
                }
            }
        }
    }

    /// <summary>NHWC → NCHW for bytes ([images × pixels × channels] → [images × channels × pixels]): Flatten's order.</summary>
    public static unsafe void NhwcToNchw(ReadOnlySpan<byte> x, int images, int pixels, int channels, Span<byte> y)
    {
        if (x.Length < images * pixels * channels || y.Length < images * pixels * channels)
            throw new DescentInternalException("Int8Pooling.NhwcToNchw: buffer sizes do not match.");
        fixed (byte* px = x)
        fixed (byte* py = y)
        {
            for (int i = 0; i < images; i++)
            {
                byte* s = px + (nint)i * pixels * channels, d = py + (nint)i * pixels * channels;
                for (int p = 0; p < pixels; p++, s += channels)
                    for (int c = 0; c < channels; c++) d[(nint)c * pixels + p] = s[c];
            }
        }
    }
}
