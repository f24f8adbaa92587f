using Descent.Kernels.Quantized;
using Descent.NN;
using Descent.Tensors;

namespace Descent.Compression.Quantization;

/// <summary>
/// A statically quantized Conv2d (PyTorch's torch.ao.nn.quantized.Conv2d, or ConvReLU2d with <c>relu</c>; one group):
/// int8 weights [out, in, kh, kw], the NCHW (or CHW) input quantized with calibrated parameters, zero-point padding,
/// and y = (Σ (q_x − z_x)(q_w − z_w) · x_scale) · w_scale[o] + bias[o] in float32, computed as im2col + int8 GEMM.
/// A BatchNorm that followed the float convolution is folded into its weights and bias before quantization
/// (<see cref="BatchNormFolding"/>). State: the <see cref="StaticQuantizedModule"/> buffers.
/// </summary>
public sealed class QuantizedConv2d : StaticQuantizedModule
{
    /// <summary>
    /// An empty layer, to be filled by <see cref="Module.LoadStateDict"/>. <paramref name="padding"/> is the top/left
    /// padding; <paramref name="extraPadding"/> adds rows/columns at the bottom/right (PyTorch's "same" padding with an
    /// odd total).
    /// </summary>
    public QuantizedConv2d(int inChannels, int outChannels, Size2 kernelSize, Size2? stride = null, Size2? padding = null,
        Size2? dilation = null, bool bias = true, bool perChannel = true, bool reduceRange = true, bool relu = false, Size2? extraPadding = null)
        : base(new Shape(outChannels, inChannels, kernelSize.H, kernelSize.W), bias, perChannel, reduceRange, relu)
    {
        InChannels = inChannels;
        OutChannels = outChannels;
        KernelSize = kernelSize;
        Stride = stride ?? 1;
        Padding = padding ?? 0;
        Dilation = dilation ?? 1;
        ExtraPadding = extraPadding ?? 0;
        if (Stride.H < 1 || Stride.W < 1 || Dilation.H < 1 || Dilation.W < 1 || Padding.H < 0 || Padding.W < 0 || ExtraPadding.H < 0 || ExtraPadding.W < 0)
            throw new ArgumentOutOfRangeException(nameof(stride), $"{TypeName}: stride {Stride} and dilation {Dilation} must be positive, padding {Padding} and {ExtraPadding} not negative.");
        Geometry = new Int8ConvGeometry(kernelSize.H, kernelSize.W, Stride.H, Stride.W, Dilation.H, Dilation.W,
            Padding.H, Padding.W, Padding.H + ExtraPadding.H, Padding.W + ExtraPadding.W);
    }

    /// <summary>Input channels.</summary>
    public int InChannels { get; }

    /// <summary>Output channels.</summary>
    public int OutChannels { get; }

    /// <summary>Kernel (height, width).</summary>
    public Size2 KernelSize { get; }

    /// <summary>Stride (height, width).</summary>
    public Size2 Stride { get; }

    /// <summary>Zero padding at the top/left (and bottom/right, plus <see cref="ExtraPadding"/>).</summary>
    public Size2 Padding { get; }

    /// <summary>Additional bottom/right padding.</summary>
    public Size2 ExtraPadding { get; }

    /// <summary>Kernel dilation (height, width).</summary>
    public Size2 Dilation { get; }

    private Int8ConvGeometry Geometry { get; }

    /// <summary>True when <paramref name="conv"/> can become a <see cref="QuantizedConv2d"/> (one group); else the reason.</summary>
    public static string? Unsupported(Conv2d conv)
    {
        ArgumentNullException.ThrowIfNull(conv);
        return conv.Groups == 1 ? null : $"grouped convolution (groups={conv.Groups}) has no int8 kernel; stays float";
    }

    /// <summary>
    /// Quantizes <paramref name="conv"/>'s weights (qint8 symmetric, per output channel by default) for inputs
    /// quantized with <paramref name="input"/> (per-tensor quint8 over [0, 127] with <paramref name="reduceRange"/>,
    /// else [0, 255]); stride, padding (also "same") and dilation are kept.
    /// </summary>
    public static QuantizedConv2d FromFloat(Conv2d conv, QuantParams input, bool perChannel = true, bool reduceRange = true, bool relu = false)
    {
        ArgumentNullException.ThrowIfNull(conv);
        if (Unsupported(conv) is { } reason) throw new ArgumentException($"QuantizedConv2d.FromFloat: {reason}.", nameof(conv));
        // "same" puts the odd extra row/column at the bottom/right, as Conv2d does.
        var extra = conv.PaddingMode == "same"
            ? new Size2(conv.Dilation.H * (conv.KernelSize.H - 1) % 2, conv.Dilation.W * (conv.KernelSize.W - 1) % 2)
            : new Size2(0, 0);
        var q = new QuantizedConv2d(conv.InChannels, conv.OutChannels, conv.KernelSize, conv.Stride, conv.Padding, conv.Dilation,
            conv.Bias is not null, perChannel, reduceRange, relu, extra);
        q.LoadStateDict(q.StaticState(conv.Weight, conv.Bias, input));
        return q;
    }

    /// <inheritdoc/>
    public override Tensor Forward(Tensor input)
    {
        var x = FloatInput(input);
        bool batched = input.Rank == 4;
        if (input.Rank is not (3 or 4) || input.Shape[batched ? 1 : 0] != InChannels)
            throw new ArgumentException($"{TypeName}: expected an NCHW or CHW input with {InChannels} channels, got {input.Shape}.", nameof(input));
        int images = batched ? input.Shape[0] : 1, height = input.Shape[-2], width = input.Shape[-1];
        int outH = Geometry.OutputHeight(height), outW = Geometry.OutputWidth(width);
        if (outH == 0 || outW == 0)
            throw new ArgumentException($"{TypeName}: input {input.Shape} is smaller than the kernel {KernelSize} (dilation {Dilation}, padding {Padding}).", nameof(input));
        var output = Tensor.Empty(batched ? new Shape(images, OutChannels, outH, outW) : new Shape(OutChannels, outH, outW), DType.Float32);
        QuantizedGemm.StaticConv2d(x.Span<float>(), images, InChannels, height, width, Geometry, InputScaleValue, InputZeroPointValue,
            InputQuantMax, Packed, Scales, BiasValues, Relu, output.Span<float>());
        return input.DType == DType.Float32 ? output : output.To(input.DType);
    }

    /// <inheritdoc/>
    public override string ExtraRepr() =>
        $"{InChannels}, {OutChannels}, kernel_size={KernelSize}, stride={Stride}, padding={Padding}{(ExtraPadding != new Size2(0, 0) ? $", extra_padding={ExtraPadding}" : "")}{(Dilation != new Size2(1, 1) ? $", dilation={Dilation}" : "")}, bias={(Bias is not null ? "True" : "False")}, {QuantRepr()}";
}
