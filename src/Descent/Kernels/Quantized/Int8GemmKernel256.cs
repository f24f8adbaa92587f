using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;

namespace Descent.Kernels.Quantized;

/// <summary>
/// Vector256 int8 micro-kernel (AVX2): 4 rows × 1 panel (two ymm of 8 int32 per row, 8 accumulators of the 16
/// registers). Each k pair costs one broadcast of A's int16 pair per row, two loads of B and one vpmaddwd per
/// accumulator, added with vpaddd — or one vpdpwssd where .NET reports AVX-VNNI (same exact int32 result).
/// </summary>
internal readonly unsafe struct Int8GemmKernel256 : IInt8GemmKernel
{
    public static int Mr => 4;

    public static int MaxPanels => 1;

    public static int ElementSize => 2;

    public static void Tile(int rows, int panels, int k, void* av, nint lda, void* bv, nint panelStride, int* tile, nint ldt)
    {
        var a = (short*)av;
        var b = (short*)bv;
        switch (rows)
        {
            case 4: Kernel<GemmD4>(k, a, lda, b, tile, ldt); break;
            case 3: Kernel<GemmD3>(k, a, lda, b, tile, ldt); break;
            case 2: Kernel<GemmD2>(k, a, lda, b, tile, ldt); break;
            default: Kernel<GemmD1>(k, a, lda, b, tile, ldt); break;
        }
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector256<int> Madd(Vector256<int> acc, Vector256<short> x, Vector256<short> w) =>
        AvxVnni.IsSupported ? AvxVnni.MultiplyWideningAndAdd(acc, x, w) : acc + Avx2.MultiplyAddAdjacent(x, w);

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void Kernel<TR>(int k, short* a, nint lda, short* b, int* tile, nint ldt) where TR : struct, IGemmDim
    {
        Vector256<int> c00 = default, c01 = default, c10 = default, c11 = default;
        Vector256<int> c20 = default, c21 = default, c30 = default, c31 = default;
        short* a0 = a, a1 = a + (TR.N > 1 ? lda : 0), a2 = a + (TR.N > 2 ? 2 * lda : 0), a3 = a + (TR.N > 3 ? 3 * lda : 0);
        int pairs = k / 2;
        for (int p = 0; p < pairs; p++, b += 2 * Int8PackedMatrix.PanelWidth)
        {
            var b0 = Vector256.Load(b);
            var b1 = Vector256.Load(b + 16);
            var x = Vector256.Create(*(int*)(a0 + 2 * p)).AsInt16();
            c00 = Madd(c00, x, b0);
            c01 = Madd(c01, x, b1);
            if (TR.N > 1)
            {
                x = Vector256.Create(*(int*)(a1 + 2 * p)).AsInt16();
                c10 = Madd(c10, x, b0);
                c11 = Madd(c11, x, b1);
            }
            if (TR.N > 2)
            {
                x = Vector256.Create(*(int*)(a2 + 2 * p)).AsInt16();
                c20 = Madd(c20, x, b0);
                c21 = Madd(c21, x, b1);
            }
            if (TR.N > 3)
            {
                x = Vector256.Create(*(int*)(a3 + 2 * p)).AsInt16();
                c30 = Madd(c30, x, b0);
                c31 = Madd(c31, x, b1);
            }
        }
        if ((k & 1) != 0)
        {
            // The last k has no partner: pair it with 0 (B's partner is zero-padded too).
            int last = k - 1;
            var b0 = Vector256.Load(b);
            var b1 = Vector256.Load(b + 16);
            var x = Vector256.Create((int)(ushort)a0[last]).AsInt16();
            c00 = Madd(c00, x, b0);
            c01 = Madd(c01, x, b1);
            if (TR.N > 1)
            {
                x = Vector256.Create((int)(ushort)a1[last]).AsInt16();
                c10 = Madd(c10, x, b0);
                c11 = Madd(c11, x, b1);
            }
            if (TR.N > 2)
            {
                x = Vector256.Create((int)(ushort)a2[last]).AsInt16();
                c20 = Madd(c20, x, b0);
                c21 = Madd(c21, x, b1);
            }
            if (TR.N > 3)
            {
                x = Vector256.Create((int)(ushort)a3[last]).AsInt16();
                c30 = Madd(c30, x, b0);
                c31 = Madd(c31, x, b1);
            }
        }
        c00.Store(tile);
        c01.Store(tile + 8);
        if (TR.N > 1) { c10.Store(tile + ldt); c11.Store(tile + ldt + 8); }
        if (TR.N > 2) { c20.Store(tile + 2 * ldt); c21.Store(tile + 2 * ldt + 8); }
        if (TR.N > 3) { c30.Store(tile + 3 * ldt); c31.Store(tile + 3 * ldt + 8); }
    }
}
