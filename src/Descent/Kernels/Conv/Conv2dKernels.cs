using System.Buffers;
using System.Numerics;
using System.Numerics.Tensors;

namespace Descent.Kernels;

/// <summary>
/// Grouped 2-D convolution (cross-correlation, zero padding) by im2col + GEMM, one image per work item:
/// image n's output [O, OH·OW] is W[O, C/g·kh·kw] · col(x[n]) per group, already in NCHW order, so no
/// transpose is needed. Images run in parallel with a pooled column buffer each; 1×1 stride-1 unpadded
/// convolutions skip im2col (the image is its own column matrix). Backward: input gradient is
/// col2im(Wᵀ·dY) per image, weight gradient Σₙ dY[n]·col(x[n])ᵀ accumulated per fixed chunk of images and
/// summed in chunk order (deterministic for any thread count), from the forward's column matrices when the
/// caller kept them. Per-image GEMMs measured faster than one GEMM over the whole batch (which also needs a
/// [O, N, L] → [N, O, L] permute) for LeNet-5 shapes with the packed GEMM; the batched form only won for
/// tiny outputs (8×8 → 6×6 at 16→32 channels). conv_transpose2d is the adjoint and reuses
/// these kernels with the roles of input and output exchanged.
/// 3×3 stride-1 convolutions with enough channels take Winograd's F(2×2, 3×3) instead (<see cref="WinogradConv2d"/>;
/// <see cref="Algorithm"/> forces either path).
/// Layouts: x [N, C, H, W], w [O, C/groups, kh, kw], y [N, O, OH, OW], all contiguous.
/// </summary>
public static class Conv2dKernels
{
    /// <summary>Upper bound on the partial weight-gradient buffers (weight-gradient chunks).</summary>
    public const int WeightGradChunks = 8;

    /// <summary>
    /// Column matrices up to this many elements (all images together) are worth keeping from the forward pass for
    /// the weight gradient (default 2²⁴, 64 MiB of float32); larger ones are recomputed in backward, as PyTorch
    /// does. 0 always recomputes.
    /// </summary>
    public static long ColumnCacheLimit { get; set; } = 1L << 24;

    /// <summary>
    /// Fewest input and output channels for which <see cref="ConvAlgorithm.Auto"/> picks Winograd: with fewer, the
    /// tile transforms cost more than the multiplications they save (a 1-channel first layer's im2col is tiny).
    /// </summary>
    public const int WinogradMinChannels = 8;

    /// <summary>
    /// The algorithm every convolution kernel call uses (process-wide; tests and benchmarks force a path with it).
    /// A forced <see cref="ConvAlgorithm.Winograd"/> still falls back to im2col for geometries it does not cover.
    /// </summary>
    public static ConvAlgorithm Algorithm { get; set; } = ConvAlgorithm.Auto;

    /// <summary>Whether the convolution of this geometry runs as Winograd F(2×2, 3×3) under the current <see cref="Algorithm"/>.</summary>
    public static bool UsesWinograd(in Conv2dGeometry g, int outChannels, int groups) => Algorithm switch
    {
        ConvAlgorithm.Im2Col => false,
        ConvAlgorithm.Winograd => WinogradConv2d.Supports(g, groups),
        _ => WinogradConv2d.Supports(g, groups) && g.Channels >= WinogradMinChannels && outChannels >= WinogradMinChannels,
    };

    /// <summary>Whether <see cref="BackwardWeight"/> can use column matrices kept by <see cref="Forward"/> for this convolution.</summary>
    public static bool UsesColumns(in Conv2dGeometry g, int outChannels, int groups) =>
        !g.IsPointwise && !UsesWinograd(g, outChannels, groups);

    /// <summary>
    /// y = conv2d(x, w) (no bias); <paramref name="g"/> describes one input image. When <paramref name="columns"/> is
    /// not empty it receives every image's column matrix ([N, C·kh·kw, OH·OW]) for <see cref="BackwardWeight"/>.
    /// </summary>
    public static void Forward<T>(ReadOnlyMemory<T> x, ReadOnlyMemory<T> w, Memory<T> y, int batch, int outChannels,
        int groups, in Conv2dGeometry g, Memory<T> columns = default) where T : unmanaged, IFloatingPointIeee754<T>
    {
        if (UsesWinograd(g, outChannels, groups))
        {
            WinogradConv2d.Forward(x, w, y, batch, outChannels, g);
            return;
        }
        var body = new ForwardBody<T>(x, w, y, columns, outChannels, groups, g);
        NNParallel.Run(batch, (long)batch * outChannels * g.ColRows / groups * g.ColCols, body);
    }

