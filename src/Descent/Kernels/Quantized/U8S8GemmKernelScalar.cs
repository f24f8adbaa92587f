namespace Descent.Kernels.Quantized;

/// <summary>
/// Scalar u8×s8 micro-kernel (4 rows × 1 panel) over the packed int8 quads (<see cref="Int8PackedMatrix.Quads"/>):
/// the forced-scalar path of <see cref="Int8RowGemm"/> and its fallback where vpmaddubsw could saturate (8-bit
/// activations with large weight pairs). Plain int32 products, so it is exact for any operands and gives the integers
/// the vector kernels give where they are exact.
/// </summary>
internal readonly unsafe struct U8S8GemmKernelScalar : IInt8GemmKernel
{
    public static int Mr => 4;

    public static int MaxPanels => 1;

    public static int ElementSize => 1;

    public static void Tile(int rows, int panels, int k, void* av, nint lda, void* bv, nint panelStride, int* tile, nint ldt)
    {
        var a = (byte*)av;
        var b = (sbyte*)bv;
        const int w = Int8PackedMatrix.PanelWidth;
        for (int r = 0; r < rows; r++)
        {
            int* acc = tile + r * ldt;
            for (int j = 0; j < w; j++) acc[j] = 0;
            byte* ar = a + r * lda;
            for (int p = 0; p < k; p++)
            {
                int x = ar[p];
                if (x == 0) continue;
                sbyte* bp = b + p / 4 * 4 * w + (p & 3);
                for (int j = 0; j < w; j++)
                    acc[j] += x * bp[4 * j];
            }
        }
    }
}
