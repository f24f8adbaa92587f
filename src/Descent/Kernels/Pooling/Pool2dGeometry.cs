namespace Descent.Kernels;

/// <summary>
/// Window geometry of a 2-D pooling over one [H, W] plane: kernel, stride, zero padding, dilation and the
/// output size (computed with <see cref="OutputSize"/>, PyTorch's formula including ceil mode).
/// </summary>
/// <param name="Height">Input plane height H.</param>
/// <param name="Width">Input plane width W.</param>
/// <param name="KernelH">Window rows.</param>
/// <param name="KernelW">Window columns.</param>
/// <param name="StrideH">Vertical stride.</param>
/// <param name="StrideW">Horizontal stride.</param>
/// <param name="PadH">Implicit padding above and below.</param>
/// <param name="PadW">Implicit padding left and right.</param>
/// <param name="DilationH">Vertical spacing of window taps (max pooling only; 1 otherwise).</param>
/// <param name="DilationW">Horizontal spacing of window taps.</param>
/// <param name="OutH">Output rows.</param>
/// <param name="OutW">Output columns.</param>
public readonly record struct Pool2dGeometry(
    int Height, int Width,
    int KernelH, int KernelW,
    int StrideH, int StrideW,
    int PadH, int PadW,
    int DilationH, int DilationW,
    int OutH, int OutW)
{
    /// <summary>Elements of one input plane.</summary>
    public int InPlane => Height * Width;

    /// <summary>Elements of one output plane.</summary>
    public int OutPlane => OutH * OutW;

    /// <summary>
    /// True for the common 2×2, stride-2, unpadded, undilated pooling whose windows all lie inside the plane:
    /// the case the SIMD kernels handle directly.
    /// </summary>
    public bool IsTwoByTwo =>
        KernelH == 2 && KernelW == 2 && StrideH == 2 && StrideW == 2 && PadH == 0 && PadW == 0 &&
        DilationH == 1 && DilationW == 1 && 2 * OutH <= Height && 2 * OutW <= Width;

    /// <summary>
    /// PyTorch's pooling output size: ⌊(in + 2·pad − dilation·(kernel − 1) − 1 + (ceil ? stride − 1 : 0)) / stride⌋ + 1,
    /// minus one in ceil mode when the last window would start in the right padding.
    /// </summary>
    public static int OutputSize(int input, int kernel, int pad, int stride, int dilation, bool ceilMode)
    {
        long numerator = (long)input + 2L * pad - (long)dilation * (kernel - 1) - 1 + (ceilMode ? stride - 1 : 0);
        long output = FloorDiv(numerator, stride) + 1;
        if (ceilMode && (output - 1) * stride >= input + pad)
            output--;
        return (int)Math.Clamp(output, int.MinValue, int.MaxValue);
    }

    private static long FloorDiv(long a, long b) => a >= 0 ? a / b : -((-a + b - 1) / b);
}
