using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;

namespace Descent.Kernels.Quantized;

/// <summary>
/// Vector256 u8×s8 micro-kernel (AVX2), fbgemm's non-VNNI scheme: per group of four k, vpmaddubsw multiplies the
/// uint8 activations by the int8 weights and adds adjacent pairs into int16, vpmaddwd with ones adds those pairs into
/// int32, vpaddd accumulates — 3 instructions per 32 multiply-adds against 4 for the int16 kernel. The int16 pair sums
/// saturate unless activation · (|w₀| + |w₁|) ≤ 32767, so <see cref="Int8Gemm"/> uses it only when
/// <see cref="Int8PackedMatrix.U8KernelIsExact"/> holds (7-bit activations, PyTorch's reduce_range); A holds the
/// uint8 values themselves and the zero point is corrected once per output with the weight column sums.
/// Tile: up to 4 rows × 1 panel (8 accumulators).
/// </summary>
internal readonly unsafe struct U8S8GemmKernel256 : IInt8GemmKernel
{
    public static int Mr => 4;

    public static int MaxPanels => 1;

    public static int ElementSize => 1;

    public static void Tile(int rows, int panels, int k, void* av, nint lda, void* bv, nint panelStride, int* tile, nint ldt)
    {
        var a = (byte*)av;
        var b = (sbyte*)bv;
        switch (rows)
        {
            case 4: Kernel<GemmD4, GemmD2>(k, a, lda, b, panelStride, tile, ldt); break;
            case 3: Kernel<GemmD3, GemmD2>(k, a, lda, b, panelStride, tile, ldt); break;
            case 2: Kernel<GemmD2, GemmD2>(k, a, lda, b, panelStride, tile, ldt); break;
            default: Kernel<GemmD1, GemmD2>(k, a, lda, b, panelStride, tile, ldt); break;
        }
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector256<int> Madd(Vector256<int> acc, Vector256<byte> x, Vector256<sbyte> w) =>
        acc + Avx2.MultiplyAddAdjacent(Avx2.MultiplyAddAdjacent(x, w), Vector256<short>.One);

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
        Vector256<int> c00 = default, c01 = default;
        Vector256<int> c10 = default, c11 = default;
        Vector256<int> c20 = default, c21 = default;
        Vector256<int> c30 = default, c31 = default;
        byte* a0 = a;
        byte* a1 = a0 + (TR.N > 1 ? lda : 0);
        byte* a2 = a1 + (TR.N > 2 ? lda : 0);
        byte* a3 = a2 + (TR.N > 3 ? lda : 0);
        sbyte* b0 = b;
        sbyte* b1 = b + 32;
        int quads = k / 4;
        nint off = 0;
        for (int q = 0; q < quads; q++, off += 4 * Int8PackedMatrix.PanelWidth)
        {
            var w0 = Vector256.Load(b0 + off);
            var w1 = TW.N > 1 ? Vector256.Load(b1 + off) : default;
            var x0 = Vector256.Create(*(int*)(a0 + 4 * q)).AsByte();
            c00 = Madd(c00, x0, w0);
            if (TW.N > 1) c01 = Madd(c01, x0, w1);
            if (TR.N > 1)
            {
                var x1 = Vector256.Create(*(int*)(a1 + 4 * q)).AsByte();
                c10 = Madd(c10, x1, w0);
                if (TW.N > 1) c11 = Madd(c11, x1, w1);
            }
            if (TR.N > 2)
            {
                var x2 = Vector256.Create(*(int*)(a2 + 4 * q)).AsByte();
                c20 = Madd(c20, x2, w0);
                if (TW.N > 1) c21 = Madd(c21, x2, w1);
            }
            if (TR.N > 3)
            {
                var x3 = Vector256.Create(*(int*)(a3 + 4 * q)).AsByte();
                c30 = Madd(c30, x3, w0);
                if (TW.N > 1) c31 = Madd(c31, x3, w1);
            }
        }
        if ((k & 3) != 0)
        {
            int start = quads * 4;
            var w0 = Vector256.Load(b0 + off);
            var w1 = TW.N > 1 ? Vector256.Load(b1 + off) : default;
            var x0 = Vector256.Create(Tail(a0, start, k)).AsByte();
            c00 = Madd(c00, x0, w0);
            if (TW.N > 1) c01 = Madd(c01, x0, w1);
            if (TR.N > 1)
            {
                var x1 = Vector256.Create(Tail(a1, start, k)).AsByte();
                c10 = Madd(c10, x1, w0);
                if (TW.N > 1) c11 = Madd(c11, x1, w1);
            }
            if (TR.N > 2)
            {
                var x2 = Vector256.Create(Tail(a2, start, k)).AsByte();
                c20 = Madd(c20, x2, w0);
                if (TW.N > 1) c21 = Madd(c21, x2, w1);
            }
            if (TR.N > 3)
            {
                var x3 = Vector256.Create(Tail(a3, start, k)).AsByte();
                c30 = Madd(c30, x3, w0);
                if (TW.N > 1) c31 = Madd(c31, x3, w1);
            }
        }
        c00.Store(tile + 0 * ldt);
        c01.Store(tile + 0 * ldt + 8);
        if (TR.N > 1)
        {
            c10.Store(tile + 1 * ldt);
            c11.Store(tile + 1 * ldt + 8);
        }
        if (TR.N > 2)
        {
            c20.Store(tile + 2 * ldt);
            c21.Store(tile + 2 * ldt + 8);
        }
        if (TR.N > 3)
        {
            c30.Store(tile + 3 * ldt);
            c31.Store(tile + 3 * ldt + 8);
        }
    }
}
