using Descent.Kernels;
using Descent.Tensors.Autograd;

namespace Descent.Tensors;

/// <summary>
/// adaptive_avg_pool2d, PyTorch's <c>F.adaptive_avg_pool2d</c>: output bin i along an axis of input size n and
/// output size m averages inputs [⌊i·n/m⌋, ⌈(i+1)·n/m⌉). Output size (1, 1) is global average pooling.
/// </summary>
public sealed partial class Tensor
{
    /// <summary>Adaptive average pooling of [N, C, H, W] (or [C, H, W]) to [N, C, OH, OW].</summary>
    public static Tensor AdaptiveAvgPool2d(Tensor input, Size2 outputSize)
    {
        const string op = "adaptive_avg_pool2d";
        RequirePoolInput(op, input);
        RequireNonNegative(op, "output_size", outputSize);
        if (input.Rank == 3)
            return AdaptiveAvgPool2d(input.Unsqueeze(0), outputSize).Squeeze(0);
        int planes = input.Shape[0] * input.Shape[1], h = input.Shape[2], w = input.Shape[3];
        var y = Empty(Shape.Wrap([input.Shape[0], input.Shape[1], outputSize.H, outputSize.W]), input.DType);
        if (input.DType == DType.Float32)
            AdaptiveAvgPool2dKernels.Forward<float>(input.KernelMemory<float>(), y.KernelMemory<float>(), planes, h, w, outputSize.H, outputSize.W);
        else
            AdaptiveAvgPool2dKernels.Forward<double>(input.KernelMemory<double>(), y.KernelMemory<double>(), planes, h, w, outputSize.H, outputSize.W);
        if (NeedsGrad(input)) y.GradFn = new AdaptiveAvgPool2dNode(input, outputSize);
        return y;
    }

    private sealed class AdaptiveAvgPool2dNode(Tensor input, Size2 outputSize) : Node(input)
    {
        protected internal override void Backward(Tensor gradOutput, GradSink sink)
        {
            var grad = gradOutput.DType == input.DType ? gradOutput : gradOutput.To(input.DType);
            int planes = input.Shape[0] * input.Shape[1], h = input.Shape[2], w = input.Shape[3];
            var dx = Empty(input.Shape, input.DType);
            if (input.DType == DType.Float32)
                AdaptiveAvgPool2dKernels.Backward<float>(grad.KernelMemory<float>(), dx.KernelMemory<float>(), planes, h, w, outputSize.H, outputSize.W);
            else
                AdaptiveAvgPool2dKernels.Backward<double>(grad.KernelMemory<double>(), dx.KernelMemory<double>(), planes, h, w, outputSize.H, outputSize.W);
            sink.Add(0, dx);
        }
    }
}
