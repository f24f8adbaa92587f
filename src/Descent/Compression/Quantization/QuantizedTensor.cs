using Descent.Kernels.Quantized;
using Descent.Tensors;

namespace Descent.Compression.Quantization;

/// <summary>
/// A quantized tensor (PyTorch's quint8/qint8 tensors): the integer representation (a UInt8 or Int8 tensor, PyTorch's
/// <c>int_repr()</c>) with its <see cref="QuantParams"/>. Quantization follows torch.quantize_per_tensor /
/// torch.quantize_per_channel: q = clamp(zero_point + round_half_even(x / scale), quant_min, quant_max), the zero
/// point added after rounding, NaN mapped to quant_min as fbgemm does; float32 input is multiplied by the float32 reciprocal of the scale as PyTorch (fbgemm)
/// does, float64 input divided in float64 (the exact definition; PyTorch accepts float32 only).
/// </summary>
public sealed class QuantizedTensor
{
    /// <summary>Wraps an integer tensor and its parameters (UInt8 for quint8, Int8 for qint8).</summary>
    public QuantizedTensor(Tensor intRepr, QuantParams qparams)
    {
        ArgumentNullException.ThrowIfNull(intRepr);
        ArgumentNullException.ThrowIfNull(qparams);
        var expected = qparams.Type == QuantizedType.QUInt8 ? DType.UInt8 : DType.Int8;
        if (intRepr.DType != expected)
            throw new ArgumentException($"A {qparams.Type.TorchName()} tensor is stored as {expected.TorchName()}, got {intRepr.DType.TorchName()}.", nameof(intRepr));
        if (qparams.Axis is int axis && (axis < 0 || axis >= intRepr.Rank || intRepr.Shape[axis] != qparams.Scales.Length))
            throw new ArgumentException($"Per-channel parameters along axis {axis} with {qparams.Scales.Length} channels do not fit shape {intRepr.Shape}.", nameof(qparams));
        IntRepr = intRepr;
        QParams = qparams;
    }

    /// <summary>The integer values.</summary>
    public Tensor IntRepr { get; }

    /// <summary>Scales, zero points, axis and range.</summary>
    public QuantParams QParams { get; }

    /// <summary>The shape.</summary>
    public Shape Shape => IntRepr.Shape;

    /// <summary>torch.quantize_per_tensor(x, scale, zero_point, dtype).</summary>
    public static QuantizedTensor QuantizePerTensor(Tensor x, float scale, int zeroPoint, QuantizedType type) =>
        Quantize(x, QuantParams.PerTensor(scale, zeroPoint, type));

    /// <summary>torch.quantize_per_channel(x, scales, zero_points, axis, dtype).</summary>
    public static QuantizedTensor QuantizePerChannel(Tensor x, float[] scales, int[] zeroPoints, int axis, QuantizedType type) =>
        Quantize(x, QuantParams.PerChannel(scales, zeroPoints, axis, type));

    /// <summary>Quantizes a float tensor with <paramref name="qparams"/>.</summary>
    public static QuantizedTensor Quantize(Tensor x, QuantParams qparams)
    {
        ArgumentNullException.ThrowIfNull(x);
        ArgumentNullException.ThrowIfNull(qparams);
        if (!x.DType.IsFloatingPoint())
            throw new ArgumentException($"Quantize: input must be float32 or float64, got {x.DType.TorchName()} {x.Shape}.", nameof(x));
        var (outer, channels, inner) = Layout(x.Shape, qparams);
        var q = Tensor.Empty(x.Shape, qparams.Type == QuantizedType.QUInt8 ? DType.UInt8 : DType.Int8);
        for (int o = 0; o < outer; o++)
        {
            for (int c = 0; c < channels; c++)
            {
                int start = (o * channels + c) * inner;
                float scale = qparams.Scales[c];
                int zp = qparams.ZeroPoints[c];
                if (x.DType == DType.Float32)
                {
                    var src = x.Span<float>().Slice(start, inner);
                    if (qparams.Type == QuantizedType.QUInt8)
                        QuantizeKernels.Quantize(src, 1f / scale, zp, qparams.QuantMin, qparams.QuantMax, q.Span<byte>().Slice(start, inner));
                    else
                        QuantizeKernels.Quantize(src, 1f / scale, zp, qparams.QuantMin, qparams.QuantMax, q.Span<sbyte>().Slice(start, inner));
                }
                else
                {
                    var src = x.Span<double>().Slice(start, inner);
                    for (int i = 0; i < inner; i++)
                        q.SetDouble(start + i, QuantizeValue(src[i], scale, zp, qparams.QuantMin, qparams.QuantMax));
                }
            }
        }
        return new QuantizedTensor(q, qparams);
    }

    /// <summary>The float64 definition for one value: clamp(zero_point + round_half_even(x / scale), min, max).</summary>
    public static int QuantizeValue(double x, double scale, int zeroPoint, int quantMin, int quantMax)
    {
        if (double.IsNaN(x)) return quantMin;
        double r = Math.Round(x / scale, MidpointRounding.ToEven) + zeroPoint;
        return (int)Math.Clamp(r, quantMin, quantMax);
    }

    /// <summary>(q − zero_point) · scale in <paramref name="dtype"/> (PyTorch's dequantize returns float32).</summary>
    public Tensor Dequantize(DType dtype = DType.Float32)
    {
        if (!dtype.IsFloatingPoint())
            throw new ArgumentException($"Dequantize: the result must be float32 or float64, not {dtype.TorchName()}.", nameof(dtype));
        var (outer, channels, inner) = Layout(Shape, QParams);
        var x = Tensor.Empty(Shape, dtype);
        for (int o = 0; o < outer; o++)
        {
            for (int c = 0; c < channels; c++)
            {
                int start = (o * channels + c) * inner;
                float scale = QParams.Scales[c];
                int zp = QParams.ZeroPoints[c];
                if (dtype == DType.Float32 && IntRepr.DType == DType.UInt8)
                    QuantizeKernels.Dequantize(IntRepr.Span<byte>().Slice(start, inner), scale, zp, x.Span<float>().Slice(start, inner));
                else if (dtype == DType.Float32)
                    QuantizeKernels.Dequantize(IntRepr.Span<sbyte>().Slice(start, inner), scale, zp, x.Span<float>().Slice(start, inner));
                else
                    for (int i = 0; i < inner; i++)
                        x.SetDouble(start + i, (IntRepr.GetDouble(start + i) - zp) * (double)scale);
            }
        }
        return x;
    }

    // (outer, channels, inner): per-tensor parameters are one channel over everything.
    private static (int Outer, int Channels, int Inner) Layout(Shape shape, QuantParams qparams)
    {
        if (qparams.Axis is not int axis)
            return (1, 1, shape.Numel);
        if (axis < 0 || axis >= shape.Rank)
            throw new ArgumentOutOfRangeException(nameof(qparams), $"Per-channel axis {axis} is out of range for shape {shape}.");
        if (shape[axis] != qparams.Scales.Length)
            throw new ArgumentException($"Per-channel quantization along axis {axis} of {shape} needs {shape[axis]} scales, got {qparams.Scales.Length}.", nameof(qparams));
        int outer = 1, inner = 1;
        for (int d = 0; d < axis; d++) outer *= shape[d];
        for (int d = axis + 1; d < shape.Rank; d++) inner *= shape[d];
        return (outer, shape[axis], inner);
    }
}
