namespace Descent.Kernels;

/// <summary>The widest vector instruction set a kernel may use. Lower levels can be forced for testing.</summary>
public enum SimdLevel
{
    /// <summary>Plain scalar loops: the reference every SIMD path is tested against.</summary>
    Scalar = 0,
    /// <summary>256-bit vectors (AVX2 + FMA on x64).</summary>
    Vector256 = 256,
    /// <summary>512-bit vectors (AVX-512F on x64).</summary>
    Vector512 = 512,
}
