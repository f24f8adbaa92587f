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
    public static void Unfold(ReadOnlySpan<byte> image, int channels, int height, int width, Int8ConvGeometry g, byte padValue,
        Span<byte> columns)
    {
        int outH = g.OutputHeight(height), outW = g.OutputWidth(width);
        int kernel = g.KernelH * g.KernelW, rowLength = channels * kernel;
        if (image.Length < channels * height * width)
            throw new ArgumentException($"Int8Im2Col: the image has {image.Length} values, fewer than {channels}×{height}×{width}.", nameof(image));
        if (columns.Length < outH * outW * rowLength)
            throw new ArgumentException($"Int8Im2Col: {columns.Length} values cannot hold {outH * outW}×{rowLength} patches.", nameof(columns));
        bool contiguous = g.DilationW == 1;
        for (int oh = 0; oh < outH; oh++)
        {
            for (int ow = 0; ow < outW; ow++)
            {
                var row = columns.Slice((oh * outW + ow) * rowLength, rowLength);
                int w0 = ow * g.StrideW - g.PadLeft;
                for (int c = 0; c < channels; c++)
                {
                    var plane = image.Slice(c * height * width, height * width);
                    for (int i = 0; i < g.KernelH; i++)
                    {
                        var dst = row.Slice(c * kernel + i * g.KernelW, g.KernelW);
                        int ih = oh * g.StrideH - g.PadTop + i * g.DilationH;
                        if ((uint)ih >= (uint)height)
                        {
                            dst.Fill(padValue);
                            continue;
                        }
                        var line = plane.Slice(ih * width, width);
                        if (contiguous && w0 >= 0 && w0 + g.KernelW <= width)
                        {
                            line.Slice(w0, g.KernelW).CopyTo(dst);
                            continue;
                        }
                        for (int j = 0; j < g.KernelW; j++)
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
