using System.Buffers;
using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics.X86;

namespace Descent.Kernels.Quantized;

/// <summary>
/// Where the uint8 rows of A come from: a matrix in place (<see cref="MatrixRows"/>), or the receptive fields of an
/// NHWC convolution packed on the fly (<see cref="ConvPatchRows"/>), so the unfolded matrix never exists.
/// </summary>
internal unsafe interface IInt8RowSource
{
    /// <summary>Row stride of what <see cref="Rows"/> returns.</summary>
    nint Lda { get; }

    /// <summary>True when <see cref="Rows"/> writes into the scratch block (RowBlock × Lda bytes + slack).</summary>
    bool Packs { get; }

    /// <summary>Rows [row0, row0 + rows) of A: a pointer into the matrix, or <paramref name="scratch"/> filled with them.</summary>
    byte* Rows(int row0, int rows, byte* scratch);
}

/// <summary>A uint8 matrix in memory, row stride lda.</summary>
internal readonly unsafe struct MatrixRows(byte* a, nint lda) : IInt8RowSource
{
    public nint Lda => lda;

    public bool Packs => false;

    public byte* Rows(int row0, int rows, byte* scratch) => a + row0 * lda;
}

/// <summary>
/// The u8×s8 GEMM C = A·Wᵀ with the static layers' epilogue (<see cref="Int8OutputEpilogue"/>), A from a row source:
/// blocks of <see cref="RowBlock"/> rows are fetched (or packed: the fused im2col) once and then multiplied with every
/// panel group, so a packed block is reused across all output channels while it sits in L1/L2. The micro-kernels are
/// the u8×s8 ones of <see cref="Int8Gemm"/> (AVX-512 BW, AVX2) where vpmaddubsw is exact for the activation range
/// (<see cref="Int8PackedMatrix.U8KernelIsExact"/>), else the int16 vpmaddwd kernels on the rows widened per block,
/// and on the scalar path <see cref="U8S8GemmKernelScalar"/>: the same integers every way.
/// </summary>
internal static class Int8RowGemm
{
    /// <summary>Rows per block: a multiple of every tile height (6 and 4).</summary>
    public const int RowBlock = 96;

    /// <summary>Bytes past the last packed row that a packer may overwrite (8-byte stores of short segments).</summary>
    public const int ScratchSlack = 64;

    public static unsafe void Run<TS, TE>(int m, TS source, Int8PackedMatrix w, int aQuantMax, TE epilogue)
        where TS : struct, IInt8RowSource where TE : struct, IInt8Epilogue
    {
        if (m == 0 || w.N == 0) return;
        bool exact = w.U8KernelIsExact(aQuantMax);
        bool v512 = KernelConfig.UseVector512 && Avx512BW.IsSupported, v256 = KernelConfig.UseVector256 && Avx2.IsSupported;
        fixed (sbyte* quads = w.Quads)
        fixed (short* pairs = w.Data)
        {
            var bytes = new Job<TS>(m, source, quads, w.QuadPanelStride, w.K, w.N, w.Panels);
            // Where vpmaddubsw could saturate (8-bit activations), the rows are widened to int16 for the exact vpmaddwd
            // kernel; the activations stay unshifted, so the epilogue's zero-point correction is the same.
            var words = new Job<TS>(m, source, pairs, w.PanelStride, w.K, w.N, w.Panels);
            if (exact && v512) Drive<U8S8GemmKernel512, TS, TE>(in bytes, epilogue);
            else if (exact && v256) Drive<U8S8GemmKernel256, TS, TE>(in bytes, epilogue);
            else if (v512) Drive<Int8GemmKernel512, TS, TE>(in words, epilogue);
            else if (v256) Drive<Int8GemmKernel256, TS, TE>(in words, epilogue);
            else Drive<U8S8GemmKernelScalar, TS, TE>(in bytes, epilogue);
        }
    }

    private readonly unsafe struct Job<TS>(int m, TS source, void* b, nint panelStride, int k, int n, int panels) where TS : struct, IInt8RowSource
    {
        public readonly int M = m, K = k, N = n, Panels = panels;
        public readonly TS Source = source;
        public readonly byte* B = (byte*)b;
        public readonly nint PanelStride = panelStride;
    }

