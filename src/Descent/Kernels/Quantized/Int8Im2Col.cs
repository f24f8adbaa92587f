using System.Runtime.CompilerServices;

namespace Descent.Kernels.Quantized;

/// <summary>
/// The geometry of one 2-D convolution over quantized images: kernel, stride, dilation and padding (top/left and
/// bottom/right, so PyTorch's "same" padding with an odd total works), and the output size it implies.
/// </summary>
public readonly record struct Int8ConvGeometry(int KernelH, int KernelW, int StrideH, int StrideW, int DilationH, int DilationW,
    int PadTop, int PadLeft, int PadBottom, int PadRight)
{
    /// <summary>Output height for input height <paramref name="height"/> (PyTorch's formula; at least 0).</summary>
    public int OutputHeight(int height) => Math.Max(0, (height + PadTop + PadBottom - DilationH * (KernelH - 1) - 1) / StrideH + 1);

    /// <summary>Output width for input width <paramref name="width"/>.</summary>
    public int OutputWidth(int width) => Math.Max(0, (width + PadLeft + PadRight - DilationW * (KernelW - 1) - 1) / StrideW + 1);
}

/// <summary>
/// im2col of one quantized CHW image: row r = oh·outW + ow of the result holds the receptive field of output pixel
/// (oh, ow), channel-major then kernel row then kernel column — the column order of a PyTorch weight [out, in, kh, kw]
/// flattened to [out, in·kh·kw] — so the convolution becomes one int8 GEMM against the packed weights. Padding is
/// filled with the activation zero point, the integer that represents 0.0 exactly (PyTorch pads quantized
/// convolutions the same way).
/// </summary>
public static class Int8Im2Col
{
    /// <summary>Writes the [outH·outW × channels·kh·kw] patches of <paramref name="image"/> (channels × height × width) to <paramref name="columns"/>.</summary>
    public static unsafe void Unfold(ReadOnlySpan<byte> image, int channels, int height, int width, Int8ConvGeometry g, byte padValue,
        Span<byte> columns)
    {
        int outH = g.OutputHeight(height), outW = g.OutputWidth(width);
        int kh = g.KernelH, kw = g.KernelW, plane = height * width;
        if (image.Length < channels * plane)
            throw new ArgumentException($"Int8Im2Col: the image has {image.Length} values, fewer than {channels}×{height}×{width}.", nameof(image));
        if (columns.Length < outH * outW * channels * kh * kw)
            throw new ArgumentException($"Int8Im2Col: {columns.Length} values cannot hold {outH * outW}×{channels * kh * kw} patches.", nameof(columns));
        // Pointers and block copies: a patch row is only kw bytes, so per-row span slicing would cost more than the copy.
        fixed (byte* source = image)
        fixed (byte* target = columns)
        {
            byte* dst = target;
            for (int oh = 0; oh < outH; oh++)
            {
                int h0 = oh * g.StrideH - g.PadTop;
                bool rowsInside = h0 >= 0 && h0 + g.DilationH * (kh - 1) < height;
                for (int ow = 0; ow < outW; ow++)
                {
                    int w0 = ow * g.StrideW - g.PadLeft;
                    bool inside = rowsInside && g.DilationW == 1 && w0 >= 0 && w0 + kw <= width;
                    for (int c = 0; c < channels; c++)
                    {
                        byte* channel = source + (nint)c * plane;
                        for (int i = 0; i < kh; i++, dst += kw)
                        {
                            int ih = h0 + i * g.DilationH;
                            if (inside)
                            {
                                Unsafe.CopyBlockUnaligned(dst, channel + ih * width + w0, (uint)kw);
                                continue;
                            }
                            if ((uint)ih >= (uint)height)
                            {
                                Unsafe.InitBlockUnaligned(dst, padValue, (uint)kw);
                                continue;
                            }
                            byte* line = channel + ih * width;
                            for (int j = 0; j < kw; j++)
                            {
                                int iw = w0 + j * g.DilationW;
                                dst[j] = (uint)iw < (uint)width ? line[iw] : padValue;
                            }
                        }
                    }
                }
            }
        }
    }

    /// <summary>
    /// The GEMM's rows back to images: <paramref name="rows"/> [images·pixels × channels] → <paramref name="output"/>
    /// [images × channels × pixels] (NCHW).
    /// </summary>
    public static unsafe void RowsToChannels(ReadOnlySpan<float> rows, int images, int pixels, int channels, Span<float> output)
    {
        long count = (long)images * pixels * channels;
        if (rows.Length < count || output.Length < count)
            throw new ArgumentException($"Int8Im2Col.RowsToChannels: {rows.Length} rows values and {output.Length} output values for {images}×{pixels}×{channels}.", nameof(rows));
        fixed (float* source = rows)
        fixed (float* target = output)
        {
            for (int i = 0; i < images; i++)
            {
                float* src = source + (nint)i * pixels * channels, dst = target + (nint)i * pixels * channels;
                for (int p = 0; p < pixels; p++, src += channels)
                    for (int o = 0; o < channels; o++) dst[(nint)o * pixels + p] = src[o];
            }
        }
    }
}
