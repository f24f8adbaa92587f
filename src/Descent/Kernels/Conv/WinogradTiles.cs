using System.Numerics;
using System.Runtime.CompilerServices;

namespace Descent.Kernels;

/// <summary>
/// The per-image steps of <see cref="WinogradConv2d"/> around its GEMMs: NCHW ↔ zero-padded HWC transposes, and the
/// tile transforms of one band of tile rows applied to every tile and channel (full vectors of channels at the widest
/// level <see cref="KernelConfig"/> allows, then narrower vectors, then single channels).
/// Band planes are [ξ][tile][channel] with the band's tiles numbered row by row from 0.
/// </summary>
internal static unsafe class WinogradTiles<T> where T : unmanaged, IFloatingPointIeee754<T>
{
    /// <summary>xT = the [C, H, W] image transposed to [PaddedH, PaddedW, C], the image at (PadH, PadW), zeros around it.</summary>
    public static void PadTransposed(T* x, T* xT, in WinogradLayout l)
    {
        nint c = l.C, rowSize = (nint)l.PaddedW * c;
        Clear(xT, l.PadH * rowSize);
        for (int h = 0; h < l.H; h++)
        {
            T* row = xT + (h + l.PadH) * rowSize;
            Clear(row, l.PadW * c);
            PermuteKernels.TransposeBlock(x + h * l.W, l.H * l.W, row + l.PadW * c, l.C, l.W, l.C);
            Clear(row + (l.PadW + l.W) * c, (l.PaddedW - l.PadW - l.W) * c);
        }
        Clear(xT + (l.PadH + l.H) * rowSize, (l.PaddedH - l.PadH - l.H) * rowSize);
    }

    /// <summary>dx [C, H, W] = the image region of the padded HWC gradient (the padding's share is dropped).</summary>
    public static void Unpad(T* dxT, T* dx, in WinogradLayout l)
    {
        nint rowSize = (nint)l.PaddedW * l.C;
        for (int h = 0; h < l.H; h++)
            PermuteKernels.TransposeBlock(dxT + (h + l.PadH) * rowSize + l.PadW * (nint)l.C, l.C, dx + h * l.W, l.H * l.W, l.C, l.W);
    }

    /// <summary>dyT [2·TilesH, 2·TilesW, O] = dy [O, OH, OW] transposed, zero in the rows and columns past the output.</summary>
    public static void Gradient(T* dy, T* dyT, in WinogradLayout l)
    {
        nint o = l.O, rowSize = 2 * (nint)l.TilesW * o;
        for (int oh = 0; oh < l.OH; oh++)
        {
            T* row = dyT + oh * rowSize;
            PermuteKernels.TransposeBlock(dy + oh * l.OW, l.OH * l.OW, row, l.O, l.OW, l.O);
            Clear(row + l.OW * o, rowSize - l.OW * o);
        }
        Clear(dyT + l.OH * rowSize, (2 * l.TilesH - l.OH) * rowSize);
    }

    /// <summary>y rows [2·ty0, 2·ty1) ∩ [0, OH) of [O, OH, OW] from the band's HWC output tiles.</summary>
    public static void Unpack(T* yT, T* y, in WinogradLayout l, int ty0, int ty1)
    {
        nint rowSize = 2 * (nint)l.TilesW * l.O;
        for (int oh = 2 * ty0; oh < Math.Min(2 * ty1, l.OH); oh++)
            PermuteKernels.TransposeBlock(yT + (oh - 2 * ty0) * rowSize, l.O, y + oh * l.OW, l.OH * l.OW, l.O, l.OW);
    }

    /// <summary>V[ξ] of the band's tiles from the padded HWC image.</summary>
    public static void Inputs(T* xT, T* v, in WinogradLayout l, int ty0, int ty1) =>
        Sweep(new InputOp(xT, v, l, ty0, ty1), l, ty0, ty1, l.C);

    /// <summary>The band's 2×2 output tiles, HWC with rows 2·(ty − ty0) + a, from M[ξ].</summary>
    public static void Outputs(T* m, T* yT, in WinogradLayout l, int ty0, int ty1) =>
        Sweep(new OutputOp(m, yT, l, ty0, ty1), l, ty0, ty1, l.O);

    /// <summary>dM[ξ] = A dY Aᵀ of the band's tiles from the HWC output gradient.</summary>
    public static void OutputGradients(T* dyT, T* dm, in WinogradLayout l, int ty0, int ty1) =>
        Sweep(new OutputGradientOp(dyT, dm, l, ty0, ty1), l, ty0, ty1, l.O);

    /// <summary>Adds B dV Bᵀ of the band's tiles into the padded HWC input gradient.</summary>
    public static void InputGradients(T* dv, T* dxT, in WinogradLayout l, int ty0, int ty1) =>
        Sweep(new InputGradientOp(dv, dxT, l, ty0, ty1), l, ty0, ty1, l.C);

    private static void Clear(T* p, nint count)
    {
        if (count > 0) new Span<T>(p, checked((int)count)).Clear();
    }

