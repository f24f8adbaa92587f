using Descent.Kernels;
using Descent.Tensors.Autograd;

namespace Descent.Tensors;

/// <summary>
/// conv_transpose2d (PyTorch's <c>F.conv_transpose2d</c>, "deconvolution"): the adjoint of conv2d with respect to its
/// input, so the forward is conv2d's input-gradient kernel (col2im of Wᵀ·x) and the backward reuses conv2d's
/// forward and weight-gradient kernels with input and output exchanged. Padding is implicit zeros.
/// </summary>
public sealed partial class Tensor
{
    /// <summary>
    /// Transposed convolution of input [N, C_in, H, W] (or unbatched [C_in, H, W]) with weight
    /// [C_in, C_out/groups, kh, kw] and optional bias [C_out]; output [N, C_out, OH, OW] with
    /// OH = (H − 1)·sh − 2·ph + dh·(kh − 1) + output_padding_h + 1. <paramref name="outputPadding"/> adds rows/columns
    /// at the bottom/right and must be smaller than the stride or the dilation. Defaults: stride 1, padding 0,
    /// output padding 0, groups 1, dilation 1.
    /// </summary>
    public static Tensor ConvTranspose2d(Tensor input, Tensor weight, Tensor? bias = null, Size2? stride = null, Size2? padding = null,
        Size2? outputPadding = null, int groups = 1, Size2? dilation = null)
    {
        const string op = "conv_transpose2d";
        RequireImage(op, "input", input, allowUnbatched: true);
        if (input.Rank == 3)
            return ConvTranspose2d(input.Unsqueeze(0), weight, bias, stride, padding, outputPadding, groups, dilation).Squeeze(0);
        var g = TransposedGeometry(op, input, weight, bias, stride ?? 1, padding ?? 0, outputPadding ?? 0, dilation ?? 1, groups,
            out int inChannels);
        int n = input.Shape[0];
        var y = Empty(Shape.Wrap([n, g.Channels, g.Height, g.Width]), input.DType);
        if (input.DType == DType.Float32) TransposedForward<float>(input, weight, bias, y, inChannels, groups, g);
        else TransposedForward<double>(input, weight, bias, y, inChannels, groups, g);
        if (NeedsGrad(bias is null ? [input, weight] : [input, weight, bias]))
            y.GradFn = new ConvTranspose2dNode(input, weight, bias, g, inChannels, groups);
        return y;
    }

    private static void TransposedForward<T>(Tensor x, Tensor w, Tensor? bias, Tensor y, int inChannels, int groups, in Conv2dGeometry g)
        where T : unmanaged, System.Numerics.IFloatingPointIeee754<T>
    {
        int n = x.Shape[0];
        Conv2dKernels.BackwardData<T>(x.KernelMemory<T>(), w.KernelMemory<T>(), y.KernelMemory<T>(), n, inChannels, groups, g);
        if (bias is not null)
            Conv2dKernels.AddBias<T>(y.Span<T>(), bias.Span<T>(), n, g.Channels, g.Height * g.Width);
    }

