using System.Buffers;
using System.Numerics;
using System.Runtime.CompilerServices;

namespace Descent.Kernels;

/// <summary>
/// 3×3 stride-1 convolution (any zero padding, groups 1) by Winograd's F(2×2, 3×3) (<see cref="WinogradTransforms{T, TV}"/>):
/// 2.25× fewer multiplications than im2col + GEMM in the forward pass and in both backward passes.
/// Per image, the input is transposed once into a zero-padded HWC workspace (channels contiguous, so every tile
/// transform runs on full vectors of channels); for a band of tile rows the 16 transformed planes V[ξ] ([tiles × C])
/// are multiplied by the transformed filters U[ξ] ([C × O]) in 16 GEMMs, and the output transform writes the band
/// back, transposed to NCHW. Backward reuses the same pieces: dM = A dY Aᵀ of the output gradient gives the weight
/// gradient through dU[ξ] += V[ξ]ᵀ·dM[ξ] (then dg = Gᵀ dU G) and the input gradient through dV[ξ] = dM[ξ]·U[ξ]ᵀ and the
/// adjoint input transform (overlapping tiles summed). Nothing is kept between forward and backward: V is recomputed
/// per image in backward, which keeps every workspace in L2 instead of a batch of transformed tiles in memory.
/// </summary>
internal static unsafe class WinogradConv2d
{
    /// <summary>Tiles per band: the band's V and M planes (16 × tiles × channels) stay in L2 beside the padded image.</summary>
    private const int BandTiles = 64;

    /// <summary>True for the geometries this path computes: 3×3 kernel, stride 1, dilation 1, one group.</summary>
    public static bool Supports(in Conv2dGeometry g, int groups) =>
        groups == 1 && g.KernelH == 3 && g.KernelW == 3 && g.StrideH == 1 && g.StrideW == 1 &&
        g.DilationH == 1 && g.DilationW == 1;

    /// <summary>y = conv2d(x, w) for x [N, C, H, W], w [O, C, 3, 3], y [N, O, OH, OW] (no bias).</summary>
    public static void Forward<T>(ReadOnlyMemory<T> x, ReadOnlyMemory<T> w, Memory<T> y, int batch, int outChannels,
        in Conv2dGeometry g) where T : unmanaged, IFloatingPointIeee754<T>
    {
        var l = new WinogradLayout(g, outChannels);
        T[] u = ArrayPool<T>.Shared.Rent(16 * l.C * l.O);
        try
        {
            TransformFilters(w.Span, u, l, transposed: false);
            NNParallel.Run(batch, Work(batch, l), new ForwardBody<T>(x, u, y, l));
        }
        finally
        {
            ArrayPool<T>.Shared.Return(u);
        }
    }

    /// <summary>
    /// Input and weight gradients of <see cref="Forward{T}"/> from <paramref name="dy"/>: <paramref name="dx"/>
    /// [N, C, H, W] and <paramref name="dw"/> [O, C, 3, 3] are overwritten; either may be empty (not wanted).
    /// The weight gradient is summed per fixed chunk of images and the chunks in order, so it does not depend on
    /// the thread count.
    /// </summary>
    public static void Backward<T>(ReadOnlyMemory<T> x, ReadOnlyMemory<T> w, ReadOnlyMemory<T> dy, Memory<T> dx, Memory<T> dw,
        int batch, int outChannels, in Conv2dGeometry g) where T : unmanaged, IFloatingPointIeee754<T>
    {
        var l = new WinogradLayout(g, outChannels);
        bool wantDx = !dx.IsEmpty, wantDw = !dw.IsEmpty;
        if (!wantDx && !wantDw) return;
        int filterSize = 16 * l.C * l.O;
        if (batch == 0)
        {
            if (wantDw) dw.Span[..(l.O * l.C * 9)].Clear();
            return;
        }
        int chunks = wantDw ? Math.Min(batch, Conv2dKernels.WeightGradChunks) : batch;
        T[]? ut = wantDx ? ArrayPool<T>.Shared.Rent(filterSize) : null;
        T[]? du = wantDw ? ArrayPool<T>.Shared.Rent(chunks * filterSize) : null;
        try
        {
            if (ut is not null) TransformFilters(w.Span, ut, l, transposed: true);
            NNParallel.Run(chunks, Work(batch, l), new BackwardBody<T>(x, dy, dx, ut, du, batch, chunks, l));
            if (du is not null)
            {
                var sum = du.AsSpan(0, filterSize);
                for (int k = 1; k < chunks; k++)
                    RunKernels.Add(ref du[k * filterSize], ref sum[0], filterSize);
                FilterGradients(sum, dw.Span, l);
            }
        }
        finally
        {
            if (ut is not null) ArrayPool<T>.Shared.Return(ut);
            if (du is not null) ArrayPool<T>.Shared.Return(du);
        }
    }

