using Descent.Kernels.Quantized;
using Descent.NN;
using Descent.Tensors;

namespace Descent.Compression.Quantization;

/// <summary>
/// Max-pooling between two linked int8 layers (PyTorch's quantized max_pool2d): a uint8 NHWC/HWC input is pooled
/// in uint8 (<see cref="Int8Pooling.MaxPool2d"/>; the quantization map is monotone, so the scale and zero point pass
/// through unchanged); a float input is pooled as <see cref="MaxPool2d"/> pools it. <see cref="Int8Linking"/> puts it in
/// place of a MaxPool2d (floor mode) that sits between two int8 layers; it has no state.
/// </summary>
public sealed class QuantizedMaxPool2d : Module
{
    private readonly Int8ConvGeometry _geometry;

    /// <summary>The same pooling as <paramref name="pool"/>; ceil mode has no int8 form.</summary>
    public QuantizedMaxPool2d(MaxPool2d pool)
    {
        ArgumentNullException.ThrowIfNull(pool);
        if (pool.CeilMode) throw new ArgumentException("QuantizedMaxPool2d: ceil_mode has no int8 form; the MaxPool2d stays float.", nameof(pool));
        Float = pool;
        _geometry = new Int8ConvGeometry(pool.KernelSize.H, pool.KernelSize.W, pool.Stride.H, pool.Stride.W, pool.Dilation.H, pool.Dilation.W,
            pool.Padding.H, pool.Padding.W, pool.Padding.H, pool.Padding.W);
    }

    /// <summary>The float pooling it replaces (run for float inputs).</summary>
    public MaxPool2d Float { get; }

    /// <inheritdoc/>
    public override Tensor Forward(Tensor input)
    {
        ArgumentNullException.ThrowIfNull(input);
        if (input.DType != DType.UInt8) return Float.Forward(input);
        if (input.Rank is not (3 or 4))
            throw new ArgumentException($"{TypeName}: expected a uint8 NHWC or HWC input, got {input.Shape}.", nameof(input));
        bool batched = input.Rank == 4;
        int images = batched ? input.Shape[0] : 1, height = input.Shape[-3], width = input.Shape[-2], channels = input.Shape[-1];
        int outH = _geometry.OutputHeight(height), outW = _geometry.OutputWidth(width);
        if (outH == 0 || outW == 0)
            throw new ArgumentException($"{TypeName}: input {input.Shape} is smaller than the pooling window {Float.KernelSize}.", nameof(input));
        var output = Tensor.Empty(batched ? new Shape(images, outH, outW, channels) : new Shape(outH, outW, channels), DType.UInt8);
        Int8Pooling.MaxPool2d(input.Span<byte>(), images, height, width, channels, _geometry, output.Span<byte>());
        return output;
    }

    /// <inheritdoc/>
    public override string ExtraRepr() => Float.ExtraRepr();
}

/// <summary>
/// Flatten between a linked int8 convolution and an int8 Linear: a uint8 NHWC/HWC input is put back into the logical
/// NCHW/CHW order (<see cref="Int8Pooling.NhwcToNchw"/>) and flattened as <see cref="Flatten"/> flattens the float
/// tensor, so the Linear's weights keep PyTorch's column order; a float input is flattened as usual.
/// </summary>
public sealed class QuantizedFlatten(Flatten flatten) : Module
{
    /// <summary>The float flatten it replaces.</summary>
    public Flatten Float { get; } = flatten ?? throw new ArgumentNullException(nameof(flatten));

    /// <inheritdoc/>
    public override Tensor Forward(Tensor input)
    {
        ArgumentNullException.ThrowIfNull(input);
        if (input.DType != DType.UInt8 || input.Rank < 3) return Float.Forward(input);
        bool batched = input.Rank == 4;
        int images = batched ? input.Shape[0] : 1, height = input.Shape[-3], width = input.Shape[-2], channels = input.Shape[-1];
        var logical = batched ? new Shape(images, channels, height, width) : new Shape(channels, height, width);
        var nchw = Tensor.Empty(logical, DType.UInt8);
        Int8Pooling.NhwcToNchw(input.Span<byte>(), images, height * width, channels, nchw.Span<byte>());
        return Float.Forward(nchw);
    }

    /// <inheritdoc/>
    public override string ExtraRepr() => Float.ExtraRepr();
}
