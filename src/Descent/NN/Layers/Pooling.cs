using Descent.Tensors;

namespace Descent.NN;

/// <summary>
/// 2-D max pooling (PyTorch's <c>nn.MaxPool2d</c>): stride defaults to the kernel size; padding is −∞; with
/// <see cref="ForwardWithIndices"/> also the int64 argmax offsets h·W + w within each input plane.
/// </summary>
public sealed class MaxPool2d(Size2 kernelSize, Size2? stride = null, Size2? padding = null, Size2? dilation = null, bool ceilMode = false) : Module
{
    /// <summary>Window (height, width).</summary>
    public Size2 KernelSize { get; } = kernelSize;

    /// <summary>Step between windows.</summary>
    public Size2 Stride { get; } = stride ?? kernelSize;

    /// <summary>Implicit −∞ padding on each side.</summary>
    public Size2 Padding { get; } = padding ?? 0;

    /// <summary>Spacing between window elements.</summary>
    public Size2 Dilation { get; } = dilation ?? 1;

    /// <summary>Round the output size up (keeping a last partial window).</summary>
    public bool CeilMode { get; } = ceilMode;

    /// <inheritdoc/>
    public override Tensor Forward(Tensor input) => Tensor.MaxPool2d(input, KernelSize, Stride, Padding, Dilation, CeilMode);

    /// <summary>Pooled values and their int64 indices (PyTorch's return_indices=True).</summary>
    public (Tensor Output, Tensor Indices) ForwardWithIndices(Tensor input) =>
        Tensor.MaxPool2dWithIndices(input, KernelSize, Stride, Padding, Dilation, CeilMode);

    /// <inheritdoc/>
    public override string ExtraRepr() =>
        $"kernel_size={PoolRepr.Size(KernelSize)}, stride={PoolRepr.Size(Stride)}, padding={PoolRepr.Size(Padding)}, dilation={PoolRepr.Size(Dilation)}, ceil_mode={Repr.Bool(CeilMode)}";
}

/// <summary>
/// 2-D average pooling (PyTorch's <c>nn.AvgPool2d</c>): zero padding counted in the divisor unless
/// <c>countIncludePad</c> is false; <c>divisorOverride</c> replaces the divisor.
/// </summary>
public sealed class AvgPool2d(Size2 kernelSize, Size2? stride = null, Size2? padding = null, bool ceilMode = false,
    bool countIncludePad = true, int? divisorOverride = null) : Module
{
    /// <summary>Window (height, width).</summary>
    public Size2 KernelSize { get; } = kernelSize;

    /// <summary>Step between windows.</summary>
    public Size2 Stride { get; } = stride ?? kernelSize;

    /// <summary>Implicit zero padding on each side.</summary>
    public Size2 Padding { get; } = padding ?? 0;

    /// <summary>Round the output size up.</summary>
    public bool CeilMode { get; } = ceilMode;

    /// <summary>Count padded zeros in the divisor.</summary>
    public bool CountIncludePad { get; } = countIncludePad;

    /// <summary>Fixed divisor, or null for the window size.</summary>
    public int? DivisorOverride { get; } = divisorOverride;

    /// <inheritdoc/>
    public override Tensor Forward(Tensor input) =>
        Tensor.AvgPool2d(input, KernelSize, Stride, Padding, CeilMode, CountIncludePad, DivisorOverride);

    /// <inheritdoc/>
    public override string ExtraRepr() =>
        $"kernel_size={PoolRepr.Size(KernelSize)}, stride={PoolRepr.Size(Stride)}, padding={PoolRepr.Size(Padding)}";
}

/// <summary>Adaptive average pooling to a fixed output size (PyTorch's <c>nn.AdaptiveAvgPool2d</c>); (1, 1) is global average pooling.</summary>
public sealed class AdaptiveAvgPool2d(Size2 outputSize) : Module
{
    /// <summary>Output (height, width).</summary>
    public Size2 OutputSize { get; } = outputSize;

    /// <inheritdoc/>
    public override Tensor Forward(Tensor input) => Tensor.AdaptiveAvgPool2d(input, OutputSize);

    /// <inheritdoc/>
    public override string ExtraRepr() => $"output_size={PoolRepr.Size(OutputSize)}";
}

/// <summary>Formats a size as PyTorch prints the value given to the constructor: an int when square, else a tuple.</summary>
internal static class PoolRepr
{
    public static string Size(Size2 s) => s.H == s.W ? Repr.Int(s.H) : s.ToString();
}
