using System.Buffers;
using Descent.Kernels.Quantized;
using Descent.NN;
using Descent.Tensors;

namespace Descent.Compression.Quantization;

/// <summary>
/// A statically quantized Linear (PyTorch's torch.ao.nn.quantized.Linear, or LinearReLU with <c>relu</c>): int8
/// weights, the input quantized with calibrated parameters, y = (Σ (q_x − z_x)(q_w − z_w) · x_scale) · w_scale[o] +
/// bias[o] in float32. State: the <see cref="StaticQuantizedModule"/> buffers.
/// </summary>
public sealed class QuantizedLinear : StaticQuantizedModule
{
    /// <summary>An empty layer of the given size, to be filled by <see cref="Module.LoadStateDict"/>.</summary>
    public QuantizedLinear(int inFeatures, int outFeatures, bool bias = true, bool perChannel = true, bool reduceRange = true, bool relu = false)
        : base(new Shape(outFeatures, inFeatures), bias, perChannel, reduceRange, relu)
    {
        InFeatures = inFeatures;
        OutFeatures = outFeatures;
    }

    /// <summary>Input size.</summary>
    public int InFeatures { get; }

    /// <summary>Output size.</summary>
    public int OutFeatures { get; }

    /// <summary>
    /// Quantizes <paramref name="linear"/>'s weights (qint8 symmetric, per output channel by default as PyTorch's x86
    /// static qconfig) for inputs quantized with <paramref name="input"/> (per-tensor quint8 over [0, 127] with
    /// <paramref name="reduceRange"/>, else [0, 255]).
    /// </summary>
    public static QuantizedLinear FromFloat(Linear linear, QuantParams input, bool perChannel = true, bool reduceRange = true, bool relu = false)
    {
        ArgumentNullException.ThrowIfNull(linear);
        var q = new QuantizedLinear(linear.InFeatures, linear.OutFeatures, linear.Bias is not null, perChannel, reduceRange, relu);
        q.LoadStateDict(q.StaticState(linear.Weight, linear.Bias, input));
        return q;
    }

    /// <inheritdoc/>
    public override Tensor Forward(Tensor input)
    {
        ArgumentNullException.ThrowIfNull(input);
        if (input.DType != DType.UInt8 && OutputQuantization is null)
            return ApplyToRows(input, InFeatures, (x, rows, output) =>
                QuantizedGemm.StaticLinear(x, rows, InFeatures, InputScaleValue, InputZeroPointValue, InputQuantMax, Packed, Scales, BiasValues, Relu, output));
        return LinkedForward(input);
    }

    /// <summary>
    /// The linked forms: a uint8 input [..., in] already quantized with the input parameters (from a linked int8
    /// layer), and/or a uint8 output [..., out] requantized in the GEMM epilogue for the next int8 layer.
    /// </summary>
    private unsafe Tensor LinkedForward(Tensor input)
    {
        bool int8 = input.DType == DType.UInt8;
        if (int8 && !TakesInt8Input) throw UnlinkedInt8Input(input);
        var x = int8 ? input : FloatInput(input);
        if (input.Rank == 0 || input.Shape[-1] != InFeatures)
            throw new ArgumentException($"{TypeName}: input {input.Shape} does not end in in_features = {InFeatures}.", nameof(input));
        var dims = input.Shape.Dims.ToArray();
        dims[^1] = OutFeatures;
        var requantize = OutputQuantization;
        var output = Tensor.Empty(new Shape(dims), requantize is null ? DType.Float32 : DType.UInt8);
        int rows = OutFeatures == 0 ? 0 : output.Numel / OutFeatures;
        byte[]? rented = int8 ? null : ArrayPool<byte>.Shared.Rent(Math.Max(1, x.Numel));
        try
        {
            if (!int8) QuantizeKernels.Quantize(x.Span<float>(), 1f / InputScaleValue, InputZeroPointValue, 0, InputQuantMax, rented.AsSpan(0, x.Numel));
            var correction = ZeroPointCorrection();
            fixed (byte* pa = int8 ? x.Span<byte>() : rented.AsSpan())
            fixed (int* pcorr = correction)
            fixed (float* ps = PaddedScales)
            fixed (float* pb = PaddedBias)
            {
                var scaling = new Int8Scaling(pcorr, InputScaleValue, ps, PaddedBias.Length == 0 ? null : pb, Relu);
                var rowsOfA = new MatrixRows(pa, InFeatures);
                if (requantize is { } q)
                {
                    fixed (byte* po = output.Span<byte>())
                        Int8RowGemm.Run(rows, rowsOfA, Packed, InputQuantMax, Int8OutputEpilogue.UInt8Rows(po, OutFeatures, OutFeatures, scaling, q.Scale, q.ZeroPoint, 0, q.QuantMax));
                }
                else
                {
                    fixed (float* po = output.Span<float>())
                        Int8RowGemm.Run(rows, rowsOfA, Packed, InputQuantMax, Int8OutputEpilogue.FloatRows(po, OutFeatures, OutFeatures, scaling));
                }
            }
        }
        finally
        {
            if (rented is not null) ArrayPool<byte>.Shared.Return(rented);
        }
        return output.DType == DType.UInt8 || input.DType is DType.Float32 or DType.UInt8 ? output : output.To(input.DType);
    }

    /// <inheritdoc/>
    public override string ExtraRepr() =>
        $"in_features={InFeatures}, out_features={OutFeatures}, bias={(Bias is not null ? "True" : "False")}, {QuantRepr()}";
}