    // Channels [0, channels) in blocks of the widest vector first; every tile of the band per block width.
    private static void Sweep<TOp>(in TOp op, in WinogradLayout l, int ty0, int ty1, int channels) where TOp : struct, ITileOp
    {
        int c = 0;
        if (KernelConfig.UseVector512) c = SweepWith<TOp, Simd512<T>>(op, l, ty0, ty1, c, channels);
        if (KernelConfig.UseVector256) c = SweepWith<TOp, Simd256<T>>(op, l, ty0, ty1, c, channels);
        SweepWith<TOp, SimdScalar<T>>(op, l, ty0, ty1, c, channels);
    }

    // Fully optimized from the first call: the instrumented tier of generic static-abstract code runs many times slower.
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static int SweepWith<TOp, TV>(TOp op, in WinogradLayout l, int ty0, int ty1, int c0, int channels)
        where TOp : struct, ITileOp where TV : unmanaged, ISimdVector<TV, T>
    {
        int c1 = c0 + (channels - c0) / TV.Count * TV.Count;
        if (c1 == c0) return c0;
        int tile = 0;
        for (int ty = ty0; ty < ty1; ty++)
            for (int tx = 0; tx < l.TilesW; tx++, tile++)
                for (int c = c0; c < c1; c += TV.Count)
                    op.Apply<TV>(tile, ty, tx, c);
        return c1;
    }

    private interface ITileOp
    {
        /// <summary>Transforms channels [c, c + TV.Count) of tile (ty, tx), the band's tile number <paramref name="tile"/>.</summary>
        void Apply<TV>(int tile, int ty, int tx, int c) where TV : unmanaged, ISimdVector<TV, T>;
    }

    /// <summary>Strides of one band sweep: ξ planes, rows of the HWC image the tiles read or write, channels.</summary>
    private readonly struct Strides(nint xi, nint row, nint channels)
    {
        public readonly nint Xi = xi, Row = row, Channels = channels;

        /// <summary>Offset of the tile's top-left element in an HWC image whose rows start every <see cref="Row"/> elements.</summary>
        public nint At(int ty, int tx) => 2 * (ty * Row + tx * Channels);
    }

    private readonly struct InputOp(T* xT, T* v, Strides s) : ITileOp
    {
        public InputOp(T* xT, T* v, in WinogradLayout l, int ty0, int ty1)
            : this(xT, v, new Strides((nint)(ty1 - ty0) * l.TilesW * l.C, (nint)l.PaddedW * l.C, l.C)) { }

        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public void Apply<TV>(int tile, int ty, int tx, int c) where TV : unmanaged, ISimdVector<TV, T> =>
            WinogradTransforms<T, TV>.Input(xT + s.At(ty, tx) + c, s.Row, s.Channels, v + tile * s.Channels + c, s.Xi);
    }

    private readonly struct InputGradientOp(T* dv, T* dxT, Strides s) : ITileOp
    {
        public InputGradientOp(T* dv, T* dxT, in WinogradLayout l, int ty0, int ty1)
            : this(dv, dxT, new Strides((nint)(ty1 - ty0) * l.TilesW * l.C, (nint)l.PaddedW * l.C, l.C)) { }

        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public void Apply<TV>(int tile, int ty, int tx, int c) where TV : unmanaged, ISimdVector<TV, T> =>
            WinogradTransforms<T, TV>.InputAdjoint(dv + tile * s.Channels + c, s.Xi, dxT + s.At(ty, tx) + c, s.Row, s.Channels);
    }

    private readonly struct OutputOp(T* m, T* yT, Strides s, int ty0) : ITileOp
    {
        public OutputOp(T* m, T* yT, in WinogradLayout l, int ty0, int ty1)
            : this(m, yT, new Strides((nint)(ty1 - ty0) * l.TilesW * l.O, 2 * (nint)l.TilesW * l.O, l.O), ty0) { }

        // The band's output rows start at row 0 of yT.
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public void Apply<TV>(int tile, int ty, int tx, int c) where TV : unmanaged, ISimdVector<TV, T> =>
            WinogradTransforms<T, TV>.Output(m + tile * s.Channels + c, s.Xi, yT + s.At(ty - ty0, tx) + c, s.Row, s.Channels);
    }

    private readonly struct OutputGradientOp(T* dyT, T* dm, Strides s) : ITileOp
    {
        public OutputGradientOp(T* dyT, T* dm, in WinogradLayout l, int ty0, int ty1)
            : this(dyT, dm, new Strides((nint)(ty1 - ty0) * l.TilesW * l.O, 2 * (nint)l.TilesW * l.O, l.O)) { }

        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public void Apply<TV>(int tile, int ty, int tx, int c) where TV : unmanaged, ISimdVector<TV, T> =>
            WinogradTransforms<T, TV>.OutputAdjoint(dyT + s.At(ty, tx) + c, s.Row, s.Channels, dm + tile * s.Channels + c, s.Xi);
    }
}