    private static void Drive<TK, TS, TE>(in Job<TS> job, TE epilogue)
        where TK : struct, IInt8GemmKernel where TS : struct, IInt8RowSource where TE : struct, IInt8Epilogue
    {
        int groups = (job.Panels + TK.MaxPanels - 1) / TK.MaxPanels;
        int threads = (long)job.M * job.N * job.K < Int8Gemm.MinParallelWork ? 1 : ParallelFor.Threads;
        int rowParts = job.M >= threads * 4 * TK.Mr ? threads : 1;
        int groupParts = rowParts > 1 ? 1 : Math.Min(threads, groups);
        if (rowParts * groupParts <= 1)
        {
            Block<TK, TS, TE>(in job, epilogue, 0, job.M, 0, groups);
            return;
        }
        var body = new Body<TK, TS, TE>(job, epilogue, rowParts, groupParts, groups);
        ParallelFor.Run(rowParts * groupParts, in body);
    }

    private readonly struct Body<TK, TS, TE>(Job<TS> job, TE epilogue, int rowParts, int groupParts, int groups) : IParallelBody
        where TK : struct, IInt8GemmKernel where TS : struct, IInt8RowSource where TE : struct, IInt8Epilogue
    {
        public void Invoke(int index)
        {
            int pr = index / groupParts, pg = index % groupParts;
            // Row parts in whole blocks when there are enough, so no block is packed twice.
            int unit = job.M >= rowParts * RowBlock ? RowBlock : TK.Mr;
            int units = (job.M + unit - 1) / unit;
            int i0 = Math.Min(job.M, units * pr / rowParts * unit), i1 = Math.Min(job.M, units * (pr + 1) / rowParts * unit);
            int g0 = groups * pg / groupParts, g1 = groups * (pg + 1) / groupParts;
            if (i0 < i1 && g0 < g1)
                Block<TK, TS, TE>(in job, epilogue, i0, i1, g0, g1);
        }
    }

    [SkipLocalsInit]
    private static unsafe void Block<TK, TS, TE>(in Job<TS> job, TE epilogue, int i0, int i1, int g0, int g1)
        where TK : struct, IInt8GemmKernel where TS : struct, IInt8RowSource where TE : struct, IInt8Epilogue
    {
        const int pw = Int8PackedMatrix.PanelWidth;
        int ldt = TK.MaxPanels * pw;
        int* tile = stackalloc int[TK.Mr * ldt + 16];
        tile = (int*)(((nint)tile + 63) & ~(nint)63);
        nint lda = job.Source.Lda;
        bool widen = TK.ElementSize == 2;
        nint lda16 = (job.K + 1) / 2 * 2;
        byte[]? rented = job.Source.Packs ? ArrayPool<byte>.Shared.Rent((int)(RowBlock * lda) + ScratchSlack) : null;
        short[]? wide = widen ? ArrayPool<short>.Shared.Rent((int)(RowBlock * lda16)) : null;
        try
        {
            fixed (byte* scratch = rented)
            fixed (short* words = wide)
            {
                for (int ib = i0; ib < i1; ib += RowBlock)
                {
                    int ie = Math.Min(i1, ib + RowBlock);
                    byte* a = job.Source.Rows(ib, ie - ib, scratch);
                    nint ld = lda;
                    if (widen)
                    {
                        for (int r = 0; r < ie - ib; r++)
                        {
                            byte* src = a + r * lda;
                            short* dst = words + r * lda16;
                            for (int p = 0; p < job.K; p++) dst[p] = src[p];
                            if (lda16 > job.K) dst[job.K] = 0;
                        }
                        a = (byte*)words;
                        ld = lda16;
                    }
                    for (int g = g0; g < g1; g++)
                    {
                        int panel = g * TK.MaxPanels;
                        int panels = Math.Min(TK.MaxPanels, job.Panels - panel);
                        int column = panel * pw, columns = Math.Min(panels * pw, job.N - column);
                        byte* b = job.B + panel * job.PanelStride * TK.ElementSize;
                        for (int i = ib; i < ie; i += TK.Mr)
                        {
                            int rows = Math.Min(TK.Mr, ie - i);
                            TK.Tile(rows, panels, job.K, a + (i - ib) * ld * TK.ElementSize, ld, b, job.PanelStride, tile, ldt);
                            epilogue.Apply(i, rows, column, columns, tile, ldt);
                        }
                    }
                }
            }
        }
        finally
        {
            if (rented is not null) ArrayPool<byte>.Shared.Return(rented);
            if (wide is not null) ArrayPool<short>.Shared.Return(wide);
        }
    }
}
