namespace Descent.Kernels;

/// <summary>
/// Shape of one 2-D sliding-window (cross-correlation) problem on a single image: the input plane size,
/// kernel, stride, zero padding, dilation and the output size. im2col turns the [C, H, W] image into the
/// [C·kh·kw, OH·OW] column matrix; row (c·kh + i)·kw + j, column oh·OW + ow holds
/// x[c, oh·sh − ph + i·dh, ow·sw − pw + j·dw] (zero outside the image).
/// </summary>
/// <param name="Channels">Image channels C.</param>
/// <param name="Height">Image height H.</param>
/// <param name="Width">Image width W.</param>
/// <param name="KernelH">Kernel rows kh.</param>
/// <param name="KernelW">Kernel columns kw.</param>
/// <param name="StrideH">Vertical stride sh ≥ 1.</param>
/// <param name="StrideW">Horizontal stride sw ≥ 1.</param>
/// <param name="PadH">Zero padding above and below ph ≥ 0.</param>
/// <param name="PadW">Zero padding left and right pw ≥ 0.</param>
/// <param name="DilationH">Vertical kernel dilation dh ≥ 1.</param>
/// <param name="DilationW">Horizontal kernel dilation dw ≥ 1.</param>
/// <param name="OutH">Output rows OH (number of window positions vertically).</param>
/// <param name="OutW">Output columns OW.</param>
public readonly record struct Conv2dGeometry(
    int Channels, int Height, int Width,
    int KernelH, int KernelW,
    int StrideH, int StrideW,
    int PadH, int PadW,
    int DilationH, int DilationW,
    int OutH, int OutW)
{
    /// <summary>Rows of the column matrix: C·kh·kw.</summary>
    public int ColRows => Channels * KernelH * KernelW;

    /// <summary>Columns of the column matrix: OH·OW (window positions).</summary>
    public int ColCols => OutH * OutW;

    /// <summary>Elements of one image: C·H·W.</summary>
    public int ImageSize => Channels * Height * Width;

    /// <summary>
    /// True when the column matrix equals the image itself (1×1 kernel, stride 1, no padding), so im2col
    /// and col2im can be skipped.
    /// </summary>
    public bool IsPointwise =>
        KernelH == 1 && KernelW == 1 && StrideH == 1 && StrideW == 1 && PadH == 0 && PadW == 0 &&
        OutH == Height && OutW == Width;

    /// <summary>
    /// Window positions along one axis, floor((in + 2·pad − dilation·(kernel − 1) − 1) / stride) + 1, as
    /// in PyTorch's convolution; negative when the dilated kernel does not fit the padded input.
    /// </summary>
    public static int OutputSize(int input, int kernel, int stride, int pad, int dilation)
    {
        long span = (long)input + 2L * pad - (long)dilation * (kernel - 1) - 1;
        return span < 0 ? -1 : (int)(span / stride + 1);
    }
}
