using System.Buffers;
using Descent.Kernels.Quantized;

namespace Descent.Compression.Quantization;

/// <summary>
/// The per-call part of dynamic and static quantization: the activation's quint8 parameters (dynamic: from this batch's own min/max
/// as PyTorch's MinMaxObserver, per-tensor affine; static: calibrated), the quantized activation, and the int8 product
/// with a float output.
/// </summary>
internal static class QuantizedGemm
{
    /// <summary>
    /// output[rows × n] = dynamic-quantized x[rows × k] · Wᵀ (then max(·, 0) with <paramref name="relu"/>);
    /// <paramref name="reduceRange"/> quantizes x to [0, 127] (PyTorch's x86 engines do), which lets the u8×s8 kernel
    /// run; <paramref name="layer"/> names the module in errors.
    /// </summary>
    public static void DynamicLinear(ReadOnlySpan<float> x, int rows, int k, Int8PackedMatrix w, float[] weightScales, float[] bias,
        bool relu, bool reduceRange, Span<float> output, string layer)
    {
        int quantMax = reduceRange ? 127 : 255;
        var (scale, zeroPoint) = ActivationQParams(x, quantMax, layer);
        if (reduceRange)
        {
            StaticLinear(x, rows, k, scale, zeroPoint, quantMax, w, weightScales, bias, relu, output);
            return;
        }
        var offsets = ArrayPool<short>.Shared.Rent(x.Length);
        try
        {
            var a = offsets.AsSpan(0, x.Length);
            QuantizeKernels.Quantize(x, 1f / scale, zeroPoint, 0, 255, zeroPoint, a);
            Int8Gemm.MultiplyToFloat(rows, a, k, w, scale, weightScales, bias, relu, output, w.N);
        }
        finally
        {
            ArrayPool<short>.Shared.Return(offsets);
        }
    }

    /// <summary>
    /// output[rows × n] = x[rows × k] quantized with the fixed quint8 (<paramref name="scale"/>, <paramref name="zeroPoint"/>)
    /// to [0, <paramref name="quantMax"/>] (static quantization's calibrated input parameters), times Wᵀ, in float.
    /// </summary>
    public static void StaticLinear(ReadOnlySpan<float> x, int rows, int k, float scale, int zeroPoint, int quantMax, Int8PackedMatrix w,
        float[] weightScales, float[] bias, bool relu, Span<float> output)
    {
        var values = ArrayPool<byte>.Shared.Rent(x.Length);
        try
        {
            var a = values.AsSpan(0, x.Length);
            QuantizeKernels.Quantize(x, 1f / scale, zeroPoint, 0, quantMax, a);
            Int8Gemm.MultiplyToFloat(rows, a, k, zeroPoint, quantMax, w, scale, weightScales, bias, relu, output, w.N);
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(values);
        }
    }

    /// <summary>quint8 scale and zero point of <paramref name="x"/>'s own range over [0, quantMax], as PyTorch's dynamic quantization computes them.</summary>
    public static (float Scale, int ZeroPoint) ActivationQParams(ReadOnlySpan<float> x, int quantMax, string layer)
    {
        var (min, max) = QuantizeKernels.MinMax(x);
        if (!float.IsFinite(min) || !float.IsFinite(max))
            throw new ArgumentException($"{layer}: the input holds {(float.IsNaN(min) || float.IsNaN(max) ? "NaN" : "an infinite value")}; a quantized layer needs finite inputs.");
        return QParamsMath.Calculate(min, max, symmetric: false, QuantizedType.QUInt8, 0, quantMax);
    }
}
