using Descent.Kernels;
using Descent.Tensors.Autograd;

namespace Descent.Tensors;

/// <summary>
/// unfold (im2col) and fold (col2im) for NCHW images: sliding local blocks as columns and back, PyTorch's
/// <c>F.unfold</c> / <c>F.fold</c>. They are each other's adjoint, so each one's backward is the other.
/// Padding is implicit zeros.
/// </summary>
public sealed partial class Tensor
{
    /// <summary>
    /// Extracts sliding blocks: [N, C, H, W] → [N, C·kh·kw, L] with L = OH·OW window positions (3-D unbatched
    /// input [C, H, W] → [C·kh·kw, L]). Column l holds the block at output position l, row (c·kh + i)·kw + j
    /// its element (c, i, j). PyTorch's <c>F.unfold(input, kernel_size, dilation, padding, stride)</c>.
    /// </summary>
    public static Tensor Unfold(Tensor input, Size2 kernelSize, Size2? dilation = null, Size2? padding = null, Size2? stride = null)
    {
        const string op = "unfold";
        RequireImage(op, "input", input, allowUnbatched: true);
        if (input.Rank == 3)
            return Unfold(input.Unsqueeze(0), kernelSize, dilation, padding, stride).Squeeze(0);
        var g = BlockGeometry(op, input.Shape[1], input.Shape[2], input.Shape[3], kernelSize, dilation ?? 1, padding ?? 0, stride ?? 1);
        int n = input.Shape[0];
        var o = Empty(Shape.Wrap([n, g.ColRows, g.ColCols]), input.DType);
        if (input.DType == DType.Float32) Im2ColKernels.Im2ColBatch<float>(input.KernelMemory<float>(), o.KernelMemory<float>(), n, g);
        else Im2ColKernels.Im2ColBatch<double>(input.KernelMemory<double>(), o.KernelMemory<double>(), n, g);
        if (NeedsGrad(input)) o.GradFn = new FoldNode(input, g, unfold: true);
        return o;
    }

    /// <summary>
    /// Sums sliding blocks back into images: [N, C·kh·kw, L] → [N, C, H, W] with (H, W) = <paramref name="outputSize"/>
    /// (2-D unbatched input → [C, H, W]); overlapping entries add up. PyTorch's
    /// <c>F.fold(input, output_size, kernel_size, dilation, padding, stride)</c>.
    /// </summary>
    public static Tensor Fold(Tensor input, Size2 outputSize, Size2 kernelSize, Size2? dilation = null, Size2? padding = null,
        Size2? stride = null)
    {
        const string op = "fold";
        input.RequireFloat(op);
        if (input.Rank == 2)
            return Fold(input.Unsqueeze(0), outputSize, kernelSize, dilation, padding, stride).Squeeze(0);
        if (input.Rank != 3)
            throw new ArgumentException($"{op}: expected a 2-D (unbatched) or 3-D (batched) input [N, C*kh*kw, L], got {input.Shape}.");
        RequirePositive(op, "kernel_size", kernelSize);
        RequirePositive(op, "output_size", outputSize);
        int blockArea = kernelSize.H * kernelSize.W;
        if (input.Shape[1] % blockArea != 0)
            throw new ArgumentException(
                $"{op}: input {input.Shape} dimension 1 ({input.Shape[1]}) is not divisible by the kernel size product {kernelSize.H} * {kernelSize.W} = {blockArea}.");
        int channels = input.Shape[1] / blockArea;
        var g = BlockGeometry(op, channels, outputSize.H, outputSize.W, kernelSize, dilation ?? 1, padding ?? 0, stride ?? 1);
        if (input.Shape[2] != g.ColCols)
            throw new ArgumentException(
                $"{op}: input {input.Shape} has {input.Shape[2]} blocks in dimension 2, but output size {outputSize} with this kernel, " +
                $"dilation, padding and stride gives {g.OutH} * {g.OutW} = {g.ColCols} sliding blocks.");
        int n = input.Shape[0];
        var o = Empty(Shape.Wrap([n, channels, outputSize.H, outputSize.W]), input.DType);
        if (input.DType == DType.Float32) Im2ColKernels.Col2ImBatch<float>(input.KernelMemory<float>(), o.KernelMemory<float>(), n, g);
        else Im2ColKernels.Col2ImBatch<double>(input.KernelMemory<double>(), o.KernelMemory<double>(), n, g);
        if (NeedsGrad(input)) o.GradFn = new FoldNode(input, g, unfold: false);
        return o;
    }

    /// <summary>Alias of <see cref="Unfold"/> (the im2col transform).</summary>
    public static Tensor Im2Col(Tensor input, Size2 kernelSize, Size2? dilation = null, Size2? padding = null, Size2? stride = null) =>
        Unfold(input, kernelSize, dilation, padding, stride);

    /// <summary>Alias of <see cref="Fold"/> (the col2im transform).</summary>
    public static Tensor Col2Im(Tensor input, Size2 outputSize, Size2 kernelSize, Size2? dilation = null, Size2? padding = null,
        Size2? stride = null) => Fold(input, outputSize, kernelSize, dilation, padding, stride);

    /// <summary>Validates block arguments and computes the geometry of one image (PyTorch's im2col shape check).</summary>
    private static Conv2dGeometry BlockGeometry(string op, int channels, int height, int width, Size2 kernel, Size2 dilation,
        Size2 padding, Size2 stride)
    {
        RequirePositive(op, "kernel_size", kernel);
        RequirePositive(op, "dilation", dilation);
        RequireNonNegative(op, "padding", padding);
        RequirePositive(op, "stride", stride);
        int outH = Conv2dGeometry.OutputSize(height, kernel.H, stride.H, padding.H, dilation.H);
        int outW = Conv2dGeometry.OutputSize(width, kernel.W, stride.W, padding.W, dilation.W);
        if (outH < 1 || outW < 1)
            throw new ArgumentException(
                $"{op}: spatial size {Pair(height, width)} with kernel_size {kernel}, dilation {dilation}, padding {padding} and stride {stride} " +
                $"gives {Math.Max(outH, 0)}x{Math.Max(outW, 0)} sliding blocks; both must be at least one.");
        return new Conv2dGeometry(channels, height, width, kernel.H, kernel.W, stride.H, stride.W, padding.H, padding.W,
            dilation.H, dilation.W, outH, outW);
    }

    private sealed class FoldNode(Tensor input, Conv2dGeometry g, bool unfold) : Node(input)
    {
        public override string Name => unfold ? "Im2ColBackward" : "Col2ImBackward";

        protected internal override void Backward(Tensor gradOutput, GradSink sink)
        {
            var grad = gradOutput.DType == input.DType ? gradOutput : gradOutput.To(input.DType);
            var dx = Empty(input.Shape, input.DType);
            int n = input.Shape[0];
            if (input.DType == DType.Float32)
            {
                if (unfold) Im2ColKernels.Col2ImBatch<float>(grad.KernelMemory<float>(), dx.KernelMemory<float>(), n, g);
                else Im2ColKernels.Im2ColBatch<float>(grad.KernelMemory<float>(), dx.KernelMemory<float>(), n, g);
            }
            else
            {
                if (unfold) Im2ColKernels.Col2ImBatch<double>(grad.KernelMemory<double>(), dx.KernelMemory<double>(), n, g);
                else Im2ColKernels.Im2ColBatch<double>(grad.KernelMemory<double>(), dx.KernelMemory<double>(), n, g);
            }
            sink.Add(0, dx);
        }
    }
}
