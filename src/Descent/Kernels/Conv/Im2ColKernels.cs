using System.Numerics;
using System.Numerics.Tensors;

namespace Descent.Kernels;

/// <summary>
/// im2col / col2im for NCHW images (Chellapilla et al. 2006, "High performance convolutional neural networks
/// for document processing"): a convolution becomes one matrix product over the column matrix described by
/// <see cref="Conv2dGeometry"/>. Rows are filled run by run: for each kernel offset the valid output columns
/// form one interval, so stride-1 rows are plain block copies (adds for col2im) between zeroed borders.
/// </summary>
public static class Im2ColKernels
{
    /// <summary>Writes the [C·kh·kw, OH·OW] column matrix of one [C, H, W] image (every element is written).</summary>
    public static void Im2Col<T>(ReadOnlySpan<T> image, Span<T> col, in Conv2dGeometry g) where T : unmanaged
    {
        int outW = g.OutW, cols = g.ColCols;
        int row = 0;
        for (int c = 0; c < g.Channels; c++)
        {
            var plane = image.Slice(c * g.Height * g.Width, g.Height * g.Width);
            for (int ki = 0; ki < g.KernelH; ki++)
            {
                for (int kj = 0; kj < g.KernelW; kj++, row++)
                {
                    var dst = col.Slice(row * cols, cols);
                    int iw0 = kj * g.DilationW - g.PadW;
                    ValidRange(iw0, g.StrideW, g.Width, outW, out int owStart, out int owEnd);
                    for (int oh = 0; oh < g.OutH; oh++)
                    {
                        var run = dst.Slice(oh * outW, outW);
                        int ih = oh * g.StrideH - g.PadH + ki * g.DilationH;
                        if ((uint)ih >= (uint)g.Height || owStart >= owEnd)
                        {
                            run.Clear();
                            continue;
                        }
                        var src = plane.Slice(ih * g.Width, g.Width);
                        run[..owStart].Clear();
                        run[owEnd..].Clear();
                        if (g.StrideW == 1)
                        {
                            src.Slice(owStart + iw0, owEnd - owStart).CopyTo(run[owStart..owEnd]);
                        }
                        else
                        {
                            for (int ow = owStart, iw = owStart * g.StrideW + iw0; ow < owEnd; ow++, iw += g.StrideW)
                                run[ow] = src[iw];
                        }
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
        int outW = g.OutW, cols = g.ColCols;
        bool scalar = KernelConfig.ForceScalar;
        int row = 0;
        for (int c = 0; c < g.Channels; c++)
        {
            var plane = image.Slice(c * g.Height * g.Width, g.Height * g.Width);
            for (int ki = 0; ki < g.KernelH; ki++)
            {
                for (int kj = 0; kj < g.KernelW; kj++, row++)
                {
                    var src = col.Slice(row * cols, cols);
                    int iw0 = kj * g.DilationW - g.PadW;
                    ValidRange(iw0, g.StrideW, g.Width, outW, out int owStart, out int owEnd);
                    if (owStart >= owEnd) continue;
                    for (int oh = 0; oh < g.OutH; oh++)
                    {
                        int ih = oh * g.StrideH - g.PadH + ki * g.DilationH;
                        if ((uint)ih >= (uint)g.Height) continue;
                        var run = src.Slice(oh * outW, outW);
                        var dst = plane.Slice(ih * g.Width, g.Width);
                        if (g.StrideW == 1)
                        {
                            var d = dst.Slice(owStart + iw0, owEnd - owStart);
                            var s = run[owStart..owEnd];
                            if (scalar) { for (int i = 0; i < d.Length; i++) d[i] += s[i]; }
                            else TensorPrimitives.Add(d, s, d);
                        }
                        else
                        {
                            for (int ow = owStart, iw = owStart * g.StrideW + iw0; ow < owEnd; ow++, iw += g.StrideW)
                                dst[iw] += run[ow];
                        }
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
