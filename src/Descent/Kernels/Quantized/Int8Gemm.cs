using System.Buffers;
using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;

namespace Descent.Kernels.Quantized;

/// <summary>
/// The int8 matrix product C[m × n] = A · Wᵀ of quantized operands, accumulated exactly in int32: A is m × k int16
/// offsets q_x − z_x (row stride lda, from <see cref="QuantizeKernels"/>), W an <see cref="Int8PackedMatrix"/> of
/// offsets q_w − z_w prepared once. So C[i, j] = Σ_p (q_x − z_x)(q_w − z_w), the integer part of PyTorch's quantized
/// Linear definition, whatever the SIMD path or thread count (integer sums are exact in any order).
/// </summary>
/// <remarks>
/// Loop nest: row blocks of <see cref="RowBlock"/> rows (A block kept in L2) → groups of up to four 16-column panels
/// (the B panels stream from L2) → register tiles of the micro-kernel over the whole k. Each tile's int32 sums go to
/// a small per-thread scratch tile and from there through the epilogue (float output with scales and bias, or the
/// raw sums), while still in L1. Threads split the rows when there are enough, else the panel groups.
/// </remarks>
public static class Int8Gemm
{
    /// <summary>Rows of A per block: a multiple of every tile height (6 and 4).</summary>
    private const int RowBlock = 96;

    /// <summary>Fewest multiply-adds (m·n·k) for which a call uses several threads; settable so tests can force it.</summary>
    public static long MinParallelWork { get; set; } = 1 << 19;

    /// <summary>C[i, j] = Σ_p a[i·lda + p] · W(j, p) as int32 (row stride ldc).</summary>
    public static unsafe void MultiplyToInt32(int m, ReadOnlySpan<short> a, int lda, Int8PackedMatrix w, Span<int> c, int ldc)
    {
        ArgumentNullException.ThrowIfNull(w);
        Check(m, a.Length, lda, w, c.Length, ldc);
        fixed (short* pa = a)
        fixed (int* pc = c)
            Run(m, pa, lda, w, new Int32Output(pc, ldc));
    }

    /// <summary>
    /// C[i, j] = (acc[i, j] · aScale) · wScale[j] + bias[j] as float32 (then max(·, 0) with <paramref name="relu"/>),
    /// where acc is the exact int32 product: the dynamic-quantized Linear. <paramref name="bias"/> may be empty.
    /// </summary>
    public static unsafe void MultiplyToFloat(int m, ReadOnlySpan<short> a, int lda, Int8PackedMatrix w, float aScale,
        ReadOnlySpan<float> wScale, ReadOnlySpan<float> bias, bool relu, Span<float> c, int ldc)
    {
        ArgumentNullException.ThrowIfNull(w);
        Check(m, a.Length, lda, w, c.Length, ldc);
        CheckFloatOutput(w, wScale.Length, bias.Length);
        fixed (short* pa = a)
        fixed (float* ps = wScale)
        fixed (float* pb = bias)
        fixed (float* pc = c)
            Run(m, pa, lda, w, new FloatOutput(pc, ldc, aScale, ps, bias.IsEmpty ? null : pb, relu, null));
    }

    // wScale and bias are the lengths of the callers' arguments of the same names.
    private static void CheckFloatOutput(Int8PackedMatrix w, int wScale, int bias)
    {
        if (wScale != w.N)
            throw new ArgumentException($"Int8 GEMM: {wScale} weight scales for {w.N} output channels.", nameof(wScale));
        if (bias != 0 && bias != w.N)
            throw new ArgumentException($"Int8 GEMM: bias has {bias} values for {w.N} output channels.", nameof(bias));
    }