    private static long Work(int batch, in WinogradLayout l) => (long)batch * l.O * l.C * 9 * l.OH * l.OW;

    /// <summary>U[ξ][c][o] = G w[o, c] Gᵀ, or U[ξ][o][c] when <paramref name="transposed"/> (for the input gradient).</summary>
    private static void TransformFilters<T>(ReadOnlySpan<T> w, Span<T> u, in WinogradLayout l, bool transposed)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        nint xi = l.C * l.O;
        fixed (T* pw = w)
        fixed (T* pu = u)
        {
            for (int o = 0; o < l.O; o++)
                for (int c = 0; c < l.C; c++)
                    WinogradFilter<T>.Transform(pw + (o * l.C + c) * 9, pu + (transposed ? o * l.C + c : c * l.O + o), xi);
        }
    }

    /// <summary>dw[o, c] = Gᵀ dU[·][c][o] G.</summary>
    private static void FilterGradients<T>(ReadOnlySpan<T> du, Span<T> dw, in WinogradLayout l) where T : unmanaged, IFloatingPointIeee754<T>
    {
        nint xi = l.C * l.O;
        fixed (T* pu = du)
        fixed (T* pw = dw)
        {
            for (int o = 0; o < l.O; o++)
                for (int c = 0; c < l.C; c++)
                    WinogradFilter<T>.Adjoint(pu + c * l.O + o, xi, pw + (o * l.C + c) * 9);
        }
    }

    /// <summary>The 16 products P[ξ] = op(A[ξ])·B[ξ] (+ P[ξ] when <paramref name="accumulate"/>) of one band, on this thread.</summary>
    private static void Products<T>(bool transA, int m, int n, int k, T* a, int lda, nint aStride, T* b, int ldb, nint bStride,
        bool accumulate, T* c, nint cStride) where T : unmanaged, IFloatingPointIeee754<T>
    {
        using var single = ParallelFor.OverrideThreads(1);
        T beta = accumulate ? T.One : T.Zero;
        for (int xi = 0; xi < 16; xi++)
            Gemm.Run(new GemmArgs<T>(transA, false, m, n, k, T.One, a + xi * aStride, lda, b + xi * bStride, ldb, beta, c + xi * cStride, n));
    }

    private readonly struct ForwardBody<T>(ReadOnlyMemory<T> x, T[] u, Memory<T> y, WinogradLayout l) : IParallelBody
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        public void Invoke(int n)
        {
            T* ws = GemmBuffers<T>.Workspace(l.ForwardWorkspace);
            T* xT = ws, v = xT + l.PaddedSize, m = v + l.BandInputSize, yT = m + l.BandOutputSize;
            fixed (T* px = x.Span)
            fixed (T* pu = u)
            fixed (T* py = y.Span)
            {
                WinogradTiles<T>.PadTransposed(px + (nint)n * l.C * l.H * l.W, xT, l);
                T* image = py + (nint)n * l.O * l.OH * l.OW;
                for (int ty0 = 0; ty0 < l.TilesH; ty0 += l.BandRows)
                {
                    int ty1 = Math.Min(ty0 + l.BandRows, l.TilesH), tiles = (ty1 - ty0) * l.TilesW;
                    WinogradTiles<T>.Inputs(xT, v, l, ty0, ty1);
                    Products(false, tiles, l.O, l.C, v, l.C, (nint)tiles * l.C, pu, l.O, (nint)l.C * l.O, false, m, (nint)tiles * l.O);
                    WinogradTiles<T>.Outputs(m, yT, l, ty0, ty1);
                    WinogradTiles<T>.Unpack(yT, image, l, ty0, ty1);
                }
            }
        }
    }

    private readonly struct BackwardBody<T>(ReadOnlyMemory<T> x, ReadOnlyMemory<T> dy, Memory<T> dx, T[]? ut, T[]? du, int batch,
        int chunks, WinogradLayout l) : IParallelBody where T : unmanaged, IFloatingPointIeee754<T>
    {
        public void Invoke(int chunk)
        {
            bool wantDx = ut is not null, wantDw = du is not null;
            T* ws = GemmBuffers<T>.Workspace(l.BackwardWorkspace);
            T* xT = ws, dxT = xT + l.PaddedSize, dyT = dxT + l.PaddedSize, dm = dyT + l.GradientSize;
            T* v = dm + l.BandOutputSize, dv = v + l.BandInputSize;
            nint filterSize = 16 * l.C * l.O;
            var (start, end) = NNParallel.Range(batch, chunks, chunk);
            fixed (T* px = x.Span)
            fixed (T* pdy = dy.Span)
            fixed (T* pdx = dx.Span)
            fixed (T* put = ut)
            fixed (T* pdu = du)
            {
                T* sum = wantDw ? pdu + chunk * filterSize : null;
                if (wantDw) new Span<T>(sum, (int)filterSize).Clear();
                for (int n = start; n < end; n++)
                {
                    WinogradTiles<T>.Gradient(pdy + (nint)n * l.O * l.OH * l.OW, dyT, l);
                    if (wantDw) WinogradTiles<T>.PadTransposed(px + (nint)n * l.C * l.H * l.W, xT, l);
                    if (wantDx) new Span<T>(dxT, l.PaddedSize).Clear();
                    for (int ty0 = 0; ty0 < l.TilesH; ty0 += l.BandRows)
                    {
                        int ty1 = Math.Min(ty0 + l.BandRows, l.TilesH), tiles = (ty1 - ty0) * l.TilesW;
                        WinogradTiles<T>.OutputGradients(dyT, dm, l, ty0, ty1);
                        if (wantDw)
                        {
                            WinogradTiles<T>.Inputs(xT, v, l, ty0, ty1);
                            // dU[ξ] (C × O) += V[ξ]ᵀ (C × tiles) · dM[ξ] (tiles × O).
                            Products(true, l.C, l.O, tiles, v, l.C, (nint)tiles * l.C, dm, l.O, (nint)tiles * l.O, true, sum, (nint)l.C * l.O);
                        }
                        if (wantDx)
                        {
                            // dV[ξ] (tiles × C) = dM[ξ] (tiles × O) · U[ξ]ᵀ (O × C).
                            Products(false, tiles, l.C, l.O, dm, l.O, (nint)tiles * l.O, put, l.C, (nint)l.O * l.C, false, dv, (nint)tiles * l.C);
                            WinogradTiles<T>.InputGradients(dv, dxT, l, ty0, ty1);
                        }
                    }
                    if (wantDx) WinogradTiles<T>.Unpad(dxT, pdx + (nint)n * l.C * l.H * l.W, l);
                }
            }
        }
    }
}

