namespace Descent.Kernels;

/// <summary>How <see cref="Conv2dKernels"/> computes a convolution (<see cref="Conv2dKernels.Algorithm"/>).</summary>
public enum ConvAlgorithm
{
    /// <summary>Winograd F(2×2, 3×3) for 3×3 stride-1 convolutions with enough channels, im2col + GEMM otherwise.</summary>
    Auto,

    /// <summary>im2col + GEMM for every geometry (the reference path).</summary>
    Im2Col,

    /// <summary>Winograd F(2×2, 3×3) for every geometry it covers (3×3, stride 1, dilation 1, one group), whatever the channels.</summary>
    Winograd,
}
