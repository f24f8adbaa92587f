using System.Numerics;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;

namespace Descent.Kernels;

/// <summary>
/// im2col / col2im for NCHW images (Chellapilla et al. 2006, "High performance convolutional neural networks
/// for document processing"): a convolution becomes one matrix product over the column matrix described by
/// <see cref="Conv2dGeometry"/>. Rows are filled run by run: for each kernel offset the valid output columns
/// form one interval, so stride-1 rows are vector block copies (adds for col2im) between zeroed borders, written with
/// unchecked refs after one bounds check per call: the runs are short (often 8–28 elements), so per-run
/// call overhead, not bandwidth, is what costs.
/// </summary>
public static class Im2ColKernels
{
    /// <summary>Writes the [C·kh·kw, OH·OW] column matrix of one [C, H, W] image (every element is written).</summary>
    public static void Im2Col<T>(ReadOnlySpan<T> image, Span<T> col, in Conv2dGeometry g)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        int outW = g.OutW, outH = g.OutH, cols = g.ColCols, width = g.Width;
        if (image.Length < g.ImageSize || col.Length < g.ColRows * cols)
            throw new DescentInternalException($"im2col: buffers of {image.Length} and {col.Length} elements are too small for {g}.");
        ref T img = ref MemoryMarshal.GetReference(image);
        ref T dstBase = ref MemoryMarshal.GetReference(col);
        int row = 0, rowStep = g.StrideH * width;
        for (int c = 0; c < g.Channels; c++)
        {
            ref T plane = ref Unsafe.Add(ref img, c * g.Height * width);
            for (int ki = 0; ki < g.KernelH; ki++)
            {
                int ih0 = ki * g.DilationH - g.PadH;
                ValidRange(ih0, g.StrideH, g.Height, outH, out int ohStart, out int ohEnd);
                for (int kj = 0; kj < g.KernelW; kj++, row++)
                {
                    ref T dst = ref Unsafe.Add(ref dstBase, row * cols);
                    int iw0 = kj * g.DilationW - g.PadW;
                    ValidRange(iw0, g.StrideW, width, outW, out int owStart, out int owEnd);
                    int first = ohStart, end = owStart < owEnd ? ohEnd : ohStart;
                    // Rows above and below the image are zero; inside, zero borders around one run per row.
                    MemoryMarshal.CreateSpan(ref dst, first * outW).Clear();
                    MemoryMarshal.CreateSpan(ref Unsafe.Add(ref dst, end * outW), (outH - end) * outW).Clear();
                    if (first >= end) continue;
                    ref T src = ref Unsafe.Add(ref plane, (first * g.StrideH + ih0) * width + owStart * g.StrideW + iw0);
                    ref T run = ref Unsafe.Add(ref dst, first * outW);
                    int length = owEnd - owStart;
                    bool borders = owStart > 0 || owEnd < outW;
                    for (int oh = first; oh < end; oh++)
                    {
                        if (borders)
                        {
                            Fill(ref run, 0, owStart);
                            Fill(ref run, owEnd, outW);
                        }
                        if (g.StrideW == 1)
                        {
                            RunKernels.Copy(ref src, ref Unsafe.Add(ref run, owStart), length);
                        }
                        else
                        {
                            for (int i = 0; i < length; i++)
                                Unsafe.Add(ref run, owStart + i) = Unsafe.Add(ref src, i * g.StrideW);
                        }
                        src = ref Unsafe.Add(ref src, rowStep);
                        run = ref Unsafe.Add(ref run, outW);
                    }
                }
            }
        }
    }

    /// <summary>
    /// Adds the [C·kh·kw, OH·OW] column matrix back into one [C, H, W] image: every image element receives the
    /// sum of the column entries that were copied from it (the adjoint of <see cref="Im2Col{T}"/>). Accumulates;
    /// clear the image first for a plain fold.
    /// </summary>
    public static void Col2Im<T>(ReadOnlySpan<T> col, Span<T> image, in Conv2dGeometry g)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        int outW = g.OutW, outH = g.OutH, cols = g.ColCols, width = g.Width;
        if (image.Length < g.ImageSize || col.Length < g.ColRows * cols)
            throw new DescentInternalException($"col2im: buffers of {col.Length} and {image.Length} elements are too small for {g}.");
        ref T img = ref MemoryMarshal.GetReference(image);
        ref T srcBase = ref MemoryMarshal.GetReference(col);
        int row = 0, rowStep = g.StrideH * width;
        for (int c = 0; c < g.Channels; c++)
        {
            ref T plane = ref Unsafe.Add(ref img, c * g.Height * width);
            for (int ki = 0; ki < g.KernelH; ki++)
            {
                int ih0 = ki * g.DilationH - g.PadH;
                ValidRange(ih0, g.StrideH, g.Height, outH, out int ohStart, out int ohEnd);
                for (int kj = 0; kj < g.KernelW; kj++, row++)
                {
                    int iw0 = kj * g.DilationW - g.PadW;
                    ValidRange(iw0, g.StrideW, width, outW, out int owStart, out int owEnd);
                    if (owStart >= owEnd || ohStart >= ohEnd) continue;
                    ref T run = ref Unsafe.Add(ref srcBase, row * cols + ohStart * outW + owStart);
                    ref T dst = ref Unsafe.Add(ref plane, (ohStart * g.StrideH + ih0) * width + owStart * g.StrideW + iw0);
                    int length = owEnd - owStart;
                    for (int oh = ohStart; oh < ohEnd; oh++)
                    {
                        if (g.StrideW == 1)
                        {
                            RunKernels.Add(ref run, ref dst, length);
                        }
                        else
                        {
                            for (int i = 0; i < length; i++)
                                Unsafe.Add(ref dst, i * g.StrideW) += Unsafe.Add(ref run, i);
                        }
                        run = ref Unsafe.Add(ref run, outW);
                        dst = ref Unsafe.Add(ref dst, rowStep);
                    }
                }
            }
        }
    }

    /// <summary>
    /// im2col of a batch: [N, C, H, W] images → [N, C·kh·kw, OH·OW] columns (PyTorch's <c>unfold</c>), parallel
    /// over images.
    /// </summary>
    public static void Im2ColBatch<T>(ReadOnlyMemory<T> images, Memory<T> cols, int batch, in Conv2dGeometry g)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        var body = new BatchBody<T>(images, cols, g, fold: false);
        NNParallel.Run(batch, (long)batch * g.ColRows * g.ColCols, body);
    }

    /// <summary>
    /// col2im of a batch: [N, C·kh·kw, OH·OW] columns summed into [N, C, H, W] images (PyTorch's <c>fold</c>);
    /// the images are overwritten, not accumulated into.
    /// </summary>
    public static void Col2ImBatch<T>(ReadOnlyMemory<T> cols, Memory<T> images, int batch, in Conv2dGeometry g)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        var body = new BatchBody<T>(cols, images, g, fold: true);
        NNParallel.Run(batch, (long)batch * g.ColRows * g.ColCols, body);
    }

    /// <summary>
    /// The output columns ow in [start, end) whose input column ow·stride + iw0 lies inside [0, width).
    /// </summary>
    private static void Fill<T>(ref T run, int start, int end) where T : unmanaged
    {
        for (int i = start; i < end; i++) Unsafe.Add(ref run, i) = default;
    }

    internal static void ValidRange(int iw0, int stride, int width, int outW, out int start, out int end)
    {
        start = iw0 >= 0 ? 0 : (-iw0 + stride - 1) / stride;
        int last = width - 1 - iw0;   // largest ow·stride allowed
        end = last < 0 ? 0 : Math.Min(outW, last / stride + 1);
        if (start > end) start = end;
    }

    private readonly struct BatchBody<T>(ReadOnlyMemory<T> src, Memory<T> dst, Conv2dGeometry g, bool fold) : IParallelBody
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        public void Invoke(int n)
        {
            int image = g.ImageSize, colSize = g.ColRows * g.ColCols;
            if (fold)
            {
                var img = dst.Span.Slice(n * image, image);
                img.Clear();
                Col2Im(src.Span.Slice(n * colSize, colSize), img, g);
            }
            else
            {
                Im2Col(src.Span.Slice(n * image, image), dst.Span.Slice(n * colSize, colSize), g);
            }
        }
    }
}
