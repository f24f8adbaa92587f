namespace Descent.Kernels.Quantized;

/// <summary>
/// One int8 micro-kernel family (Vector512, Vector256 or scalar). <see cref="Int8Gemm"/>'s driver is generic over the
/// family, so the JIT specialises the loop nest per family and the calls into it are direct.
/// </summary>
internal unsafe interface IInt8GemmKernel
{
    /// <summary>Most rows of A per tile.</summary>
    static abstract int Mr { get; }

    /// <summary>Most panels (of <see cref="Int8PackedMatrix.PanelWidth"/> columns) per tile.</summary>
    static abstract int MaxPanels { get; }

    /// <summary>
    /// tile[r, j] = Σ_p a[r·lda + p] · B(p, j) over the whole k, exactly in int32, for r &lt; rows and j &lt;
    /// panels·PanelWidth; A holds int16 offsets (q − zero_point), B the packed panels (panel v at b + v·panelStride).
    /// The tile has row stride <paramref name="ldt"/>; columns past the matrix come out 0 (B is zero-padded).
    /// </summary>
    static abstract void Tile(int rows, int panels, int k, short* a, nint lda, short* b, nint panelStride, int* tile, nint ldt);
}