    /// <summary>
    /// dx = col2im(Wᵀ·dy) per image (the input gradient of conv2d, and the forward of conv_transpose2d).
    /// <paramref name="dx"/> is overwritten.
    /// </summary>
    public static void BackwardData<T>(ReadOnlyMemory<T> dy, ReadOnlyMemory<T> w, Memory<T> dx, int batch, int outChannels,
        int groups, in Conv2dGeometry g) where T : unmanaged, IFloatingPointIeee754<T>
    {
        if (UsesWinograd(g, outChannels, groups))
        {
            WinogradConv2d.Backward(default, w, dy, dx, default, batch, outChannels, g);
            return;
        }
        var body = new BackwardDataBody<T>(dy, w, dx, outChannels, groups, g);
        NNParallel.Run(batch, (long)batch * outChannels * g.ColRows / groups * g.ColCols, body);
    }

    /// <summary>
    /// dw = Σₙ dy[n]·col(x[n])ᵀ per group; <paramref name="dw"/> [O, C/groups·kh·kw] is overwritten. The column
    /// matrices are read from <paramref name="columns"/> when the forward pass kept them, else recomputed from x.
    /// </summary>
    public static void BackwardWeight<T>(ReadOnlyMemory<T> x, ReadOnlyMemory<T> dy, Memory<T> dw, int batch, int outChannels,
        int groups, in Conv2dGeometry g, ReadOnlyMemory<T> columns = default) where T : unmanaged, IFloatingPointIeee754<T>
    {
        if (UsesWinograd(g, outChannels, groups))
        {
            WinogradConv2d.Backward(x, default, dy, default, dw, batch, outChannels, g);
            return;
        }
        int weightSize = outChannels * (g.ColRows / groups);
        // The chunk count depends on the batch only, so the summation order never depends on the threads.
        int chunks = Math.Min(batch, WeightGradChunks);
        if (chunks == 0)
        {
            dw.Span[..weightSize].Clear();
            return;
        }
        T[]? partial = chunks > 1 ? ArrayPool<T>.Shared.Rent((chunks - 1) * weightSize) : null;
        try
        {
            var body = new BackwardWeightBody<T>(x, dy, dw, columns, partial, batch, chunks, outChannels, groups, g);
            NNParallel.Run(chunks, (long)batch * outChannels * g.ColRows / groups * g.ColCols, body);
            var sum = dw.Span[..weightSize];
            for (int k = 1; k < chunks; k++)
                AddInto(sum, partial.AsSpan((k - 1) * weightSize, weightSize));
        }
        finally
        {
            if (partial is not null) ArrayPool<T>.Shared.Return(partial);
        }
    }

