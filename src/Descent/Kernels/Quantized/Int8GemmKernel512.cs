using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;

namespace Descent.Kernels.Quantized;

/// <summary>
/// Vector512 int8 micro-kernel (AVX-512 BW): up to 6 rows × 4 panels (6×64 int32 outputs in 24 zmm accumulators, 4
/// B vectors and a broadcast of the 32 registers). Per k pair it issues 4 loads of packed B, one 32-bit broadcast of
/// A's int16 pair per row, and per accumulator one vpmaddwd (32 exact int16 multiply-adds into 16 int32 lanes) plus
/// one vpaddd — the same register tile as the float kernel (<see cref="GemmKernel512{T}"/>), with two k values per
/// instruction, so at equal issue rate it does twice the float FMA kernel's work. .NET 10 has no API for the EVEX
/// VNNI form (vpdpwssd on zmm), so the add stays separate even where the CPU has AVX512-VNNI.
/// </summary>
internal readonly unsafe struct Int8GemmKernel512 : IInt8GemmKernel
{
    public static int Mr => 6;

    public static int MaxPanels => 4;

    public static int ElementSize => 2;

    public static void Tile(int rows, int panels, int k, void* av, nint lda, void* bv, nint panelStride, int* tile, nint ldt)
    {
        var a = (short*)av;
        var b = (short*)bv;
        switch (panels)
        {
            case 4: Rows<GemmD4>(rows, k, a, lda, b, panelStride, tile, ldt); break;
            case 3: Rows<GemmD3>(rows, k, a, lda, b, panelStride, tile, ldt); break;
            case 2: Rows<GemmD2>(rows, k, a, lda, b, panelStride, tile, ldt); break;
            default: Rows<GemmD1>(rows, k, a, lda, b, panelStride, tile, ldt); break;
        }
    }

    private static void Rows<TW>(int rows, int k, short* a, nint lda, short* b, nint panelStride, int* tile, nint ldt)
        where TW : struct, IGemmDim
    {
        switch (rows)
        {
            case 6: Kernel<GemmD6, TW>(k, a, lda, b, panelStride, tile, ldt); break;
            case 5: Kernel<GemmD5, TW>(k, a, lda, b, panelStride, tile, ldt); break;
            case 4: Kernel<GemmD4, TW>(k, a, lda, b, panelStride, tile, ldt); break;
            case 3: Kernel<GemmD3, TW>(k, a, lda, b, panelStride, tile, ldt); break;
            case 2: Kernel<GemmD2, TW>(k, a, lda, b, panelStride, tile, ldt); break;
            default: Kernel<GemmD1, TW>(k, a, lda, b, panelStride, tile, ldt); break;
        }
    }

    // One k pair of one row: x is the row's broadcast int16 pair; TR/TW are JIT-time constants, so the guards vanish.
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector512<int> Madd(Vector512<int> acc, Vector512<short> x, Vector512<short> w) =>
        acc + Avx512BW.MultiplyAddAdjacent(x, w);

    // The accumulators are named locals so the JIT keeps all 24 in registers.
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void Kernel<TR, TW>(int k, short* a, nint lda, short* b, nint panelStride, int* tile, nint ldt)
        where TR : struct, IGemmDim where TW : struct, IGemmDim
    {
        Vector512<int> c00 = default, c01 = default, c02 = default, c03 = default;
        Vector512<int> c10 = default, c11 = default, c12 = default, c13 = default;
        Vector512<int> c20 = default, c21 = default, c22 = default, c23 = default;
        Vector512<int> c30 = default, c31 = default, c32 = default, c33 = default;
        Vector512<int> c40 = default, c41 = default, c42 = default, c43 = default;
        Vector512<int> c50 = default, c51 = default, c52 = default, c53 = default;
        short* a0 = a;
        short* a1 = a0 + (TR.N > 1 ? lda : 0);
        short* a2 = a1 + (TR.N > 2 ? lda : 0);
        short* a3 = a2 + (TR.N > 3 ? lda : 0);
        short* a4 = a3 + (TR.N > 4 ? lda : 0);
        short* a5 = a4 + (TR.N > 5 ? lda : 0);
        short* b0 = b;
        short* b1 = b0 + (TW.N > 1 ? panelStride : 0);
        short* b2 = b1 + (TW.N > 2 ? panelStride : 0);
        short* b3 = b2 + (TW.N > 3 ? panelStride : 0);
        int pairs = k / 2;
        nint off = 0;
        for (int p = 0; p < pairs; p++, off += 2 * Int8PackedMatrix.PanelWidth)
        {
            var w0 = Vector512.Load(b0 + off);
            var w1 = TW.N > 1 ? Vector512.Load(b1 + off) : default;
            var w2 = TW.N > 2 ? Vector512.Load(b2 + off) : default;
            var w3 = TW.N > 3 ? Vector512.Load(b3 + off) : default;
            var x0 = Vector512.Create(*(int*)(a0 + 2 * p)).AsInt16();
            c00 = Madd(c00, x0, w0);
            if (TW.N > 1) c01 = Madd(c01, x0, w1);
            if (TW.N > 2) c02 = Madd(c02, x0, w2);
            if (TW.N > 3) c03 = Madd(c03, x0, w3);
            if (TR.N > 1)
            {
                var x1 = Vector512.Create(*(int*)(a1 + 2 * p)).AsInt16();
                c10 = Madd(c10, x1, w0);
                if (TW.N > 1) c11 = Madd(c11, x1, w1);
                if (TW.N > 2) c12 = Madd(c12, x1, w2);
                if (TW.N > 3) c13 = Madd(c13, x1, w3);
            }
            if (TR.N > 2)
            {
                var x2 = Vector512.Create(*(int*)(a2 + 2 * p)).AsInt16();
                c20 = Madd(c20, x2, w0);
                if (TW.N > 1) c21 = Madd(c21, x2, w1);
                if (TW.N > 2) c22 = Madd(c22, x2, w2);
                if (TW.N > 3) c23 = Madd(c23, x2, w3);
            }
            if (TR.N > 3)
            {
                var x3 = Vector512.Create(*(int*)(a3 + 2 * p)).AsInt16();
                c30 = Madd(c30, x3, w0);
                if (TW.N > 1) c31 = Madd(c31, x3, w1);
                if (TW.N > 2) c32 = Madd(c32, x3, w2);
                if (TW.N > 3) c33 = Madd(c33, x3, w3);
            }
            if (TR.N > 4)
            {
                var x4 = Vector512.Create(*(int*)(a4 + 2 * p)).AsInt16();
                c40 = Madd(c40, x4, w0);
                if (TW.N > 1) c41 = Madd(c41, x4, w1);
                if (TW.N > 2) c42 = Madd(c42, x4, w2);
                if (TW.N > 3) c43 = Madd(c43, x4, w3);
            }
            if (TR.N > 5)
            {
                var x5 = Vector512.Create(*(int*)(a5 + 2 * p)).AsInt16();
                c50 = Madd(c50, x5, w0);
                if (TW.N > 1) c51 = Madd(c51, x5, w1);
                if (TW.N > 2) c52 = Madd(c52, x5, w2);
                if (TW.N > 3) c53 = Madd(c53, x5, w3);
            }
        }
        if ((k & 1) != 0)
        {
            // The last k has no partner: pair it with 0 (B's partner is zero-padded too).
            int last = k - 1;
            var w0 = Vector512.Load(b0 + off);
            var w1 = TW.N > 1 ? Vector512.Load(b1 + off) : default;
            var w2 = TW.N > 2 ? Vector512.Load(b2 + off) : default;
            var w3 = TW.N > 3 ? Vector512.Load(b3 + off) : default;
            var x0 = Vector512.Create((int)(ushort)a0[last]).AsInt16();
            c00 = Madd(c00, x0, w0);
            if (TW.N > 1) c01 = Madd(c01, x0, w1);
            if (TW.N > 2) c02 = Madd(c02, x0, w2);
            if (TW.N > 3) c03 = Madd(c03, x0, w3);
            if (TR.N > 1)
            {
                var x1 = Vector512.Create((int)(ushort)a1[last]).AsInt16();
                c10 = Madd(c10, x1, w0);
                if (TW.N > 1) c11 = Madd(c11, x1, w1);
                if (TW.N > 2) c12 = Madd(c12, x1, w2);
                if (TW.N > 3) c13 = Madd(c13, x1, w3);
            }
            if (TR.N > 2)
            {
                var x2 = Vector512.Create((int)(ushort)a2[last]).AsInt16();
                c20 = Madd(c20, x2, w0);
                if (TW.N > 1) c21 = Madd(c21, x2, w1);
                if (TW.N > 2) c22 = Madd(c22, x2, w2);
                if (TW.N > 3) c23 = Madd(c23, x2, w3);
            }
            if (TR.N > 3)
            {
                var x3 = Vector512.Create((int)(ushort)a3[last]).AsInt16();
                c30 = Madd(c30, x3, w0);
                if (TW.N > 1) c31 = Madd(c31, x3, w1);
                if (TW.N > 2) c32 = Madd(c32, x3, w2);
                if (TW.N > 3) c33 = Madd(c33, x3, w3);
            }
            if (TR.N > 4)
            {
                var x4 = Vector512.Create((int)(ushort)a4[last]).AsInt16();
                c40 = Madd(c40, x4, w0);
                if (TW.N > 1) c41 = Madd(c41, x4, w1);
                if (TW.N > 2) c42 = Madd(c42, x4, w2);
                if (TW.N > 3) c43 = Madd(c43, x4, w3);
            }
            if (TR.N > 5)
            {
                var x5 = Vector512.Create((int)(ushort)a5[last]).AsInt16();
                c50 = Madd(c50, x5, w0);
                if (TW.N > 1) c51 = Madd(c51, x5, w1);
                if (TW.N > 2) c52 = Madd(c52, x5, w2);
                if (TW.N > 3) c53 = Madd(c53, x5, w3);
            }
        }
        c00.Store(tile + 0 * ldt);
        if (TW.N > 1) c01.Store(tile + 0 * ldt + 16);
        if (TW.N > 2) c02.Store(tile + 0 * ldt + 32);
        if (TW.N > 3) c03.Store(tile + 0 * ldt + 48);
        if (TR.N > 1)
        {
            c10.Store(tile + 1 * ldt);
            if (TW.N > 1) c11.Store(tile + 1 * ldt + 16);
            if (TW.N > 2) c12.Store(tile + 1 * ldt + 32);
            if (TW.N > 3) c13.Store(tile + 1 * ldt + 48);
        }
        if (TR.N > 2)
        {
            c20.Store(tile + 2 * ldt);
            if (TW.N > 1) c21.Store(tile + 2 * ldt + 16);
            if (TW.N > 2) c22.Store(tile + 2 * ldt + 32);
            if (TW.N > 3) c23.Store(tile + 2 * ldt + 48);
        }
        if (TR.N > 3)
        {
            c30.Store(tile + 3 * ldt);
            if (TW.N > 1) c31.Store(tile + 3 * ldt + 16);
            if (TW.N > 2) c32.Store(tile + 3 * ldt + 32);
            if (TW.N > 3) c33.Store(tile + 3 * ldt + 48);
        }
        if (TR.N > 4)
        {
            c40.Store(tile + 4 * ldt);
            if (TW.N > 1) c41.Store(tile + 4 * ldt + 16);
            if (TW.N > 2) c42.Store(tile + 4 * ldt + 32);
            if (TW.N > 3) c43.Store(tile + 4 * ldt + 48);
        }
        if (TR.N > 5)
        {
            c50.Store(tile + 5 * ldt);
            if (TW.N > 1) c51.Store(tile + 5 * ldt + 16);
            if (TW.N > 2) c52.Store(tile + 5 * ldt + 32);
            if (TW.N > 3) c53.Store(tile + 5 * ldt + 48);
        }
    }
}
