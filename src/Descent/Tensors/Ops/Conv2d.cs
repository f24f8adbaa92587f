using Descent.Kernels;
using Descent.Tensors.Autograd;

namespace Descent.Tensors;

/// <summary>
/// conv2d: grouped 2-D cross-correlation of NCHW images (PyTorch's <c>F.conv2d</c>; no kernel flip), computed by
/// im2col + GEMM per image (<see cref="Conv2dKernels"/>). Padding is implicit zeros (padding_mode "zeros"; the
/// reflect/replicate/circular modes of nn.Conv2d are not provided here).
/// </summary>
public sealed partial class Tensor
{
    /// <summary>
    /// y[n, o] = bias[o] + Σ_c Σ_ij weight[o, c, i, j] · x[n, g·C/groups + c, oh·sh − ph + i·dh, ow·sw − pw + j·dw] for
    /// input [N, C, H, W] (or unbatched [C, H, W]), weight [O, C/groups, kh, kw] and optional bias [O]; output
    /// [N, O, OH, OW] with OH = ⌊(H + 2·ph − dh·(kh − 1) − 1)/sh⌋ + 1. Defaults: stride 1, padding 0, dilation 1.
    /// </summary>
    public static Tensor Conv2d(Tensor input, Tensor weight, Tensor? bias = null, Size2? stride = null, Size2? padding = null,
        Size2? dilation = null, int groups = 1)
    {
        const string op = "conv2d";
        RequireImage(op, "input", input, allowUnbatched: true);
        if (input.Rank == 3)
            return Conv2d(input.Unsqueeze(0), weight, bias, stride, padding, dilation, groups).Squeeze(0);
        var g = ConvGeometry(op, input, weight, bias, stride ?? 1, padding ?? 0, dilation ?? 1, groups, out int outChannels);
        int n = input.Shape[0];
        var y = Empty(Shape.Wrap([n, outChannels, g.OutH, g.OutW]), input.DType);
        bool record = NeedsGrad(bias is null ? [input, weight] : [input, weight, bias]);
        // Keep the column matrices for the weight gradient when they are small enough (saves one im2col per step).
        long columnCount = (long)n * g.ColRows * g.ColCols;
        var columns = record && NeedsGrad(weight) && Conv2dKernels.UsesColumns(g, outChannels, groups) && columnCount <= Conv2dKernels.ColumnCacheLimit
            ? Empty(Shape.Wrap([(int)columnCount]), input.DType) : null;
        if (input.DType == DType.Float32) ConvForward<float>(input, weight, bias, y, columns, outChannels, groups, g);
        else ConvForward<double>(input, weight, bias, y, columns, outChannels, groups, g);
        if (record)
            y.GradFn = new Conv2dNode(input, weight, bias, columns, g, outChannels, groups);
        return y;
    }

    private static void ConvForward<T>(Tensor x, Tensor w, Tensor? bias, Tensor y, Tensor? columns, int outChannels, int groups,
        in Conv2dGeometry g) where T : unmanaged, System.Numerics.IFloatingPointIeee754<T>
    {
        int n = x.Shape[0];
        Conv2dKernels.Forward<T>(x.KernelMemory<T>(), w.KernelMemory<T>(), y.KernelMemory<T>(), n, outChannels, groups, g,
            columns is null ? default : columns.KernelMemory<T>());
        if (bias is not null)
            Conv2dKernels.AddBias<T>(y.Span<T>(), bias.Span<T>(), n, outChannels, g.ColCols);
    }

    /// <summary>Validates conv2d arguments (PyTorch's checks, with the shapes in every message) and returns the geometry.</summary>
    private static Conv2dGeometry ConvGeometry(string op, Tensor input, Tensor weight, Tensor? bias, Size2 stride, Size2 padding,
        Size2 dilation, int groups, out int outChannels)
    {
        weight.RequireFloat(op);
        if (weight.Rank != 4)
            throw new ArgumentException($"{op}: weight must be 4-D [out_channels, in_channels/groups, kH, kW], got {weight.Shape}.");
        RequireSameDType(op, input, weight, "weight");
        if (groups < 1)
            throw new ArgumentOutOfRangeException(nameof(groups), $"{op}: groups must be positive, got {groups}.");
        RequirePositive(op, "stride", stride);
        RequireNonNegative(op, "padding", padding);
        RequirePositive(op, "dilation", dilation);
        outChannels = weight.Shape[0];
        int channels = input.Shape[1], expected = weight.Shape[1] * groups;
        if (outChannels % groups != 0)
            throw new ArgumentException(
                $"{op}: weight {weight.Shape} has {outChannels} output channels, which is not divisible by groups {groups}.");
        if (channels != expected)
            throw new ArgumentException(
                $"{op}: input {input.Shape} has {channels} channels but weight {weight.Shape} expects {expected} (groups {groups})");
        if (bias is not null)
        {
            RequireSameDType(op, input, bias, "bias");
            if (bias.Rank != 1 || bias.Shape[0] != outChannels)
                throw new ArgumentException($"{op}: bias {bias.Shape} must have shape [{outChannels}] to match weight {weight.Shape}.");
        }
        int kh = weight.Shape[2], kw = weight.Shape[3], h = input.Shape[2], w = input.Shape[3];
        int outH = Conv2dGeometry.OutputSize(h, kh, stride.H, padding.H, dilation.H);
        int outW = Conv2dGeometry.OutputSize(w, kw, stride.W, padding.W, dilation.W);
        if (outH < 1 || outW < 1)
            throw new ArgumentException(
                $"{op}: padded input {Pair(h + 2 * padding.H, w + 2 * padding.W)} of input {input.Shape} is smaller than the " +
                $"dilated kernel {Pair(dilation.H * (kh - 1) + 1, dilation.W * (kw - 1) + 1)} of weight {weight.Shape} " +
                $"(padding {padding}, dilation {dilation}).");
        return new Conv2dGeometry(channels, h, w, kh, kw, stride.H, stride.W, padding.H, padding.W, dilation.H, dilation.W, outH, outW);
    }

    private sealed class Conv2dNode(Tensor input, Tensor weight, Tensor? bias, Tensor? columns, Conv2dGeometry g, int outChannels, int groups)
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
            var dx = sink.NeedsGrad(0) ? Empty(input.Shape, input.DType) : null;
            var dw = sink.NeedsGrad(1) ? Empty(weight.Shape, weight.DType) : null;
            if (dx is not null || dw is not null)
            {
                Conv2dKernels.Backward<T>(input.KernelMemory<T>(), weight.KernelMemory<T>(), grad.KernelMemory<T>(),
                    dx is null ? default : dx.KernelMemory<T>(), dw is null ? default : dw.KernelMemory<T>(), n, outChannels, groups, g,
                    columns is null ? default : columns.KernelMemory<T>());
            }
            if (dx is not null) sink.Add(0, dx);
            if (dw is not null) sink.Add(1, dw);
            if (bias is not null && sink.NeedsGrad(2))
            {
                var db = Empty(bias.Shape, bias.DType);
                Conv2dKernels.BiasGrad<T>(grad.Span<T>(), db.Span<T>(), n, outChannels, g.ColCols);
                sink.Add(2, db);
            }
        }
    }
}