    /// <summary>
    /// Validates the arguments and returns the geometry of the conv2d this op is the adjoint of: its "input" is
    /// this op's output [C_out, OH, OW] and its output positions are this op's input [H, W].
    /// </summary>
    private static Conv2dGeometry TransposedGeometry(string op, Tensor input, Tensor weight, Tensor? bias, Size2 stride, Size2 padding,
        Size2 outputPadding, Size2 dilation, int groups, out int inChannels)
    {
        weight.RequireFloat(op);
        if (weight.Rank != 4)
            throw new ArgumentException($"{op}: weight must be 4-D [in_channels, out_channels/groups, kH, kW], got {weight.Shape}.");
        RequireSameDType(op, input, weight, "weight");
        if (groups < 1)
            throw new ArgumentOutOfRangeException(nameof(groups), $"{op}: groups must be positive, got {groups}.");
        RequirePositive(op, "stride", stride);
        RequireNonNegative(op, "padding", padding);
        RequireNonNegative(op, "output_padding", outputPadding);
        RequirePositive(op, "dilation", dilation);
        if ((outputPadding.H >= stride.H && outputPadding.H >= dilation.H) || (outputPadding.W >= stride.W && outputPadding.W >= dilation.W))
            throw new ArgumentException(
                $"{op}: output_padding {outputPadding} must be smaller than either stride {stride} or dilation {dilation} in each dimension.");
        inChannels = weight.Shape[0];
        if (inChannels % groups != 0)
            throw new ArgumentException($"{op}: weight {weight.Shape} has {inChannels} input channels, which is not divisible by groups {groups}.");
        if (input.Shape[1] != inChannels)
            throw new ArgumentException(
                $"{op}: input {input.Shape} has {input.Shape[1]} channels but weight {weight.Shape} expects {inChannels} (groups {groups}).");
        int outChannels = weight.Shape[1] * groups;
        if (bias is not null)
        {
            RequireSameDType(op, input, bias, "bias");
            if (bias.Rank != 1 || bias.Shape[0] != outChannels)
                throw new ArgumentException($"{op}: bias {bias.Shape} must have shape [{outChannels}] to match weight {weight.Shape} (groups {groups}).");
        }
        int kh = weight.Shape[2], kw = weight.Shape[3], h = input.Shape[2], w = input.Shape[3];
        long outH = (long)(h - 1) * stride.H - 2L * padding.H + (long)dilation.H * (kh - 1) + outputPadding.H + 1;
        long outW = (long)(w - 1) * stride.W - 2L * padding.W + (long)dilation.W * (kw - 1) + outputPadding.W + 1;
        if (outH < 1 || outW < 1 || outH > int.MaxValue || outW > int.MaxValue)
            throw new ArgumentException(
                $"{op}: input {input.Shape} with weight {weight.Shape}, stride {stride}, padding {padding}, output_padding {outputPadding} " +
                $"and dilation {dilation} gives output size {outH}x{outW}, which is not positive.");
        return new Conv2dGeometry(outChannels, (int)outH, (int)outW, kh, kw, stride.H, stride.W, padding.H, padding.W,
            dilation.H, dilation.W, h, w);
    }

    private sealed class ConvTranspose2dNode(Tensor input, Tensor weight, Tensor? bias, Conv2dGeometry g, int inChannels, int groups)
        : Node(bias is null ? [input, weight] : [input, weight, bias])
    {
        protected internal override void Backward(Tensor gradOutput, GradSink sink)
        {
            var grad = gradOutput.DType == input.DType ? gradOutput : gradOutput.To(input.DType);
            if (input.DType == DType.Float32) Run<float>(grad, sink);
            else Run<double>(grad, sink);
        }

        private void Run<T>(Tensor grad, GradSink sink) where T : unmanaged, System.Numerics.IFloatingPointIeee754<T>
        {
            int n = input.Shape[0];
            if (sink.NeedsGrad(0))
            {
                // The adjoint of the adjoint: conv2d of the output gradient.
                var dx = Empty(input.Shape, input.DType);
                Conv2dKernels.Forward<T>(grad.KernelMemory<T>(), weight.KernelMemory<T>(), dx.KernelMemory<T>(), n, inChannels, groups, g);
                sink.Add(0, dx);
            }
            if (sink.NeedsGrad(1))
            {
                var dw = Empty(weight.Shape, weight.DType);
                Conv2dKernels.BackwardWeight<T>(grad.KernelMemory<T>(), input.KernelMemory<T>(), dw.KernelMemory<T>(), n, inChannels, groups, g);
                sink.Add(1, dw);
            }
            if (bias is not null && sink.NeedsGrad(2))
            {
                var db = Empty(bias.Shape, bias.DType);
                Conv2dKernels.BiasGrad<T>(grad.Span<T>(), db.Span<T>(), n, g.Channels, g.Height * g.Width);
                sink.Add(2, db);
            }
        }
    }
}
