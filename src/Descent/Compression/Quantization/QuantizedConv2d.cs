using System.Buffers;
using Descent.Kernels.Quantized;
using Descent.NN;
using Descent.Tensors;

namespace Descent.Compression.Quantization;

/// <summary>
/// A statically quantized Conv2d (PyTorch's torch.ao.nn.quantized.Conv2d, or ConvReLU2d with <c>relu</c>; one group):
/// int8 weights [out, in, kh, kw], the NCHW (or CHW) input quantized with calibrated parameters, zero-point padding,
/// and y = (Σ (q_x − z_x)(q_w − z_w) · x_scale) · w_scale[o] + bias[o], computed by <see cref="Int8Conv2d"/> (NHWC
/// patches packed on the fly into the u8×s8 GEMM). Output: float32 NCHW, or, when <see cref="Int8Linking"/> linked
/// the next layer, uint8 NHWC requantized with that layer's input parameters (it then also takes uint8 NHWC input).
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
        var output = Convolve(input, null, Relu, OutputQuantization, floatRows: false);
        return output.DType == DType.UInt8 || input.DType is DType.Float32 or DType.UInt8 ? output : output.To(input.DType);
    }

    /// <inheritdoc/>
    private protected override ReadOnlySpan<sbyte> PackingOrder(Tensor weight)
    {
        // [out, in, kh, kw] → [out, kh, kw, in]: the NHWC patch order of Int8Conv2d.
        int o = weight.Shape[0], c = weight.Shape[1], kh = weight.Shape[2], kw = weight.Shape[3];
        var source = weight.Span<sbyte>();
        var packed = new sbyte[source.Length];
        for (int j = 0; j < o; j++)
            for (int ch = 0; ch < c; ch++)
                for (int i = 0; i < kh; i++)
                    for (int l = 0; l < kw; l++)
                        packed[((j * kh + i) * kw + l) * c + ch] = source[((j * c + ch) * kh + i) * kw + l];
        return packed;
    }

    /// <summary>
    /// The convolution of a float NCHW/CHW input (quantized with the input parameters on the way in) or, when linked, a
    /// uint8 NHWC/HWC input, through <see cref="Int8Conv2d"/>. The output is uint8 NHWC requantized with
    /// <paramref name="requantize"/>, float rows [images·outH·outW × out] (NHWC) with <paramref name="floatRows"/>, or
    /// float NCHW; <paramref name="skip"/> (float rows of the output's shape) is added before the ReLU.
    /// </summary>
    internal unsafe Tensor Convolve(Tensor input, Tensor? skip, bool relu, Int8Activation? requantize, bool floatRows)
    {
        ArgumentNullException.ThrowIfNull(input);
        bool int8 = input.DType == DType.UInt8;
        if (int8 && !TakesInt8Input) throw UnlinkedInt8Input(input);
        var x = int8 ? input : FloatInput(input);
        bool batched = input.Rank == 4;
        int channelDim = int8 ? input.Rank - 1 : batched ? 1 : 0;
        if (input.Rank is not (3 or 4) || input.Shape[channelDim] != InChannels)
            throw new ArgumentException($"{TypeName}: expected {(int8 ? "a uint8 NHWC or HWC" : "an NCHW or CHW")} input with {InChannels} channels, got {input.Shape}.", nameof(input));
        int images = batched ? input.Shape[0] : 1;
        int height = int8 ? input.Shape[-3] : input.Shape[-2], width = int8 ? input.Shape[-2] : input.Shape[-1];
        int outH = Geometry.OutputHeight(height), outW = Geometry.OutputWidth(width);
        if (outH == 0 || outW == 0)
            throw new ArgumentException($"{TypeName}: input {input.Shape} is smaller than the kernel {KernelSize} (dilation {Dilation}, padding {Padding}).", nameof(input));
        int rows = images * outH * outW;
        Tensor output = requantize is not null
            ? Tensor.Empty(batched ? new Shape(images, outH, outW, OutChannels) : new Shape(outH, outW, OutChannels), DType.UInt8)
            : floatRows
                ? Tensor.Empty(new Shape(rows, OutChannels), DType.Float32)
                : Tensor.Empty(batched ? new Shape(images, OutChannels, outH, outW) : new Shape(OutChannels, outH, outW), DType.Float32);
        if (skip is not null && (skip.DType != DType.Float32 || skip.Numel != rows * OutChannels))
            throw new DescentInternalException($"{TypeName}: skip {skip.Shape} is not {rows}×{OutChannels} float32.");
        int length = Int8Conv2d.PaddedLength(images, height, width, InChannels, Geometry);
        var padded = ArrayPool<byte>.Shared.Rent(length);
        try
        {
            var buffer = padded.AsSpan(0, length);
            if (int8) Int8Conv2d.Pad(x.Span<byte>(), images, height, width, InChannels, Geometry, (byte)InputZeroPointValue, buffer);
            else Int8Conv2d.QuantizeToPadded(x.Span<float>(), images, InChannels, height, width, Geometry, InputScaleValue, InputZeroPointValue, InputQuantMax, buffer);
            var correction = ZeroPointCorrection();
            fixed (byte* pa = padded)
            fixed (int* pcorr = correction)
            fixed (float* ps = PaddedScales)
            fixed (float* pb = PaddedBias)
            fixed (float* pskip = skip is null ? default : skip.Span<float>())
            {
                var scaling = new Int8Scaling(pcorr, InputScaleValue, ps, PaddedBias.Length == 0 ? null : pb, relu, pskip, OutChannels);
                if (requantize is { } q)
                {
                    fixed (byte* po = output.Span<byte>())
                        Int8Conv2d.Run(pa, images, height, width, InChannels, Geometry, Packed, InputQuantMax,
                            Int8OutputEpilogue.UInt8Rows(po, OutChannels, OutChannels, scaling, q.Scale, q.ZeroPoint, 0, q.QuantMax));
                }
                else
                {
                    fixed (float* po = output.Span<float>())
                        Int8Conv2d.Run(pa, images, height, width, InChannels, Geometry, Packed, InputQuantMax, floatRows
                            ? Int8OutputEpilogue.FloatRows(po, OutChannels, OutChannels, scaling)
                            : Int8OutputEpilogue.FloatChannels(po, OutChannels, outH * outW, scaling));
                }
            }
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(padded);
        }
        return output;
    }

    /// <inheritdoc/>
    public override string ExtraRepr() =>
        $"{InChannels}, {OutChannels}, kernel_size={KernelSize}, stride={Stride}, padding={Padding}{(ExtraPadding != new Size2(0, 0) ? $", extra_padding={ExtraPadding}" : "")}{(Dilation != new Size2(1, 1) ? $", dilation={Dilation}" : "")}, bias={(Bias is not null ? "True" : "False")}, {QuantRepr()}";
}
