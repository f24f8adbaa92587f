namespace Descent.Kernels.Quantized;

/// <summary>
/// Scalar int8 micro-kernel (4 rows × 1 panel): the forced-scalar path and the reference the vector families are
/// tested against. It reads the same packed panels through the same driver, so packing, tiling and edges are
/// exercised at every SIMD level.
/// </summary>
internal readonly unsafe struct Int8GemmKernelScalar : IInt8GemmKernel
{
    public static int Mr => 4;

    public static int MaxPanels => 1;

    public static int ElementSize => 2;

    public static void Tile(int rows, int panels, int k, void* av, nint lda, void* bv, nint panelStride, int* tile, nint ldt)
    {
        var a = (short*)av;
        var b = (short*)bv;
        const int w = Int8PackedMatrix.PanelWidth;
        for (int r = 0; r < rows; r++)
        {
            int* acc = tile + r * ldt;
            for (int j = 0; j < w; j++) acc[j] = 0;
            short* ar = a + r * lda;
            for (int p = 0; p < k; p++)
            {
                int x = ar[p];
                short* bp = b + p / 2 * 2 * w + (p & 1);
                for (int j = 0; j < w; j++)
                    acc[j] += x * bp[2 * j];
            }
        }
    }
}
