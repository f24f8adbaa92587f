namespace Descent.Kernels.Quantized;

/// <summary>
/// What <see cref="Int8Gemm"/> does with a finished int32 tile: convert it to float (dynamic quantization), requantize
/// it to uint8 (static quantization), or copy the raw accumulators. A struct, so the driver is specialised per
/// epilogue and a parallel region allocates nothing.
/// </summary>
internal unsafe interface IInt8Epilogue
{
    /// <summary>
    /// Consumes tile[r·ldt + j] = the exact int32 sum for output row <paramref name="row"/> + r and column
    /// <paramref name="column"/> + j, for r &lt; rows and j &lt; columns.
    /// </summary>
    void Apply(int row, int rows, int column, int columns, int* tile, nint ldt);
}
