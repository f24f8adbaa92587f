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
                        bool first = true;
                        for (int ki = 0; ki < g.KernelH; ki++)
                        {
                            int ih = oh * g.StrideH - g.PadTop + ki * g.DilationH;
                            if ((uint)ih >= (uint)height) continue;
                            for (int kj = 0; kj < g.KernelW; kj++)
                            {
                                int iw = ow * g.StrideW - g.PadLeft + kj * g.DilationW;
                                if ((uint)iw >= (uint)width) continue;
                                byte* s = image + ((nint)ih * width + iw) * channels;
                                if (first)
                                {
                                    Buffer.MemoryCopy(s, o, channels, channels);
                                    first = false;
                                    continue;
                                }
                                int c = 0;
                                if (v512)
                                    for (; c + 64 <= channels; c += 64)
                                        Vector512.Max(Vector512.Load(o + c), Vector512.Load(s + c)).Store(o + c);
                                else if (v256)
                                    for (; c + 32 <= channels; c += 32)
                                        Vector256.Max(Vector256.Load(o + c), Vector256.Load(s + c)).Store(o + c);
                                if (v512 || v256)
                                    for (; c + 16 <= channels; c += 16)
                                        Vector128.Max(Vector128.Load(o + c), Vector128.Load(s + c)).Store(o + c);
                                for (; c < channels; c++)
                                    if (s[c] > o[c]) o[c] = s[c];
                            }
                        }
                    }
            }
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