    private static void Check(int m, int aLength, int lda, Int8PackedMatrix w, int cLength, int ldc)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(m);
        if (lda < w.K)
            throw new ArgumentOutOfRangeException(nameof(lda), lda, $"Int8 GEMM: lda must be at least k = {w.K}.");
        if (ldc < w.N)
            throw new ArgumentOutOfRangeException(nameof(ldc), ldc, $"Int8 GEMM: ldc must be at least n = {w.N}.");
        if (m > 0 && aLength < (long)(m - 1) * lda + w.K)
            throw new ArgumentException($"Int8 GEMM: A has {aLength} values, too few for {m}×{w.K} with lda {lda}.", nameof(aLength));
        if (m > 0 && cLength < (long)(m - 1) * ldc + w.N)
            throw new ArgumentException($"Int8 GEMM: C has {cLength} values, too few for {m}×{w.N} with ldc {ldc}.", nameof(cLength));
    }

    /// <summary>
    /// The same float output from uint8 activations q_x with zero point <paramref name="aZeroPoint"/> and values at most
    /// <paramref name="aQuantMax"/>: the u8×s8 kernel (vpmaddubsw) runs where it is exact for that range (7-bit
    /// activations, PyTorch's reduce_range, with int8 weight offsets), otherwise the offsets q_x − z_x go through the
    /// exact int16 kernel. Both give the same integers.
    /// </summary>
    public static unsafe void MultiplyToFloat(int m, ReadOnlySpan<byte> a, int lda, int aZeroPoint, int aQuantMax, Int8PackedMatrix w,
        float aScale, ReadOnlySpan<float> wScale, ReadOnlySpan<float> bias, bool relu, Span<float> c, int ldc)
    {
        ArgumentNullException.ThrowIfNull(w);
        Check(m, a.Length, lda, w, c.Length, ldc);
        CheckFloatOutput(w, wScale.Length, bias.Length);
        if (aQuantMax is < 0 or > 255 || aZeroPoint < 0 || aZeroPoint > aQuantMax)
            throw new ArgumentOutOfRangeException(nameof(aZeroPoint), $"Int8 GEMM: activation zero point {aZeroPoint} and maximum {aQuantMax} must satisfy 0 <= zp <= max <= 255.");
        bool vector512 = KernelConfig.UseVector512 && Avx512BW.IsSupported, vector256 = KernelConfig.UseVector256 && Avx2.IsSupported;
        if (!(vector512 || vector256) || !w.U8KernelIsExact(aQuantMax))
        {
            var offsets = ArrayPool<short>.Shared.Rent(a.Length);
            try
            {
                for (int i = 0; i < a.Length; i++) offsets[i] = (short)(a[i] - aZeroPoint);
                MultiplyToFloat(m, offsets.AsSpan(0, a.Length), lda, w, aScale, wScale, bias, relu, c, ldc);
            }
            finally
            {
                ArrayPool<short>.Shared.Return(offsets);
            }
            return;
        }
        var correction = ArrayPool<int>.Shared.Rent(w.N);
        try
        {
            // Σ (q_x − z_x)·w = Σ q_x·w − z_x·Σ w: the second term per output channel, once per call.
            for (int j = 0; j < w.N; j++) correction[j] = aZeroPoint * w.ColumnSums[j];
            fixed (byte* pa = a)
            fixed (sbyte* pb = w.Quads)
            fixed (float* ps = wScale)
            fixed (float* pbias = bias)
            fixed (float* pc = c)
            fixed (int* pcorr = correction)
            {
                if (m == 0 || w.N == 0) return;
                var job = new Job(m, pa, lda, pb, w.QuadPanelStride, w.K, w.N, w.Panels);
                var epilogue = new FloatOutput(pc, ldc, aScale, ps, bias.IsEmpty ? null : pbias, relu, pcorr);
                if (vector512)
                    Drive<U8S8GemmKernel512, FloatOutput>(in job, epilogue);
                else
                    Drive<U8S8GemmKernel256, FloatOutput>(in job, epilogue);
            }
        }
        finally
        {
            ArrayPool<int>.Shared.Return(correction);
        }
    }

    private static unsafe void Run<TE>(int m, short* a, int lda, Int8PackedMatrix w, TE epilogue) where TE : struct, IInt8Epilogue
    {
        if (m == 0 || w.N == 0)
            return;
        fixed (short* b = w.Data)
        {
            var job = new Job(m, a, lda, b, w.PanelStride, w.K, w.N, w.Panels);
            if (KernelConfig.UseVector512 && Avx512BW.IsSupported)
                Drive<Int8GemmKernel512, TE>(in job, epilogue);
            else if (KernelConfig.UseVector256 && Avx2.IsSupported)
                Drive<Int8GemmKernel256, TE>(in job, epilogue);
            else
                Drive<Int8GemmKernelScalar, TE>(in job, epilogue);
        }
    }

    /// <summary>One pinned call: the operands (elements of the kernel's size) and sizes every task reads.</summary>
    private readonly unsafe struct Job(int m, void* a, nint lda, void* b, nint panelStride, int k, int n, int panels)
    {
        public readonly int M = m, K = k, N = n, Panels = panels;
        public readonly byte* A = (byte*)a, B = (byte*)b;
        public readonly nint Lda = lda, PanelStride = panelStride;
    }

    private static unsafe void Drive<TK, TE>(in Job job, TE epilogue) where TK : struct, IInt8GemmKernel where TE : struct, IInt8Epilogue
    {
        int groups = (job.Panels + TK.MaxPanels - 1) / TK.MaxPanels;
        int threads = (long)job.M * job.N * job.K < MinParallelWork ? 1 : ParallelFor.Threads;
        // Rows when every thread gets at least a few tiles of them, else panel groups (small batches).
        int rowParts = job.M >= threads * 4 * TK.Mr ? threads : 1;
        int groupParts = rowParts > 1 ? 1 : Math.Min(threads, groups);
        if (rowParts * groupParts <= 1)
        {
            Block<TK, TE>(in job, epilogue, 0, job.M, 0, groups);
            return;
        }
        var body = new Body<TK, TE>(job, epilogue, rowParts, groupParts, groups);
        ParallelFor.Run(rowParts * groupParts, in body);
    }

    private readonly struct Body<TK, TE>(Job job, TE epilogue, int rowParts, int groupParts, int groups) : IParallelBody
        where TK : struct, IInt8GemmKernel where TE : struct, IInt8Epilogue
    {
        public void Invoke(int index)
        {
            int pr = index / groupParts, pg = index % groupParts;
            int units = (job.M + TK.Mr - 1) / TK.Mr;
            int i0 = Math.Min(job.M, units * pr / rowParts * TK.Mr), i1 = Math.Min(job.M, units * (pr + 1) / rowParts * TK.Mr);
            int g0 = groups * pg / groupParts, g1 = groups * (pg + 1) / groupParts;
            if (i0 < i1 && g0 < g1)
                Block<TK, TE>(in job, epilogue, i0, i1, g0, g1);
        }
    }

    /// <summary>Rows [i0, i1) × panel groups [g0, g1) of C.</summary>
    [SkipLocalsInit]
    private static unsafe void Block<TK, TE>(in Job job, TE epilogue, int i0, int i1, int g0, int g1)
        where TK : struct, IInt8GemmKernel where TE : struct, IInt8Epilogue
    {
        const int w = Int8PackedMatrix.PanelWidth;
        int ldt = TK.MaxPanels * w;
        int* tile = stackalloc int[TK.Mr * ldt + 16];
        tile = (int*)(((nint)tile + 63) & ~(nint)63);
        for (int ib = i0; ib < i1; ib += RowBlock)
        {
            int ie = Math.Min(i1, ib + RowBlock);
            for (int g = g0; g < g1; g++)
            {
                int panel = g * TK.MaxPanels;
                int panels = Math.Min(TK.MaxPanels, job.Panels - panel);
                int column = panel * w, columns = Math.Min(panels * w, job.N - column);
                byte* b = job.B + panel * job.PanelStride * TK.ElementSize;
                for (int i = ib; i < ie; i += TK.Mr)
                {
                    int rows = Math.Min(TK.Mr, ie - i);
                    TK.Tile(rows, panels, job.K, job.A + i * job.Lda * TK.ElementSize, job.Lda, b, job.PanelStride, tile, ldt);
                    epilogue.Apply(i, rows, column, columns, tile, ldt);
                }
            }
        }
    }
}
