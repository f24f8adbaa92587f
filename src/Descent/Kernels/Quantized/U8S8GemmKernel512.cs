using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;

namespace Descent.Kernels.Quantized;

/// <summary>
/// Vector512 u8×s8 micro-kernel (AVX-512 BW), fbgemm's non-VNNI scheme: per group of four k, vpmaddubsw multiplies the
/// uint8 activations by the int8 weights and adds adjacent pairs into int16, vpmaddwd with ones adds those pairs into
/// int32, vpaddd accumulates — 3 instructions per 64 multiply-adds against 4 for the int16 kernel. The int16 pair sums
/// saturate unless activation · (|w₀| + |w₁|) ≤ 32767, so <see cref="Int8Gemm"/> uses it only when
/// <see cref="Int8PackedMatrix.U8KernelIsExact"/> holds (7-bit activations, PyTorch's reduce_range); A holds the
/// uint8 values themselves and the zero point is corrected once per output with the weight column sums.
/// Tile: up to 6 rows × 4 panels (24 accumulators).
/// </summary>
internal readonly unsafe struct U8S8GemmKernel512 : IInt8GemmKernel
{
    public static int Mr => 6;

    public static int MaxPanels => 4;

    public static int ElementSize => 1;

    public static void Tile(int rows, int panels, int k, void* av, nint lda, void* bv, nint panelStride, int* tile, nint ldt)
    {
        var a = (byte*)av;
        var b = (sbyte*)bv;
        switch (panels)
        {
            case 4: Rows<GemmD4>(rows, k, a, lda, b, panelStride, tile, ldt); break;
            case 3: Rows<GemmD3>(rows, k, a, lda, b, panelStride, tile, ldt); break;
            case 2: Rows<GemmD2>(rows, k, a, lda, b, panelStride, tile, ldt); break;
            default: Rows<GemmD1>(rows, k, a, lda, b, panelStride, tile, ldt); break;
        }
    }

    private static void Rows<TW>(int rows, int k, byte* a, nint lda, sbyte* b, nint panelStride, int* tile, nint ldt)
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

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector512<int> Madd(Vector512<int> acc, Vector512<byte> x, Vector512<sbyte> w) =>
        acc + Avx512BW.MultiplyAddAdjacent(Avx512BW.MultiplyAddAdjacent(x, w), Vector512<short>.One);

    /// <summary>The four activation bytes of quad q of a row, zero-filled past k (B is zero there too).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static int Tail(byte* row, int start, int k)
    {
        int v = 0;
        for (int t = 0; start + t < k; t++) v |= row[start + t] << (8 * t);
        return v;
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void Kernel<TR, TW>(int k, byte* a, nint lda, sbyte* b, nint panelStride, int* tile, nint ldt)
        where TR : struct, IGemmDim where TW : struct, IGemmDim
    {
        Vector512<int> c00 = default, c01 = default, c02 = default, c03 = default;
        Vector512<int> c10 = default, c11 = default, c12 = default, c13 = default;
        Vector512<int> c20 = default, c21 = default, c22 = default, c23 = default;
        Vector512<int> c30 = default, c31 = default, c32 = default, c33 = default;
        Vector512<int> c40 = default, c41 = default, c42 = default, c43 = default;
        Vector512<int> c50 = default, c51 = default, c52 = default, c53 = default;
        byte* a0 = a;
        byte* a1 = a0 + (TR.N > 1 ? lda : 0);
        byte* a2 = a1 + (TR.N > 2 ? lda : 0);
        byte* a3 = a2 + (TR.N > 3 ? lda : 0);
        byte* a4 = a3 + (TR.N > 4 ? lda : 0);
        byte* a5 = a4 + (TR.N > 5 ? lda : 0);
        sbyte* b0 = b;
        sbyte* b1 = b0 + (TW.N > 1 ? panelStride : 0);
        sbyte* b2 = b1 + (TW.N > 2 ? panelStride : 0);
        sbyte* b3 = b2 + (TW.N > 3 ? panelStride : 0);
        int quads = k / 4;
        nint off = 0;
        for (int q = 0; q < quads; q++, off += 4 * Int8PackedMatrix.PanelWidth)
        {
            var w0 = Vector512.Load(b0 + off);
            var w1 = TW.N > 1 ? Vector512.Load(b1 + off) : default;
            var w2 = TW.N > 2 ? Vector512.Load(b2 + off) : default;
            var w3 = TW.N > 3 ? Vector512.Load(b3 + off) : default;
            var x0 = Vector512.Create(*(int*)(a0 + 4 * q)).AsByte();
            c00 = Madd(c00, x0, w0);
            if (TW.N > 1) c01 = Madd(c01, x0, w1);
            if (TW.N > 2) c02 = Madd(c02, x0, w2);
            if (TW.N > 3) c03 = Madd(c03, x0, w3);
            if (TR.N > 1)
            {
                var x1 = Vector512.Create(*(int*)(a1 + 4 * q)).AsByte();
                c10 = Madd(c10, x1, w0);
                if (TW.N > 1) c11 = Madd(c11, x1, w1);
                if (TW.N > 2) c12 = Madd(c12, x1, w2);
                if (TW.N > 3) c13 = Madd(c13, x1, w3);
            }
            if (TR.N > 2)
            {
                var x2 = Vector512.Create(*(int*)(a2 + 4 * q)).AsByte();
                c20 = Madd(c20, x2, w0);
                if (TW.N > 1) c21 = Madd(c21, x2, w1);
                if (TW.N > 2) c22 = Madd(c22, x2, w2);
                if (TW.N > 3) c23 = Madd(c23, x2, w3);
            }
            if (TR.N > 3)
            {
                var x3 = Vector512.Create(*(int*)(a3 + 4 * q)).AsByte();
                c30 = Madd(c30, x3, w0);
                if (TW.N > 1) c31 = Madd(c31, x3, w1);
                if (TW.N > 2) c32 = Madd(c32, x3, w2);
                if (TW.N > 3) c33 = Madd(c33, x3, w3);
            }
            if (TR.N > 4)
            {
                var x4 = Vector512.Create(*(int*)(a4 + 4 * q)).AsByte();
                c40 = Madd(c40, x4, w0);
                if (TW.N > 1) c41 = Madd(c41, x4, w1);
                if (TW.N > 2) c42 = Madd(c42, x4, w2);
                if (TW.N > 3) c43 = Madd(c43, x4, w3);
            }
            if (TR.N > 5)
            {
                var x5 = Vector512.Create(*(int*)(a5 + 4 * q)).AsByte();
                c50 = Madd(c50, x5, w0);
                if (TW.N > 1) c51 = Madd(c51, x5, w1);
                if (TW.N > 2) c52 = Madd(c52, x5, w2);
                if (TW.N > 3) c53 = Madd(c53, x5, w3);
            }
        }
        if ((k & 3) != 0)
        {
            int start = quads * 4;
            var w0 = Vector512.Load(b0 + off);
            var w1 = TW.N > 1 ? Vector512.Load(b1 + off) : default;
            var w2 = TW.N > 2 ? Vector512.Load(b2 + off) : default;
            var w3 = TW.N > 3 ? Vector512.Load(b3 + off) : default;
            var x0 = Vector512.Create(Tail(a0, start, k)).AsByte();
            c00 = Madd(c00, x0, w0);
            if (TW.N > 1) c01 = Madd(c01, x0, w1);
            if (TW.N > 2) c02 = Madd(c02, x0, w2);
            if (TW.N > 3) c03 = Madd(c03, x0, w3);
            if (TR.N > 1)
            {
                var x1 = Vector512.Create(Tail(a1, start, k)).AsByte();
                c10 = Madd(c10, x1, w0);
                if (TW.N > 1) c11 = Madd(c11, x1, w1);
                if (TW.N > 2) c12 = Madd(c12, x1, w2);
                if (TW.N > 3) c13 = Madd(c13, x1, w3);
            }
            if (TR.N > 2)
            {
                var x2 = Vector512.Create(Tail(a2, start, k)).AsByte();
                c20 = Madd(c20, x2, w0);
                if (TW.N > 1) c21 = Madd(c21, x2, w1);
                if (TW.N > 2) c22 = Madd(c22, x2, w2);
                if (TW.N > 3) c23 = Madd(c23, x2, w3);
            }
            if (TR.N > 3)
            {
                var x3 = Vector512.Create(Tail(a3, start, k)).AsByte();
                c30 = Madd(c30, x3, w0);
                if (TW.N > 1) c31 = Madd(c31, x3, w1);
                if (TW.N > 2) c32 = Madd(c32, x3, w2);
                if (TW.N > 3) c33 = Madd(c33, x3, w3);
            }
            if (TR.N > 4)
            {
                var x4 = Vector512.Create(Tail(a4, start, k)).AsByte();
                c40 = Madd(c40, x4, w0);
                if (TW.N > 1) c41 = Madd(c41, x4, w1);
                if (TW.N > 2) c42 = Madd(c42, x4, w2);
                if (TW.N > 3) c43 = Madd(c43, x4, w3);
            }
            if (TR.N > 5)
            {
                var x5 = Vector512.Create(Tail(a5, start, k)).AsByte();
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
