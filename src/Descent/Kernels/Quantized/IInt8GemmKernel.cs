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

    /// <summary>Bytes per element of A and of the packed B: 2 (int16 offsets) or 1 (uint8 activations, int8 weights).</summary>
    static abstract int ElementSize { get; }

    /// <summary>
    /// tile[r, j] = Σ_p a[r·lda + p] · B(p, j) over the whole k, exactly in int32, for r &lt; rows and j &lt;
    /// panels·PanelWidth; A and B hold <see cref="ElementSize"/>-byte elements (lda and panelStride count elements):
    /// int16 offsets (q − zero_point) and their packed pairs, or uint8 activations and the packed int8 quads
    /// (panel v at b + v·panelStride). The tile has row stride <paramref name="ldt"/>; columns past the matrix come out
    /// 0 (B is zero-padded).
    /// </summary>
    static abstract void Tile(int rows, int panels, int k, void* a, nint lda, void* b, nint panelStride, int* tile, nint ldt);
}
