using Descent.Kernels;
using Descent.Tensors.Autograd;

namespace Descent.Tensors;

/// <summary>
/// max_pool2d over NCHW (or unbatched CHW) input, PyTorch's <c>F.max_pool2d</c>: padding is −∞ (never selected),
/// windows may be dilated, ceil mode keeps a last partial window that starts inside the input or left padding.
/// Indices are int64 flat offsets h·W + w inside each input plane; ties keep the first maximum in row-major
/// window order and NaN propagates. The gradient goes to the argmax (summed where windows overlap).
/// </summary>
public sealed partial class Tensor
{
    /// <summary>Max pooling; <paramref name="stride"/> defaults to the kernel size, padding to 0, dilation to 1.</summary>
    public static Tensor MaxPool2d(Tensor input, Size2 kernelSize, Size2? stride = null, Size2? padding = null, Size2? dilation = null,
        bool ceilMode = false) => MaxPool2dWithIndices(input, kernelSize, stride, padding, dilation, ceilMode).Values;

    /// <summary>
    /// Max pooling returning the values and the int64 argmax indices (PyTorch's <c>return_indices=True</c>), both of
    /// shape [N, C, OH, OW] ([C, OH, OW] for unbatched input).
    /// </summary>
    public static (Tensor Values, Tensor Indices) MaxPool2dWithIndices(Tensor input, Size2 kernelSize, Size2? stride = null,
        Size2? padding = null, Size2? dilation = null, bool ceilMode = false)
    {
        const string op = "max_pool2d";
        RequirePoolInput(op, input);
        if (input.Rank == 3)
        {
            var (v, i) = MaxPool2dWithIndices(input.Unsqueeze(0), kernelSize, stride, padding, dilation, ceilMode);
            return (v.Squeeze(0), i.Squeeze(0));
        }
        var g = PoolGeometry(op, input, kernelSize, stride ?? kernelSize, padding ?? 0, dilation ?? 1, ceilMode);
        int planes = input.Shape[0] * input.Shape[1];
        var shape = Shape.Wrap([input.Shape[0], input.Shape[1], g.OutH, g.OutW]);
        var values = Empty(shape, input.DType);
        var indices = Empty(shape, DType.Int64);
        if (input.DType == DType.Float32)
            MaxPool2dKernels.Forward<float>(input.KernelMemory<float>(), values.KernelMemory<float>(), indices.KernelMemory<long>(), planes, g);
        else
            MaxPool2dKernels.Forward<double>(input.KernelMemory<double>(), values.KernelMemory<double>(), indices.KernelMemory<long>(), planes, g);
        if (NeedsGrad(input)) values.GradFn = new MaxPool2dNode(input, indices, g);
        return (values, indices);
    }

    /// <summary>Throws unless the input is a float 3-D or 4-D tensor with non-empty channel and spatial dims.</summary>
    private static void RequirePoolInput(string op, Tensor input)
    {
        RequireImage(op, "input", input, allowUnbatched: true);
        int r = input.Rank;
        if (input.Shape[r - 3] == 0 || input.Shape[r - 2] == 0 || input.Shape[r - 1] == 0)
            throw new ArgumentException($"{op}: expected input with non-zero channel, height and width dims, got {input.Shape}.");
    }

    /// <summary>PyTorch's pool2d shape checks (kernel, stride, dilation positive; pad at most half the effective kernel; output ≥ 1).</summary>
    private static Pool2dGeometry PoolGeometry(string op, Tensor input, Size2 kernel, Size2 stride, Size2 padding, Size2 dilation, bool ceilMode)
    {
        RequirePositive(op, "kernel_size", kernel);
        RequirePositive(op, "stride", stride);
        RequireNonNegative(op, "padding", padding);
        RequirePositive(op, "dilation", dilation);
        int effH = (kernel.H - 1) * dilation.H + 1, effW = (kernel.W - 1) * dilation.W + 1;
        if (padding.H > effH / 2 || padding.W > effW / 2)
            throw new ArgumentException(
                $"{op}: pad should be at most half of effective kernel size, but got pad={padding}, kernel_size={kernel} and dilation={dilation}.");
        int h = input.Shape[2], w = input.Shape[3];
        int outH = Pool2dGeometry.OutputSize(h, kernel.H, padding.H, stride.H, dilation.H, ceilMode);
        int outW = Pool2dGeometry.OutputSize(w, kernel.W, padding.W, stride.W, dilation.W, ceilMode);
        if (outH < 1 || outW < 1)
            throw new ArgumentException(
                $"{op}: input {input.Shape} is too small: kernel_size {kernel}, stride {stride}, padding {padding} and dilation {dilation} " +
                $"give output size {outH}x{outW}.");
        return new Pool2dGeometry(h, w, kernel.H, kernel.W, stride.H, stride.W, padding.H, padding.W, dilation.H, dilation.W, outH, outW);
    }

    private sealed class MaxPool2dNode(Tensor input, Tensor indices, Pool2dGeometry g) : Node(input)
    {
        protected internal override void Backward(Tensor gradOutput, GradSink sink)
        {
            var grad = gradOutput.DType == input.DType ? gradOutput : gradOutput.To(input.DType);
            int planes = input.Shape[0] * input.Shape[1];
            var dx = Empty(input.Shape, input.DType);
            if (input.DType == DType.Float32)
                MaxPool2dKernels.Backward<float>(grad.KernelMemory<float>(), indices.KernelMemory<long>(), dx.KernelMemory<float>(), planes, g);
            else
                MaxPool2dKernels.Backward<double>(grad.KernelMemory<double>(), indices.KernelMemory<long>(), dx.KernelMemory<double>(), planes, g);
            sink.Add(0, dx);
        }
    }
}