/// <summary>Extents of one Winograd F(2×2, 3×3) convolution and the sizes of its per-thread workspaces (elements).</summary>
internal readonly struct WinogradLayout
{
    public WinogradLayout(in Conv2dGeometry g, int outChannels)
    {
        C = g.Channels;
        O = outChannels;
        H = g.Height;
        W = g.Width;
        PadH = g.PadH;
        PadW = g.PadW;
        OH = g.OutH;
        OW = g.OutW;
        TilesH = (OH + 1) / 2;
        TilesW = (OW + 1) / 2;
        // The padded image covers every tile's 4×4 window: 2·tiles + 2 rows and columns, the image at (PadH, PadW).
        PaddedH = 2 * TilesH + 2;
        PaddedW = 2 * TilesW + 2;
        BandRows = Math.Clamp(64 / TilesW, 1, TilesH);
        int bandTiles = BandRows * TilesW;
        PaddedSize = Align(PaddedH * PaddedW * C);
        BandInputSize = Align(16 * bandTiles * C);
        BandOutputSize = Align(16 * bandTiles * O);
        GradientSize = Align(4 * TilesH * TilesW * O);
        ForwardWorkspace = PaddedSize + BandInputSize + BandOutputSize + Align(4 * BandRows * TilesW * O);
        BackwardWorkspace = 2 * PaddedSize + GradientSize + BandOutputSize + 2 * BandInputSize;
    }

    public int C { get; }
    public int O { get; }
    public int H { get; }
    public int W { get; }
    public int PadH { get; }
    public int PadW { get; }
    public int OH { get; }
    public int OW { get; }
    public int TilesH { get; }
    public int TilesW { get; }
    public int PaddedH { get; }
    public int PaddedW { get; }

    /// <summary>Tile rows per band.</summary>
    public int BandRows { get; }

    /// <summary>The zero-padded HWC image.</summary>
    public int PaddedSize { get; }

    /// <summary>16 transformed input planes of one band.</summary>
    public int BandInputSize { get; }

    /// <summary>16 transformed output planes of one band.</summary>
    public int BandOutputSize { get; }

    /// <summary>The HWC output gradient over whole tiles (zero beyond OH × OW).</summary>
    public int GradientSize { get; }

    public int ForwardWorkspace { get; }

    public int BackwardWorkspace { get; }

    // Every region starts on a 64-byte boundary (16 floats; 8 doubles).
    private static int Align(int elements) => (elements + 15) & ~15;
}
