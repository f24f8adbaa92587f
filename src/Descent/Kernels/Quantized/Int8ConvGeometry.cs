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
