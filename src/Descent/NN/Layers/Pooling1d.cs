using Descent.Tensors;

namespace Descent.NN;

/// <summary>
/// 1-D max pooling of [N, C, L] or [C, L] inputs (PyTorch's <c>nn.MaxPool1d</c>): stride defaults to the kernel
/// size; padding is −∞. Runs as <see cref="MaxPool2d"/> over a height-1 image.
/// </summary>
public sealed class MaxPool1d(int kernelSize, int? stride = null, int padding = 0, int dilation = 1, bool ceilMode = false) : Module
{
    /// <summary>Window length.</summary>
    public int KernelSize { get; } = kernelSize;

    /// <summary>Step between windows.</summary>
    public int Stride { get; } = stride ?? kernelSize;

    /// <summary>Implicit −∞ padding on each side.</summary>
    public int Padding { get; } = padding;

    /// <summary>Spacing between window elements.</summary>
    public int Dilation { get; } = dilation;

    /// <summary>Round the output length up (keeping a last partial window).</summary>
    public bool CeilMode { get; } = ceilMode;

    /// <inheritdoc/>
    public override Tensor Forward(Tensor input) => Pool1d.OverHeightOne(input, "MaxPool1d", image =>
        Tensor.MaxPool2d(image, new Size2(1, KernelSize), new Size2(1, Stride), new Size2(0, Padding), new Size2(1, Dilation), CeilMode));

    /// <inheritdoc/>
    public override string ExtraRepr() =>
        $"kernel_size={Repr.Int(KernelSize)}, stride={Repr.Int(Stride)}, padding={Repr.Int(Padding)}, dilation={Repr.Int(Dilation)}, ceil_mode={Repr.Bool(CeilMode)}";
}

/// <summary>
/// 1-D average pooling of [N, C, L] or [C, L] inputs (PyTorch's <c>nn.AvgPool1d</c>): zero padding counted in the
/// divisor unless <c>countIncludePad</c> is false.
/// </summary>
public sealed class AvgPool1d(int kernelSize, int? stride = null, int padding = 0, bool ceilMode = false, bool countIncludePad = true) : Module
{
    /// <summary>Window length.</summary>
    public int KernelSize { get; } = kernelSize;

    /// <summary>Step between windows.</summary>
    public int Stride { get; } = stride ?? kernelSize;

    /// <summary>Implicit zero padding on each side.</summary>
    public int Padding { get; } = padding;

    /// <summary>Round the output length up.</summary>
    public bool CeilMode { get; } = ceilMode;

    /// <summary>Count padded zeros in the divisor.</summary>
    public bool CountIncludePad { get; } = countIncludePad;

    /// <inheritdoc/>
    public override Tensor Forward(Tensor input) => Pool1d.OverHeightOne(input, "AvgPool1d", image =>
        Tensor.AvgPool2d(image, new Size2(1, KernelSize), new Size2(1, Stride), new Size2(0, Padding), CeilMode, CountIncludePad));

    /// <inheritdoc/>
    public override string ExtraRepr() =>
        $"kernel_size=({Repr.Int(KernelSize)},), stride=({Repr.Int(Stride)},), padding=({Repr.Int(Padding)},)";
}

/// <summary>Adaptive average pooling of [N, C, L] or [C, L] inputs to a fixed length (PyTorch's <c>nn.AdaptiveAvgPool1d</c>); 1 is global average pooling.</summary>
public sealed class AdaptiveAvgPool1d(int outputSize) : Module
{
    /// <summary>Output length.</summary>
    public int OutputSize { get; } = outputSize;

    /// <inheritdoc/>
    public override Tensor Forward(Tensor input) =>
        Pool1d.OverHeightOne(input, "AdaptiveAvgPool1d", image => Tensor.AdaptiveAvgPool2d(image, new Size2(1, OutputSize)));

    /// <inheritdoc/>
    public override string ExtraRepr() => $"output_size={Repr.Int(OutputSize)}";
}

/// <summary>Runs a 2-D pooling op over the [N, C, 1, L] view of a 1-D input (the 1-D ops of PyTorch are the same windows).</summary>
internal static class Pool1d
{
    public static Tensor OverHeightOne(Tensor input, string layer, Func<Tensor, Tensor> pool2d)
    {
        ArgumentNullException.ThrowIfNull(input);
        if (input.Rank is not (2 or 3))
            throw new ArgumentException($"{layer}: expected 2D (C, L) or 3D (N, C, L) input, got {input.Rank}D input {input.Shape}.");
        var y = pool2d(input.Unsqueeze(input.Rank - 1));
        return y.Squeeze(y.Rank - 2);
    }
}
