using Descent.Kernels;
using Descent.Tensors.Autograd;

namespace Descent.Tensors;

/// <summary>
/// avg_pool2d over NCHW (or unbatched CHW) input, PyTorch's <c>F.avg_pool2d</c>: zero padding, ceil mode,
/// count_include_pad (divide by the window area including padding, clipped to the padded input) or not, and an
/// optional fixed divisor. The gradient spreads each output gradient over its window with the same divisor.
/// </summary>
public sealed partial class Tensor
{
    /// <summary>
    /// Average pooling; <paramref name="stride"/> defaults to the kernel size, padding to 0.
    /// <paramref name="divisorOverride"/>, when given, replaces the window size as divisor.
    /// </summary>
    public static Tensor AvgPool2d(Tensor input, Size2 kernelSize, Size2? stride = null, Size2? padding = null, bool ceilMode = false,
        bool countIncludePad = true, int? divisorOverride = null)
    {
        const string op = "avg_pool2d";
        RequirePoolInput(op, input);
        if (divisorOverride == 0)
            throw new ArgumentOutOfRangeException(nameof(divisorOverride), $"{op}: divisor_override must be non-zero.");
        if (input.Rank == 3)
            return AvgPool2d(input.Unsqueeze(0), kernelSize, stride, padding, ceilMode, countIncludePad, divisorOverride).Squeeze(0);
        var g = PoolGeometry(op, input, kernelSize, stride ?? kernelSize, padding ?? 0, 1, ceilMode);
        int planes = input.Shape[0] * input.Shape[1], divisor = divisorOverride ?? 0;
        var y = Empty(Shape.Wrap([input.Shape[0], input.Shape[1], g.OutH, g.OutW]), input.DType);
        if (input.DType == DType.Float32)
            AvgPool2dKernels.Forward<float>(input.KernelMemory<float>(), y.KernelMemory<float>(), planes, g, countIncludePad, divisor);
        else
            AvgPool2dKernels.Forward<double>(input.KernelMemory<double>(), y.KernelMemory<double>(), planes, g, countIncludePad, divisor);
        if (NeedsGrad(input)) y.GradFn = new AvgPool2dNode(input, g, countIncludePad, divisor);
        return y;
    }

    private sealed class AvgPool2dNode(Tensor input, Pool2dGeometry g, bool countIncludePad, int divisor) : Node(input)
    {
        protected internal override void Backward(Tensor gradOutput, GradSink sink)
        {
            var grad = gradOutput.DType == input.DType ? gradOutput : gradOutput.To(input.DType);
            int planes = input.Shape[0] * input.Shape[1];
            var dx = Empty(input.Shape, input.DType);
            if (input.DType == DType.Float32)
                AvgPool2dKernels.Backward<float>(grad.KernelMemory<float>(), dx.KernelMemory<float>(), planes, g, countIncludePad, divisor);
            else
                AvgPool2dKernels.Backward<double>(grad.KernelMemory<double>(), dx.KernelMemory<double>(), planes, g, countIncludePad, divisor);
            sink.Add(0, dx);
        }
    }
}