    /// <summary>
    /// Both gradients of <see cref="Forward"/> in one call (the Winograd path shares the transformed output gradient
    /// between them): <paramref name="dx"/> and <paramref name="dw"/> are overwritten; leave either empty to skip it.
    /// </summary>
    public static void Backward<T>(ReadOnlyMemory<T> x, ReadOnlyMemory<T> w, ReadOnlyMemory<T> dy, Memory<T> dx, Memory<T> dw,
        int batch, int outChannels, int groups, in Conv2dGeometry g, ReadOnlyMemory<T> columns = default)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        if (UsesWinograd(g, outChannels, groups))
        {
            WinogradConv2d.Backward(x, w, dy, dx, dw, batch, outChannels, g);
            return;
        }
        if (!dx.IsEmpty) BackwardData(dy, w, dx, batch, outChannels, groups, g);
        if (!dw.IsEmpty) BackwardWeight(x, dy, dw, batch, outChannels, groups, g, columns);
    }

    /// <summary>db[o] = Σₙ Σ_l dy[n, o, l] over a [N, O, L] gradient; <paramref name="db"/> is overwritten.</summary>
    public static void BiasGrad<T>(ReadOnlySpan<T> dy, Span<T> db, int batch, int channels, int plane)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        db[..channels].Clear();
        for (int n = 0; n < batch; n++)
            for (int c = 0; c < channels; c++)
                db[c] += SumKernels.Sum(dy.Slice((n * channels + c) * plane, plane));
    }

    /// <summary>y[n, c, l] += bias[c] over a [N, C, L] tensor.</summary>
    public static void AddBias<T>(Span<T> y, ReadOnlySpan<T> bias, int batch, int channels, int plane)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        for (int n = 0; n < batch; n++)
            for (int c = 0; c < channels; c++)
                AddScalar(y.Slice((n * channels + c) * plane, plane), bias[c]);
    }

    private static void AddScalar<T>(Span<T> row, T value) where T : unmanaged, IFloatingPointIeee754<T>
    {
        if (KernelConfig.ForceScalar) { for (int i = 0; i < row.Length; i++) row[i] += value; }
        else TensorPrimitives.Add(row, value, row);
    }

    private static void AddInto<T>(Span<T> sum, ReadOnlySpan<T> part) where T : unmanaged, IFloatingPointIeee754<T>
    {
        if (KernelConfig.ForceScalar) { for (int i = 0; i < sum.Length; i++) sum[i] += part[i]; }
        else TensorPrimitives.Add(sum, part, sum);
    }

    private readonly struct ForwardBody<T>(ReadOnlyMemory<T> x, ReadOnlyMemory<T> w, Memory<T> y, Memory<T> columns,
        int outChannels, int groups, Conv2dGeometry g) : IParallelBody where T : unmanaged, IFloatingPointIeee754<T>
    {
        public void Invoke(int n)
        {
            int colRows = g.ColRows, cols = g.ColCols, kg = colRows / groups, og = outChannels / groups;
            var image = x.Span.Slice(n * g.ImageSize, g.ImageSize);
            var output = y.Span.Slice(n * outChannels * cols, outChannels * cols);
            var weights = w.Span;
            T[]? rented = null;
            ReadOnlySpan<T> col = image;
            if (!g.IsPointwise)
            {
                Span<T> dst;
                if (columns.IsEmpty)
                {
                    rented = ArrayPool<T>.Shared.Rent(colRows * cols);
                    dst = rented.AsSpan(0, colRows * cols);
                }
                else
                {
                    dst = columns.Span.Slice(n * colRows * cols, colRows * cols);
                }
                Im2ColKernels.Im2Col(image, dst, g);
                col = dst;
            }
            for (int gi = 0; gi < groups; gi++)
                ConvGemm.Run(false, false, og, cols, kg, weights.Slice(gi * og * kg, og * kg), kg,
                    col.Slice(gi * kg * cols, kg * cols), cols, false, output.Slice(gi * og * cols, og * cols), cols);
            if (rented is not null) ArrayPool<T>.Shared.Return(rented);
        }
    }

    private readonly struct BackwardDataBody<T>(ReadOnlyMemory<T> dy, ReadOnlyMemory<T> w, Memory<T> dx, int outChannels,
        int groups, Conv2dGeometry g) : IParallelBody where T : unmanaged, IFloatingPointIeee754<T>
    {
        public void Invoke(int n)
        {
            int colRows = g.ColRows, cols = g.ColCols, kg = colRows / groups, og = outChannels / groups;
            var grad = dy.Span.Slice(n * outChannels * cols, outChannels * cols);
            var image = dx.Span.Slice(n * g.ImageSize, g.ImageSize);
            var weights = w.Span;
            if (g.IsPointwise)
            {
                // The column matrix is the image: write Wᵀ·dY straight into it.
                for (int gi = 0; gi < groups; gi++)
                    ConvGemm.Run(true, false, kg, cols, og, weights.Slice(gi * og * kg, og * kg), kg,
                        grad.Slice(gi * og * cols, og * cols), cols, false, image.Slice(gi * kg * cols, kg * cols), cols);
                return;
            }
            var rented = ArrayPool<T>.Shared.Rent(colRows * cols);
            var col = rented.AsSpan(0, colRows * cols);
            for (int gi = 0; gi < groups; gi++)
                ConvGemm.Run(true, false, kg, cols, og, weights.Slice(gi * og * kg, og * kg), kg,
                    grad.Slice(gi * og * cols, og * cols), cols, false, col.Slice(gi * kg * cols, kg * cols), cols);
            image.Clear();
            Im2ColKernels.Col2Im<T>(col, image, g);
            ArrayPool<T>.Shared.Return(rented);
        }
    }

    private readonly struct BackwardWeightBody<T>(ReadOnlyMemory<T> x, ReadOnlyMemory<T> dy, Memory<T> dw, ReadOnlyMemory<T> columns,
        T[]? partial, int batch, int chunks, int outChannels, int groups, Conv2dGeometry g) : IParallelBody
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        public void Invoke(int chunk)
        {
            int colRows = g.ColRows, cols = g.ColCols, kg = colRows / groups, og = outChannels / groups;
            int weightSize = outChannels * kg;
            var sum = chunk == 0 ? dw.Span[..weightSize] : partial.AsSpan((chunk - 1) * weightSize, weightSize);
            var (start, end) = NNParallel.Range(batch, chunks, chunk);
            bool cached = !columns.IsEmpty;
            T[]? rented = g.IsPointwise || cached ? null : ArrayPool<T>.Shared.Rent(colRows * cols);
            for (int n = start; n < end; n++)
            {
                var image = x.Span.Slice(n * g.ImageSize, g.ImageSize);
                var grad = dy.Span.Slice(n * outChannels * cols, outChannels * cols);
                ReadOnlySpan<T> col = image;
                if (cached)
                {
                    col = columns.Span.Slice(n * colRows * cols, colRows * cols);
                }
                else if (rented is not null)
                {
                    Im2ColKernels.Im2Col(image, rented, g);
                    col = rented.AsSpan(0, colRows * cols);
                }
                for (int gi = 0; gi < groups; gi++)
                    ConvGemm.Run(false, true, og, kg, cols, grad.Slice(gi * og * cols, og * cols), cols,
                        col.Slice(gi * kg * cols, kg * cols), cols, n > start, sum.Slice(gi * og * kg, og * kg), kg);
            }
            if (rented is not null) ArrayPool<T>.Shared.Return(rented);
        }
    }
}
