using Descent.Kernels.Quantized;
using Descent.Tensors;
using Descent.Tensors.Autograd;

namespace Descent.Compression.Quantization;

/// <summary>
/// torch.fake_quantize_per_tensor_affine and torch.fake_quantize_per_channel_affine: the forward pass rounds x to
/// the quantization grid (quantize then dequantize), the backward pass is the clipped straight-through estimator —
/// the gradient passes unchanged where the rounded, unclamped value lies inside [quant_min, quant_max] and is 0
/// elsewhere. This is a deliberate surrogate gradient (the true derivative is 0 almost everywhere), so it is checked
/// against PyTorch's recorded gradients, not against finite differences.
/// </summary>
public static class FakeQuantize
{
    /// <summary>Fake-quantizes <paramref name="x"/> with one scale and zero point.</summary>
    public static Tensor PerTensorAffine(Tensor x, float scale, int zeroPoint, int quantMin, int quantMax)
    {
        Check(scale, zeroPoint, quantMin, quantMax, 0);
        return new Function([scale], [zeroPoint], null, quantMin, quantMax).Apply(x);
    }

    /// <summary>Fake-quantizes <paramref name="x"/> with a scale and zero point per index along <paramref name="axis"/>.</summary>
    public static Tensor PerChannelAffine(Tensor x, float[] scales, int[] zeroPoints, int axis, int quantMin, int quantMax)
    {
        ArgumentNullException.ThrowIfNull(x);
        ArgumentNullException.ThrowIfNull(scales);
        ArgumentNullException.ThrowIfNull(zeroPoints);
        if (axis < 0 || axis >= x.Rank)
            throw new ArgumentOutOfRangeException(nameof(axis), axis, $"fake_quantize_per_channel_affine: axis {axis} is out of range for {x.Shape}.");
        if (scales.Length != x.Shape[axis] || zeroPoints.Length != x.Shape[axis])
            throw new ArgumentException($"fake_quantize_per_channel_affine: {scales.Length} scales and {zeroPoints.Length} zero points for {x.Shape[axis]} channels of {x.Shape} (axis {axis}).");
        for (int c = 0; c < scales.Length; c++) Check(scales[c], zeroPoints[c], quantMin, quantMax, c);
        return new Function(scales, zeroPoints, axis, quantMin, quantMax).Apply(x);
    }

    private static void Check(float scale, int zeroPoint, int quantMin, int quantMax, int channel)
    {
        if (!(scale > 0) || !float.IsFinite(scale))
            throw new ArgumentOutOfRangeException(nameof(scale), $"fake quantize: scale {channel} is {scale}; it must be positive and finite.");
        if (quantMin > quantMax)
            throw new ArgumentOutOfRangeException(nameof(quantMin), $"fake quantize: quant_min {quantMin} > quant_max {quantMax}.");
        if (zeroPoint < quantMin || zeroPoint > quantMax)
            throw new ArgumentOutOfRangeException(nameof(zeroPoint), $"fake quantize: zero point {channel} = {zeroPoint} is outside [{quantMin}, {quantMax}].");
    }

    private sealed class Function(float[] scales, int[] zeroPoints, int? axis, int quantMin, int quantMax) : Tensors.Autograd.Function
    {
        public override string Name => axis is null ? "FakeQuantizePerTensorAffine" : "FakeQuantizePerChannelAffine";

        protected override Tensor Forward(FunctionContext ctx, Tensor[] inputs)
        {
            var x = inputs[0];
            if (!x.DType.IsFloatingPoint())
                throw new ArgumentException($"{Name}: input must be float32 or float64, got {x.DType.TorchName()} {x.Shape}.");
            var output = Tensor.Empty(x.Shape, x.DType);
            var mask = Tensor.Empty(x.Shape, x.DType);
            int outer = 1, channels = 1, inner = x.Numel;
            if (axis is int a)
            {
                channels = x.Shape[a];
                outer = 1;
                inner = 1;
                for (int d = 0; d < a; d++) outer *= x.Shape[d];
                for (int d = a + 1; d < x.Rank; d++) inner *= x.Shape[d];
            }
            for (int o = 0; o < outer; o++)
            {
                for (int c = 0; c < channels; c++)
                {
                    int start = (o * channels + c) * inner;
                    if (x.DType == DType.Float32)
                        FakeQuantizeKernels.Forward(x.Span<float>().Slice(start, inner), scales[c], zeroPoints[c], quantMin, quantMax,
                            output.Span<float>().Slice(start, inner), mask.Span<float>().Slice(start, inner));
                    else
                        FakeQuantizeKernels.Forward(x.Span<double>().Slice(start, inner), scales[c], zeroPoints[c], quantMin, quantMax,
                            output.Span<double>().Slice(start, inner), mask.Span<double>().Slice(start, inner));
                }
            }
            ctx.SaveForBackward(mask);
            return output;
        }

        protected override Tensor?[] Backward(FunctionContext ctx, Tensor gradOutput) => [gradOutput * ctx.SavedTensors[0]!];
    }
}
